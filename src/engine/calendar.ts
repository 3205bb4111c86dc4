/**
 * The event calendar: a d-ary min-heap (d = 4 by default) of pending events over growable
 * parallel typed arrays. Events are totally ordered by (time, priority, insertion sequence),
 * so two events at the same time and priority run first-in-first-out and every run is
 * reproducible.
 *
 * The heap stores each entry's sort key (time, tie) inline, interleaved, beside its slot number, so a
 * sift compares neighbouring doubles instead of chasing slot indices into other arrays:
 * with 10^5+ pending events that indirection, not the comparisons, is what costs.
 *
 * Events live in numbered slots (slots.ts, shared with the FIFO line below); the heap holds
 * slot numbers. Handles are generation-checked, so cancelling a stale handle is a harmless
 * no-op. Nothing is allocated per event once the arrays have grown.
 *
 * Cancellation is lazy: a cancelled entry stays in the heap as a tombstone and is dropped
 * when it reaches the top (or when tombstones outnumber live entries, by a rebuild). So the
 * heap keeps no slot → position map, and a sift writes only the heap arrays: at 10^6 pending
 * events that map's scattered writes were a cache miss per level. A slot's generation is odd
 * while its event is pending and even otherwise, which is all that cancel and isPending need.
 *
 * Large calendars split near from far. Once the heap outgrows `spillAt` entries (it then no
 * longer fits in the CPU caches and every level of a sift is a memory access), events are
 * spread over time buckets of about `perBucket` events each (block-lists.ts); the heap holds
 * only the buckets already reached, and the next bucket is heapified when the heap runs
 * dry. A push beyond the loaded buckets is an append; a push into them goes to the heap.
 * The bucket of a time is floor((time − start) · scale), monotone in time, so every event
 * in the heap is strictly earlier than every bucketed one and the pop order is exactly the
 * heap's order: (time, priority, insertion sequence). When the buckets are used up, the
 * overflow (events past the last bucket) is spread anew, or goes back into a plain heap
 * if it is small.
 */

import { BLOCK_ENTRIES, BlockLists } from './block-lists.js';
import { GENERATIONS, SLOT_BITS, SlotTable, type EventHandle, type EventHandler } from './slots.js';

export type { EventHandle, EventHandler } from './slots.js';

// The tie-break key: a const enum, so tsc writes the numbers into the hot functions (a module
// constant costs a context load and a hole check in bytecode at each use, and V8 stops inlining
// a hot function's callees once their bytecode adds up to about 920 bytes).
const enum Tie {
  /** Priorities -1024..1023 fold into the tie-break key. */
  PRIORITY_OFFSET = 1024,
  /** 2^42: insertion sequence numbers below 4.4e12 keep the key exact. */
  SEQ_SPAN = 4398046511104,
  /** The key of priority 0 before its sequence number: PRIORITY_OFFSET times SEQ_SPAN (2^52, exact). */
  LANE = 4503599627370496,
}
const PRIORITY_OFFSET = Tie.PRIORITY_OFFSET;

/** Heap arities the calendar supports. */
export type CalendarArity = 2 | 4 | 8;
// 4-ary is the default: bench/engine.ts measures it against binary on the hold model; it has
// half the levels and the four children of a node share one or two cache lines.
const DEFAULT_ARITY: CalendarArity = 4;

/** Lowest and highest event priority accepted (lower runs first at equal times). */
export const MIN_PRIORITY = -PRIORITY_OFFSET;
export const MAX_PRIORITY = PRIORITY_OFFSET - 1;

/** How the calendar splits near from far events; benchmarks and tests tune it, models leave it. */
export interface CalendarLayout {
  /** Heap entries beyond which later events move out to time buckets (default 2,048). */
  spillAt?: number;
  /** Events per time bucket aimed for when spreading them (default 256). */
  perBucket?: number;
}
// Measured on the hold model (bench/engine.ts): past ~2,000 entries a plain heap falls out of
// the L1 cache and slows down, while the split costs next to nothing even at 500 events;
// 256 events per bucket keep the loaded heap small (128 or 1,024 were slower).
const DEFAULT_SPILL_AT = 2_048;
const DEFAULT_PER_BUCKET = 256;
const MAX_BUCKETS = 4_096;
/** The list of events past the last bucket. */
const OVERFLOW = MAX_BUCKETS;
/** A value no handler can be: see `load`. */
const PREFETCH_MARK = Symbol('prefetch');

