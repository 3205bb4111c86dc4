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
 */

import { GENERATIONS, SLOT_BITS, SlotTable, type EventHandle, type EventHandler } from './slots.js';

export type { EventHandle, EventHandler } from './slots.js';

const PRIORITY_OFFSET = 1024; // priorities -1024..1023 fold into the tie-break key
const SEQ_SPAN = 2 ** 42; // insertion sequence numbers below 4.4e12 keep the key exact

/** Heap arities the calendar supports. */
export type CalendarArity = 2 | 4 | 8;
// 4-ary is the default: bench/engine.ts measures it against binary on the hold model; it has
// half the levels and the four children of a node share one or two cache lines.
const DEFAULT_ARITY: CalendarArity = 4;

/** Lowest and highest event priority accepted (lower runs first at equal times). */
export const MIN_PRIORITY = -PRIORITY_OFFSET;
export const MAX_PRIORITY = PRIORITY_OFFSET - 1;

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

  constructor(initialCapacity = 1024, arity: CalendarArity = DEFAULT_ARITY) {
    if (arity !== 2 && arity !== 4 && arity !== 8) throw new RangeError(`calendar arity must be 2, 4 or 8, got ${String(arity)}`);
    super(Math.max(16, initialCapacity | 0));
    const n = this.capacity;
    this.arity = arity;
    this.shift = Math.log2(arity);
    this.heapKey = new Float64Array(2 * n);
    this.heapSlot = new Int32Array(n);
  }

  /** Time of the earliest pending event, or Infinity when the calendar is empty. */
  peekTime(): number {
    if (this.size_ === 0) return Infinity;
    if ((this.generation[this.heapSlot[0]!]! & 1) === 0) this.dropTombstones();
    return this.heapKey[0]!;
  }

  /** Adds an event; returns its handle. The caller has already checked time and priority. */
  push<T>(time: number, priority: number, handler: EventHandler<T>, data: T, stamp = 0): EventHandle {
    const slot = this.fill(handler, data, stamp);
    // No `%` here: on a double it compiles to a C fmod call, the dearest step of a push.
    const seq = this.sequence;
    this.sequence = seq + 1 === SEQ_SPAN ? 0 : seq + 1;
    const i = this.heapSize++;
    this.heapKey[2 * i] = time;
    this.heapKey[2 * i + 1] = (priority + PRIORITY_OFFSET) * SEQ_SPAN + seq;
    this.heapSlot[i] = slot;
    this.siftUp(i);
    return this.handleOf(slot);
  }

  /**
   * Removes the earliest event and returns its slot; read it with `handlerOf`/`dataOf`/`timeOf`
   * before the next push, which may reuse the slot. Returns -1 when empty.
   */
  popSlot(): number {
    if (this.size_ === 0) return -1;
    let top = this.heapSlot[0]!;
    if ((this.generation[top]! & 1) === 0) {
      this.dropTombstones();
      top = this.heapSlot[0]!;
    }
    this.poppedTime = this.heapKey[0]!;
    this.size_--;
    this.removeTop();
    this.retire(top);
    return top;
  }

  /**
   * The run loop's pop: removes the earliest event and returns its slot if its time is at
   * most `until`; returns -1 (removing nothing) when the calendar is empty or the earliest
   * event is later.
   */
  popUntil(until: number): number {
    if (this.size_ === 0) return -1;
    let top = this.heapSlot[0]!;
    if ((this.generation[top]! & 1) === 0) {
      this.dropTombstones();
      top = this.heapSlot[0]!;
    }
    const t = this.heapKey[0]!;
    if (t > until) return -1;
    this.poppedTime = t;
    this.size_--;
    this.removeTop();
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
    const dead = this.heapSize - this.size_;
    if (dead > 64 && dead > this.size_) this.rebuild();
    return true;
  }

  /** Drops every pending event. */
  clear(): void {
    const gens = this.generation;
    while (this.heapSize > 0) {
      const slot = this.heapSlot[--this.heapSize]!;
      if ((gens[slot]! & 1) === 1) gens[slot] = (gens[slot]! + 1) & (GENERATIONS - 1);
      this.freeSlots[this.freeCount++] = slot;
    }
    this.size_ = 0;
    this.handlers.fill(undefined);
    this.payloads.fill(undefined);
  }

  /** Pops tombstones off the top until a live entry (there is one: size > 0) is there. */
  private dropTombstones(): void {
    const gens = this.generation;
    let top = this.heapSlot[0]!;
    while ((gens[top]! & 1) === 0) {
      this.removeTop();
      this.freeSlots[this.freeCount++] = top;
      top = this.heapSlot[0]!;
    }
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
    // Keys are unique (the sequence number breaks every tie), so any valid heap pops in the same order.
    for (let i = (n - 2) >> this.shift; i >= 0; i--) this.siftDown(i);
  }

  /** Removes heap entry 0: the last entry fills the hole and sinks. */
  private removeTop(): void {
    const n = --this.heapSize;
    if (n > 0) {
      const key = this.heapKey;
      key[0] = key[2 * n]!;
      key[1] = key[2 * n + 1]!;
      this.heapSlot[0] = this.heapSlot[n]!;
      this.siftDown(0);
    }
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
    const t = key[2 * i]!;
    const tie = key[2 * i + 1]!;
    const slot = this.heapSlot[i]!;
    const hs = this.heapSlot;
    const n = this.heapSize;
    const shift = this.shift;
    const arity = this.arity;
    for (;;) {
      const first = (i << shift) + 1;
      if (first >= n) break;
      let best = first;
      let bt = key[2 * first]!;
      let bk = key[2 * first + 1]!;
      const end = first + arity < n ? first + arity : n;
      for (let c = first + 1; c < end; c++) {
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
 * A first-in-first-out waiting line with the calendar's queue interface (generation-checked
 * handles, lazy cancellation, no allocation per entry), over a ring of slot numbers. A FIFO
 * resource orders its line by insertion alone, so a heap's sifts would be wasted work; pop
 * order is exactly that of an EventCalendar whose entries all share one time and priority.
 * Not exported from the engine index: Resource uses it internally.
 */
export class FifoQueue extends SlotTable {
  /** Slot numbers in arrival order, from `head`, wrapping (capacity is a power of two). */
  private ring: Int32Array;
  private head = 0;
  /** Ring entries: live claims plus tombstones. */
  private count = 0;

  constructor(initialCapacity = 64) {
    let n = 16;
    while (n < initialCapacity) n *= 2;
    super(n);
    this.ring = new Int32Array(n);
  }

  /** Appends an entry (time and priority are ignored: the order is arrival order). */
  push<T>(_time: number, _priority: number, handler: EventHandler<T>, data: T, stamp = 0): EventHandle {
    const slot = this.fill(handler, data, stamp);
    const ring = this.ring;
    ring[(this.head + this.count++) & (ring.length - 1)] = slot;
    return this.handleOf(slot);
  }

  /** Removes the oldest entry and returns its slot (read it before the next push); -1 when empty. */
  popSlot(): number {
    if (this.size_ === 0) return -1;
    const ring = this.ring;
    const mask = ring.length - 1;
    const gens = this.generation;
    let slot = ring[this.head]!;
    while ((gens[slot]! & 1) === 0) {
      // A withdrawn entry: its slot is free once it leaves the ring.
      this.freeSlots[this.freeCount++] = slot;
      this.head = (this.head + 1) & mask;
      this.count--;
      slot = ring[this.head]!;
    }
    this.head = (this.head + 1) & mask;
    this.count--;
    this.size_--;
    this.retire(slot);
    return slot;
  }

  /** Withdraws a waiting entry; false when it already left the line. */
  cancel(handle: EventHandle): boolean {
    if (!this.kill(handle)) return false;
    const dead = this.count - this.size_;
    if (dead > 64 && dead > this.size_) this.compact();
    return true;
  }

  /** Drops the tombstones, keeping the live entries in order at the start of the ring. */
  private compact(): void {
    const ring = this.ring;
    const mask = ring.length - 1;
    const gens = this.generation;
    // Live entries slide towards the head, in order; the write index never passes the read index.
    let k = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = ring[(this.head + i) & mask]!;
      if ((gens[slot]! & 1) === 0) this.freeSlots[this.freeCount++] = slot;
      else ring[(this.head + k++) & mask] = slot;
    }
    this.count = k;
  }

  protected growStorage(n: number): void {
    // Unwrap the ring into the new array's start.
    const old = this.ring;
    const mask = old.length - 1;
    const r = new Int32Array(n);
    for (let i = 0; i < this.count; i++) r[i] = old[(this.head + i) & mask]!;
    this.ring = r;
    this.head = 0;
  }

}