export class EventCalendar extends SlotTable {
  /** Interleaved [time, tie] pairs per heap position, so an entry's whole key shares a cache line. */
  private heapKey: Float64Array;
  private heapSlot: Int32Array;
  /** Pending (live) events. */
  /** Heap entries: live events plus tombstones. */
  private heapSize = 0;
  private sequence = 0;
  /** Time of the entry last popped (read back by `timeOf`). */
  private poppedTime = 0;
  /** log2 of the arity: children of i start at (i << shift) + 1. */
  private readonly shift: number;
  private readonly arity: number;

  // Far events (see the header). While `tiered` is false every event is in the heap.
  private tiered = false;
  private far: BlockLists | undefined;
  /** Bucket of time t: floor((t − farStart) · farScale); buckets below `loaded` are in the heap. */
  private farStart = 0;
  private farScale = 0;
  private buckets = 0;
  private loaded = 0;
  /** Entries in bucket and overflow lists, tombstones included. */
  private farCount = 0;
  /** Entries in the overflow list (tombstones included) and their time range. */
  private overflowCount = 0;
  private overflowLo = Infinity;
  private overflowHi = -Infinity;
  /** Entries the current buckets were drawn for. */
  private spreadSize = 0;
  private spillAt: number;
  private readonly baseSpillAt: number;
  private readonly perBucket: number;
  /** Where `load` keeps its prefetch reads' (always zero) result. */
  private prefetchHits = 0;
  /**
   * True when heap position 0 holds the entry just popped, not yet removed. Most handlers
   * schedule an event, and the first push after a pop fills the vacant root and sifts it
   * down: one sift instead of the removal's sift down plus the push's sift up. Every other
   * heap operation closes the vacancy first (`closeTop`). Keys are unique, so the pop order
   * (and every sample path) is the same whichever valid heap holds them.
   */
  private vacantTop = false;

  // Arrival lanes (see `openLane`): each holds at most one pending event outside the heap.
  /** Interleaved [time, tie] per lane; time is Infinity while the lane is empty. */
  private laneKey = new Float64Array(8);
  private laneSlot = new Int32Array(4);
  private lanes = 0;
  /** Pending events held in lanes (counted in `size_` too). */
  private laneLive = 0;
  /** The lane with the earliest event, or -1 when every lane is empty. */
  private laneTop = -1;

  constructor(initialCapacity = 1024, arity: CalendarArity = DEFAULT_ARITY, layout: CalendarLayout = {}) {
    if (arity !== 2 && arity !== 4 && arity !== 8) throw new RangeError(`calendar arity must be 2, 4 or 8, got ${String(arity)}`);
    const spillAt = layout.spillAt ?? DEFAULT_SPILL_AT;
    const perBucket = layout.perBucket ?? DEFAULT_PER_BUCKET;
    if (!Number.isInteger(spillAt) || spillAt < 2) throw new RangeError(`calendar spillAt must be an integer ≥ 2, got ${String(spillAt)}`);
    if (!Number.isInteger(perBucket) || perBucket < 1) throw new RangeError(`calendar perBucket must be an integer ≥ 1, got ${String(perBucket)}`);
    super(Math.max(16, initialCapacity | 0));
    const n = this.capacity;
    this.arity = arity;
    this.shift = Math.log2(arity);
    this.heapKey = new Float64Array(2 * n);
    this.heapSlot = new Int32Array(n);
    this.spillAt = spillAt;
    this.baseSpillAt = spillAt;
    this.perBucket = perBucket;
  }

  /** Time of the earliest pending event, or Infinity when the calendar is empty. */
  peekTime(): number {
    if (this.vacantTop) this.closeTop();
    if (this.size_ === 0) return Infinity;
    const lt = this.laneTop >= 0 ? this.laneKey[2 * this.laneTop]! : Infinity;
    if (this.size_ === this.laneLive) return lt;
    if (this.heapSize === 0 || (this.generation[this.heapSlot[0]!]! & 1) === 0) this.settle();
    const ht = this.heapKey[0]!;
    return lt < ht ? lt : ht;
  }

  /**
   * Opens an arrival lane and returns its number. A lane holds one pending event outside the
   * heap: a recurring stream (a load's arrivals) that always has exactly its next event
   * pending posts it with `insertLane`, and the pops take whichever of (heap top, earliest
   * lane) has the smaller (time, tie) key. Lane events draw their insertion sequence number
   * from the same counter as heap events, so the pop order is exactly the heap-only order;
   * each saves the heap's push and sift. Meant for a few lanes (the earliest is found by a scan).
   *
   * Each lane owns one slot for good, taken here: a lane event can never be cancelled and
   * gets no handle, so it needs no slot of its own, no generation bump and no free-list
   * round trip. The slot's generation stays even (not pending), so no handle, stale or forged,
   * ever names it; `popUntil` returns it like any popped slot for `handlerOf`/`dataOf`.
   */
  openLane(): number {
    const l = this.lanes++;
    if (2 * this.lanes > this.laneKey.length) {
      const k = new Float64Array(2 * this.laneKey.length);
      k.set(this.laneKey);
      this.laneKey = k;
      const sl = new Int32Array(this.laneSlot.length * 2);
      sl.set(this.laneSlot);
      this.laneSlot = sl;
    }
    this.laneKey[2 * l] = Infinity;
    this.laneSlot[l] = this.reserve();
    return l;
  }

  /**
   * `insertStaged(0, handler, data)` through lane `lane`: the event waits in the lane if the
   * lane is empty, else (a stream posting a second event before its first ran) in the heap.
   * Lane events cannot be cancelled.
   */
  insertLane<T>(lane: number, handler: EventHandler<T>, data: T): void {
    const key = this.laneKey;
    const k = 2 * lane;
    if (key[k] !== Infinity) {
      this.insertStaged(0, handler, data);
      return;
    }
    const slot = this.laneSlot[lane]!;
    const entries = this.entries;
    entries[2 * slot] = handler;
    entries[2 * slot + 1] = data;
    this.size_++;
    const seq = this.sequence;
    this.sequence = seq + 1 === Tie.SEQ_SPAN ? 0 : seq + 1;
    key[k] = this.staged[0]!;
    key[k + 1] = Tie.LANE + seq;
    // Alone in the lanes (a model with one load class: always), it is the earliest; else
    // the comparison with the earliest is a call of its own, to keep this one small enough
    // for V8 to inline into arrival handlers beside the rest of their work.
    if (this.laneLive++ === 0) this.laneTop = lane;
    else this.raiseLane(lane);
  }

  /** Makes lane `lane` (just filled) the earliest if it is earlier than the earliest so far (some other lane holds an event). */
  private raiseLane(lane: number): void {
    const key = this.laneKey;
    const top = this.laneTop;
    const t = key[2 * lane]!;
    if (t < key[2 * top]! || (t === key[2 * top] && key[2 * lane + 1]! < key[2 * top + 1]!)) this.laneTop = lane;
  }

  /** Removes lane `lane`'s event (the earliest pending one) and returns the lane's slot. */
  private popLane(lane: number): number {
    const key = this.laneKey;
    this.poppedTime = key[2 * lane]!;
    key[2 * lane] = Infinity;
    this.size_--;
    this.laneTop = --this.laneLive > 0 ? this.earliestLane() : -1;
    return this.laneSlot[lane]!;
  }

  /** The lane with the earliest (time, tie) key; some lane holds an event. */
  private earliestLane(): number {
    const key = this.laneKey;
    let best = -1;
    for (let l = 0; l < this.lanes; l++) {
      const t = key[2 * l]!;
      if (t === Infinity) continue;
      if (best < 0 || t < key[2 * best]! || (t === key[2 * best] && key[2 * l + 1]! < key[2 * best + 1]!)) best = l;
    }
    return best;
  }

  /** Adds an event; returns its handle. The caller has already checked time and priority. */
  push<T>(time: number, priority: number, handler: EventHandler<T>, data: T): EventHandle {
    return this.handleOf(this.insert(time, priority, handler, data));
  }

  /**
   * Adds an event and returns its slot, a small integer. Callers that never cancel use this:
   * a handle is a double past 2^31 once its slot has been reused a few times, and returning
   * one from a call V8 does not inline allocates a heap number per event.
   */
  insert<T>(time: number, priority: number, handler: EventHandler<T>, data: T): number {
    this.staged[0] = time;
    return this.insertStaged(priority, handler, data);
  }

  /**
   * Time of the next `insertStaged`. Hot callers store the time here instead of passing it:
   * a double passed to a call V8 does not inline is boxed, a heap allocation per event.
   */
  readonly staged = new Float64Array(1);

  /** `insert` at the time in `staged[0]`. */
  insertStaged<T>(priority: number, handler: EventHandler<T>, data: T): number {
    const slot = this.fill(handler, data);
    // No `%` here: on a double it compiles to a C fmod call, the dearest step of a push.
    const seq = this.sequence;
    this.sequence = seq + 1 === Tie.SEQ_SPAN ? 0 : seq + 1;
    // The far path lives in a call of its own, so this hot one stays small enough to inline.
    if (this.tiered && this.insertFar(priority, seq, slot)) return slot;
    const key = this.heapKey;
    let i = 0;
    if (this.vacantTop) this.vacantTop = false;
    else i = this.heapSize++;
    key[2 * i] = this.staged[0]!;
    key[2 * i + 1] = (priority + Tie.PRIORITY_OFFSET) * Tie.SEQ_SPAN + seq;
    this.heapSlot[i] = slot;
    // A filled vacant root sinks; an appended leaf rises (a lone root does neither).
    if (i === 0) this.siftDown(0);
    else {
      this.siftUp(i);
      if (i >= this.spillAt) this.spill();
    }
    return slot;
  }

  /** Files a push at `staged[0]` in its bucket when that is not loaded yet; false when it belongs in the heap. */
  private insertFar(priority: number, seq: number, slot: number): boolean {
    const time = this.staged[0]!;
    const b = Math.floor((time - this.farStart) * this.farScale);
    if (b < this.loaded) return false;
    this.park(b, time, (priority + Tie.PRIORITY_OFFSET) * Tie.SEQ_SPAN + seq, slot);
    return true;
  }

  /**
   * Removes the earliest event and returns its slot; read it with `handlerOf`/`dataOf`/`timeOf`
   * before the next push, which may reuse the slot. Returns -1 when empty.
   */
  popSlot(): number {
    return this.popUntil(Infinity);
  }

  /**
   * The run loop's pop: removes the earliest event and returns its slot if its time is at
   * most `until`; returns -1 (removing nothing) when the calendar is empty or the earliest
   * event is later.
   */
  popUntil(until: number): number {
    // Written for bytecode size as much as for speed: the run loop inlines this call only
    // while V8's inlining budget of about 920 bytes of bytecode per optimized function lasts
    // (a candidate counts with the callees its own optimized code inlined, times 1.2), and
    // every byte here is a byte the loop cannot spend. So the vacancy a handler left is
    // closed by the run loop after the handler (`closeVacancy`), not here: this branch is
    // then cold, V8 does not inline the sift behind it, and the pop fits the loop's budget.
    if (this.vacantTop) this.closeTop();
    // The heap's top (none: slot -1 at time Infinity, when every pending event waits in a lane).
    let top = -1;
    let t = Infinity;
    let tie = 0;
    if (this.size_ !== this.laneLive) {
      top = this.heapSlot[0]!;
      if (this.heapSize === 0 || (this.generation[top]! & 1) === 0) top = this.settle();
      t = this.heapKey[0]!;
      tie = this.heapKey[1]!;
    }
    const lane = this.laneTop;
    if (lane >= 0) {
      // A lane's time is finite, so it never ties with an empty heap's Infinity.
      const lk = this.laneKey;
      const lt = lk[2 * lane]!;
      if (lt < t || (lt === t && lk[2 * lane + 1]! < tie)) return lt > until ? -1 : this.popLane(lane);
    }
    if (top < 0 || t > until) return -1;
    this.poppedTime = t;
    this.size_--;
    this.vacantTop = true;
    this.retire(top);
    return top;
  }

  /** Time of the slot just popped. */
  timeOf(_slot: number): number {
    return this.poppedTime;
  }

  /** Cancels a pending event in O(1) (it becomes a tombstone). Returns false when it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    // The slot is freed when its tombstone leaves the heap.
    if (!this.kill(handle)) return false;
    if (this.vacantTop) this.closeTop();
    const live = this.size_ - this.laneLive;
    const dead = this.heapSize + this.farCount - live;
    if (dead > 64 && dead > live) {
      if (this.tiered) {
        this.gatherFar();
        this.spread(true);
      } else {
        this.rebuild();
      }
    }
    return true;
  }

  /** Drops every pending event. */
  clear(): void {
    if (this.vacantTop) this.closeTop();
    const gens = this.generation;
    if (this.tiered) this.gatherFar();
    const drop = (slot: number): void => {
      if ((gens[slot]! & 1) === 1) gens[slot] = (gens[slot]! + 1) & (GENERATIONS - 1);
      this.freeSlots[this.freeCount++] = slot;
    };
    while (this.heapSize > 0) drop(this.heapSlot[--this.heapSize]!);
    // Lanes keep their slots (never pending, so nothing to drop).
    for (let l = 0; l < this.lanes; l++) this.laneKey[2 * l] = Infinity;
    this.laneLive = 0;
    this.laneTop = -1;
    if (this.far !== undefined) {
      const far = this.far;
      for (let blk = far.detach(OVERFLOW); blk >= 0; ) {
        const base = blk * BLOCK_ENTRIES * 3;
        for (let k = 0; k < far.fill[blk]!; k++) drop(far.data[base + 3 * k + 2]!);
        const nxt = far.next[blk]!;
        far.release(blk);
        blk = nxt;
      }
    }
    this.tiered = false;
    this.buckets = 0;
    this.loaded = 0;
    this.farCount = 0;
    this.overflowCount = 0;
    this.overflowLo = Infinity;
    this.overflowHi = -Infinity;
    this.spillAt = this.baseSpillAt;
    this.size_ = 0;
    this.entries.fill(undefined);
  }

  /** Files an event of bucket `b` (≥ loaded) in its bucket, or in the overflow past the last one. */
  private park(b: number, time: number, tie: number, slot: number): void {
    this.farCount++;
    if (b < this.buckets) {
      this.far!.append(b, time, tie, slot);
      return;
    }
    this.far!.append(OVERFLOW, time, tie, slot);
    this.overflowCount++;
    if (time < this.overflowLo) this.overflowLo = time;
    if (time > this.overflowHi) this.overflowHi = time;
  }

  /**
   * Makes the heap's top a live event (there is one somewhere: size > 0) and returns its slot:
   * drops tombstones off the top and, when the heap runs dry, loads the next bucket or
   * spreads the overflow.
   */
  private settle(): number {
    const gens = this.generation;
    for (;;) {
      while (this.heapSize > 0) {
        const top = this.heapSlot[0]!;
        if ((gens[top]! & 1) === 1) return top;
        this.removeTop();
        this.freeSlots[this.freeCount++] = top;
      }
      // Each path below moves entries out of the far lists, or (a re-spread) at least doubles
      // spreadSize, so this loop ends.
      if (!this.tiered) throw new Error('event calendar: pending events missing from the heap');
      const far = this.far!;
      while (this.loaded < this.buckets && far.isEmpty(this.loaded)) this.loaded++;
      if (this.loaded < this.buckets) {
        this.load(this.loaded++);
        // Buckets drawn when the calendar was much smaller fill up far past `perBucket`
        // (a model scheduling its first million events spills at the first two thousand):
        // draw them again for today's size. Only after doubling, so the cost stays O(1) per event.
        if (this.heapSize > 4 * this.perBucket && this.heapSize + this.farCount > 2 * this.spreadSize) {
          this.gatherFar();
          this.spread(true);
        }
      } else if (!far.isEmpty(OVERFLOW)) {
        this.spread();
      } else {
        throw new Error('event calendar: pending events missing from the buckets');
      }
    }
  }

  /**
   * Heapifies bucket `b` into the (empty) heap, dropping its tombstones. It also reads each
   * event's handler: with 10^6 events pending, slots are scattered over tens of megabytes,
   * and these reads in one tight loop overlap their cache misses, so firing the events later
   * finds them cached (bench: about 100 ns per event less at 10^6).
   */
  private load(b: number): void {
    const far = this.far!;
    const gens = this.generation;
    const key = this.heapKey;
    const hs = this.heapSlot;
    const entries = this.entries;
    let touched = 0;
    let n = this.heapSize;
    for (let blk = far.detach(b); blk >= 0; ) {
      const d = far.data;
      const base = blk * BLOCK_ENTRIES * 3;
      const f = far.fill[blk]!;
      this.farCount -= f;
      for (let k = 0; k < f; k++) {
        const o = base + 3 * k;
        const slot = d[o + 2]!;
        if ((gens[slot]! & 1) === 0) {
          this.freeSlots[this.freeCount++] = slot;
          continue;
        }
        key[2 * n] = d[o]!;
        key[2 * n + 1] = d[o + 1]!;
        hs[n] = slot;
        n++;
        // Never true; a comparison whose result is kept, so the read is not optimized away.
        if (entries[2 * slot] === PREFETCH_MARK) touched++;
      }
      const nxt = far.next[blk]!;
      far.release(blk);
      blk = nxt;
    }
    this.heapSize = n;
    this.prefetchHits = touched;
    this.heapify();
  }

  /**
   * The heap outgrew `spillAt`: spreads all events over buckets. If the earliest bucket is
   * still that big (many events at nearly one time), raising the limit stops repeated spills;
   * so does keeping it above an eighth of all pending events, which bounds a spill's cost
   * per push by a constant.
   */
  private spill(): void {
    this.gatherFar();
    this.spread(true);
    this.settle();
    if (this.heapSize > this.spillAt >> 1) this.spillAt = 2 * this.heapSize;
    if (this.tiered && this.spillAt < this.size_ >> 3) this.spillAt = this.size_ >> 3;
  }

  /** Moves every heap entry and every bucket into the overflow list, emptying the heap. */
  private gatherFar(): void {
    this.far ??= new BlockLists(MAX_BUCKETS + 1);
    const far = this.far;
    const key = this.heapKey;
    const hs = this.heapSlot;
    for (let i = 0; i < this.heapSize; i++) far.append(OVERFLOW, key[2 * i]!, key[2 * i + 1]!, hs[i]!);
    this.farCount += this.heapSize;
    this.heapSize = 0;
    for (let b = this.loaded; b < this.buckets; b++) far.moveAll(b, OVERFLOW);
    this.loaded = this.buckets;
    const gens = this.generation;
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let blk = far.head[OVERFLOW]!; blk >= 0; blk = far.next[blk]!) {
      const d = far.data;
      const base = blk * BLOCK_ENTRIES * 3;
      const f = far.fill[blk]!;
      for (let k = 0; k < f; k++) {
        const t = d[base + 3 * k]!;
        if (t < lo) lo = t;
        if (t > hi) hi = t;
        // Only live entries count: a purge of tombstones may leave few enough for a plain heap.
        if ((gens[d[base + 3 * k + 2]!]! & 1) === 1) n++;
      }
    }
    this.overflowCount = n;
    this.overflowLo = lo;
    this.overflowHi = hi;
  }

  /**
   * Spreads the overflow list (the heap is empty and every bucket used up) over new buckets,
   * dropping tombstones when asked (after gatherFar, which has read their generations);
   * a small overflow goes back into a plain heap instead. The buckets span twice the
   * overflow's time range: events scheduled meanwhile mostly land beyond it, and would
   * otherwise all pass through the overflow and be spread a second time.
   */
  private spread(dropTombstones = false): void {
    const far = this.far!;
    const gens = this.generation;
    // Counts and range include tombstones: any range holding every entry keeps the order exact.
    const n = this.overflowCount;
    const lo = this.overflowLo;
    const hi = this.overflowHi;
    this.spreadSize = n;
    this.overflowCount = 0;
    this.overflowLo = Infinity;
    this.overflowHi = -Infinity;
    const tiered = n > this.baseSpillAt >> 1;
    const nb = tiered ? Math.min(MAX_BUCKETS, Math.ceil((2 * n) / this.perBucket)) : 0;
    this.tiered = tiered;
    this.buckets = nb;
    this.loaded = 0;
    this.farStart = tiered ? lo : 0;
    const scale = nb / (2 * (hi - lo));
    // Equal times (hi = lo) share bucket 0; a range too narrow for a finite scale does too.
    this.farScale = tiered && Number.isFinite(scale) ? scale : 0;
    if (!tiered) this.spillAt = this.baseSpillAt;
    const key = this.heapKey;
    const hs = this.heapSlot;
    let h = this.heapSize;
    this.farCount = 0;
    for (let blk = far.detach(OVERFLOW); blk >= 0; ) {
      const d = far.data;
      const base = blk * BLOCK_ENTRIES * 3;
      const f = far.fill[blk]!;
      for (let k = 0; k < f; k++) {
        const o = base + 3 * k;
        const slot = d[o + 2]!;
        // Checking a slot's generation is a cache miss per entry at 10^6 events; tombstones
        // are dropped anyway when their bucket is loaded, so only a purge looks here.
        if (dropTombstones && (gens[slot]! & 1) === 0) {
          this.freeSlots[this.freeCount++] = slot;
          continue;
        }
        const t = d[o]!;
        if (!tiered) {
          key[2 * h] = t;
          key[2 * h + 1] = d[o + 1]!;
          hs[h] = slot;
          h++;
          continue;
        }
        this.park(Math.floor((t - lo) * this.farScale), t, d[o + 1]!, slot);
      }
      // Read before release: the appends above may reuse this block.
      const nxt = far.next[blk]!;
      far.release(blk);
      blk = nxt;
    }
    this.heapSize = h;
    if (!tiered) this.heapify();
  }

  /** Drops every tombstone and restores the heap bottom-up (Floyd), in O(heap size). */
  private rebuild(): void {
    const key = this.heapKey;
    const hs = this.heapSlot;
    const gens = this.generation;
    let n = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = hs[i]!;
      if ((gens[slot]! & 1) === 0) {
        this.freeSlots[this.freeCount++] = slot;
        continue;
      }
      key[2 * n] = key[2 * i]!;
      key[2 * n + 1] = key[2 * i + 1]!;
      hs[n] = slot;
      n++;
    }
    this.heapSize = n;
    this.heapify();
  }

  /** Restores the heap property bottom-up (Floyd), in O(heap size). */
  private heapify(): void {
    // Keys are unique (the sequence number breaks every tie), so any valid heap pops in the same order.
    for (let i = (this.heapSize - 2) >> this.shift; i >= 0; i--) this.siftDown(i);
  }

  /**
   * Closes the vacancy the last pop left at the root if the handler did not fill it: the
   * run loop calls this after every handler, so that `popUntil` rarely has to (see there).
   */
  closeVacancy(): void {
    if (this.vacantTop) this.closeTop();
  }

  /** Removes the popped entry left at the root (see `vacantTop`). */
  private closeTop(): void {
    this.vacantTop = false;
    this.removeTop();
  }

  /** Removes heap entry 0: the last entry fills the hole and sinks (the last entry alone just goes). */
  private removeTop(): void {
    const n = --this.heapSize;
    const key = this.heapKey;
    key[0] = key[2 * n]!;
    key[1] = key[2 * n + 1]!;
    this.heapSlot[0] = this.heapSlot[n]!;
    this.siftDown(0);
  }

  // The sifts take only heap indices and read the moving entry's key themselves: passing
  // the key as double arguments to a call that is not inlined boxes each one on the heap.

  /** Moves the entry at `i` up to its place. */
  private siftUp(i: number): void {
    const key = this.heapKey;
    const t = key[2 * i]!;
    const tie = key[2 * i + 1]!;
    const slot = this.heapSlot[i]!;
    const hs = this.heapSlot;
    const shift = this.shift;
    while (i > 0) {
      const parent = (i - 1) >> shift;
      const pt = key[2 * parent]!;
      if (pt < t || (pt === t && key[2 * parent + 1]! < tie)) break;
      key[2 * i] = pt;
      key[2 * i + 1] = key[2 * parent + 1]!;
      hs[i] = hs[parent]!;
      i = parent;
    }
    key[2 * i] = t;
    key[2 * i + 1] = tie;
    hs[i] = slot;
  }

  /** Moves the entry at `i` down to its place. */
  private siftDown(i: number): void {
    const key = this.heapKey;
    const hs = this.heapSlot;
    const n = this.heapSize;
    const t = key[2 * i]!;
    const tie = key[2 * i + 1]!;
    const slot = hs[i]!;
    for (let c = (i << this.shift) + 1; c < n; c = (i << this.shift) + 1) {
      // The earliest of the (up to `arity`) children.
      let best = c;
      let bt = key[2 * c]!;
      let bk = key[2 * c + 1]!;
      const end = c + this.arity < n ? c + this.arity : n;
      while (++c < end) {
        const ct = key[2 * c]!;
        if (ct < bt || (ct === bt && key[2 * c + 1]! < bk)) {
          best = c;
          bt = ct;
          bk = key[2 * c + 1]!;
        }
      }
      if (t < bt || (t === bt && tie < bk)) break;
      key[2 * i] = bt;
      key[2 * i + 1] = bk;
      hs[i] = hs[best]!;
      i = best;
    }
    key[2 * i] = t;
    key[2 * i + 1] = tie;
    hs[i] = slot;
  }

  protected growStorage(n: number): void {
    const k = new Float64Array(2 * n);
    k.set(this.heapKey);
    this.heapKey = k;
    const h = new Int32Array(n);
    h.set(this.heapSlot);
    this.heapSlot = h;
  }

}

/**
 * A first-in-first-out waiting line with the calendar's queue interface (handles, lazy
 * cancellation, no allocation per entry), over a ring. A FIFO resource orders its line by
 * insertion alone, so a heap's sifts would be wasted work; pop order is exactly that of an
 * EventCalendar whose entries all share one time and priority.
 *
 * It keeps no slot table: an entry lives in its ring position, and its handle is its ticket,
 * the number of entries pushed before it. Tickets are never reused, so a stale handle is a
 * harmless no-op for good, and they increase along the ring, so `cancel` finds a ticket by
 * binary search even after a compaction has moved entries. Measured on the M/M/c fast path
 * (66 % of customers wait): 4–7 % less CPU than the line over the calendar's slot table
 * (fill, generations and free list per claim), and smaller code to inline into `seize`.
 * Not exported from the engine index: Resource uses it internally.
 */
export class FifoQueue {
  /** Per ring position, interleaved: handler at 2·p (undefined once withdrawn), payload at 2·p + 1. */
  private entries: unknown[];
  /** Per ring position, the time its entry joined (with `stampFrom`). */
  private stamps: Float64Array;
  /** Per ring position, its entry's ticket (increasing from `head`). */
  private tickets: Float64Array;
  /** Ring positions − 1 (the capacity is a power of two). */
  private mask: number;
  /** Position of the oldest entry in the ring. */
  private head = 0;
  /** Ring entries: live claims plus withdrawn ones. */
  private count = 0;
  /** Live claims. */
  private size_ = 0;
  /** The next entry's ticket. */
  private ticket = 0;
  private clock: Float64Array | null = null;

  constructor(initialCapacity = 64) {
    let n = 16;
    while (n < initialCapacity) n *= 2;
    this.entries = new Array<unknown>(2 * n).fill(undefined);
    this.stamps = new Float64Array(n);
    this.tickets = new Float64Array(n);
    this.mask = n - 1;
  }

  /** Number of waiting (live) entries. */
  get size(): number {
    return this.size_;
  }

  /** Stamps every entry from now on with `clock[0]` when it is stored (see SlotTable.stampFrom). */
  stampFrom(clock: Float64Array): void {
    this.clock = clock;
  }

  /** Handler of a position just popped. */
  handlerOf(pos: number): EventHandler<unknown> {
    return this.entries[2 * pos] as EventHandler<unknown>;
  }

  /** Payload of a position just popped. */
  dataOf(pos: number): unknown {
    return this.entries[2 * pos + 1];
  }

  /** Stamp of a position just popped. */
  stampOf(pos: number): number {
    return this.stamps[pos]!;
  }

  /** Appends an entry (time and priority are ignored: the order is arrival order); returns its handle. */
  push<T>(_time: number, _priority: number, handler: EventHandler<T>, data: T): EventHandle {
    if (this.count > this.mask) this.grow();
    const pos = (this.head + this.count++) & this.mask;
    const entries = this.entries;
    entries[2 * pos] = handler;
    entries[2 * pos + 1] = data;
    if (this.clock !== null) this.stamps[pos] = this.clock[0]!;
    this.size_++;
    const ticket = this.ticket++;
    this.tickets[pos] = ticket;
    return ticket;
  }

  /** Removes the oldest entry and returns its position (read it before the next push); -1 when empty. */
  popSlot(): number {
    if (this.size_ === 0) return -1;
    const entries = this.entries;
    let pos = this.head;
    // Withdrawn entries at the head leave with it.
    while (entries[2 * pos] === undefined) {
      pos = (pos + 1) & this.mask;
      this.count--;
    }
    this.head = (pos + 1) & this.mask;
    this.count--;
    this.size_--;
    return pos;
  }

  /** Withdraws a waiting entry; false when it already left the line (or never was in it). */
  cancel(handle: EventHandle): boolean {
    // Binary search over the ring's tickets, which increase from the head.
    const tickets = this.tickets;
    const mask = this.mask;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tickets[(this.head + mid) & mask]! < handle) lo = mid + 1;
      else hi = mid;
    }
    const pos = (this.head + lo) & mask;
    if (lo === this.count || tickets[pos] !== handle || this.entries[2 * pos] === undefined) return false;
    this.entries[2 * pos] = undefined;
    this.entries[2 * pos + 1] = undefined;
    this.size_--;
    const dead = this.count - this.size_;
    if (dead > 64 && dead > this.size_) this.compact();
    return true;
  }

  /** Drops the withdrawn entries, keeping the live ones in order from the head. */
  private compact(): void {
    const entries = this.entries;
    const mask = this.mask;
    // Live entries slide towards the head, in order; the write index never passes the read index.
    let k = 0;
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & mask;
      if (entries[2 * from] === undefined) continue;
      const to = (this.head + k++) & mask;
      entries[2 * to] = entries[2 * from];
      entries[2 * to + 1] = entries[2 * from + 1];
      this.stamps[to] = this.stamps[from]!;
      this.tickets[to] = this.tickets[from]!;
    }
    for (let i = k; i < this.count; i++) {
      const p = (this.head + i) & mask;
      entries[2 * p] = undefined;
      entries[2 * p + 1] = undefined;
    }
    this.count = k;
  }

  /** Doubles the ring, unwrapping it into the new arrays' start. */
  private grow(): void {
    const n = 2 * (this.mask + 1);
    const entries = new Array<unknown>(2 * n).fill(undefined);
    const stamps = new Float64Array(n);
    const tickets = new Float64Array(n);
    for (let i = 0; i < this.count; i++) {
      const p = (this.head + i) & this.mask;
      entries[2 * i] = this.entries[2 * p];
      entries[2 * i + 1] = this.entries[2 * p + 1];
      stamps[i] = this.stamps[p]!;
      tickets[i] = this.tickets[p]!;
    }
    this.entries = entries;
    this.stamps = stamps;
    this.tickets = tickets;
    this.mask = n - 1;
    this.head = 0;
  }
}
