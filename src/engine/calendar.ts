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
 * Events live in numbered slots; the heap holds slot numbers. A handle given to callers
 * packs the slot with a generation count, so cancelling a stale handle (an event that has
 * already run, and whose slot was reused) is a harmless no-op rather than cancelling a
 * stranger's event. Nothing is allocated per event once the arrays have grown.
 */

/** A callback run when its event fires. `data` is whatever was given at scheduling time. */
export type EventHandler<T = unknown> = (data: T) => void;

/** Opaque event handle; pass it to `cancel`. */
export type EventHandle = number;

const SLOT_BITS = 2 ** 26; // up to 67 M simultaneous pending events
// Handles must stay exact doubles: slot bits + generation bits <= 53.
const GENERATIONS = 2 ** 27;
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

export class EventCalendar {
  /** Per slot: event time (read back after a pop). */
  private times: Float64Array;
  /** A number stored with each event for its owner (e.g. when a queue entry joined). */
  private stamps: Float64Array;
  private generation: Uint32Array;
  /** Heap position of each slot, or -1 when the slot is free. */
  private position: Int32Array;
  private freeSlots: Int32Array;
  /** Per heap position: the entry's time, its (priority, sequence) tie-break and its slot. */
  /** Interleaved [time, tie] pairs, so an entry's whole key shares a cache line. */
  private heapKey: Float64Array;
  private heapSlot: Int32Array;
  private freeCount = 0;
  private handlers: (EventHandler<unknown> | undefined)[] = [];
  private payloads: unknown[] = [];
  private size_ = 0;
  private slotsUsed = 0;
  private sequence = 0;
  /** log2 of the arity: children of i start at (i << shift) + 1. */
  private readonly shift: number;
  private readonly arity: number;

  constructor(initialCapacity = 1024, arity: CalendarArity = DEFAULT_ARITY) {
    if (arity !== 2 && arity !== 4 && arity !== 8) throw new RangeError(`calendar arity must be 2, 4 or 8, got ${String(arity)}`);
    this.arity = arity;
    this.shift = Math.log2(arity);
    const n = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(n);
    this.stamps = new Float64Array(n);
    this.generation = new Uint32Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.freeSlots = new Int32Array(n);
    this.heapKey = new Float64Array(2 * n);
    this.heapSlot = new Int32Array(n);
  }

  /** Number of pending events. */
  get size(): number {
    return this.size_;
  }

  /** Time of the earliest pending event, or Infinity when the calendar is empty. */
  peekTime(): number {
    return this.size_ === 0 ? Infinity : this.heapKey[0]!;
  }

  /** Adds an event; returns its handle. The caller has already checked time and priority. */
  push<T>(time: number, priority: number, handler: EventHandler<T>, data: T, stamp = 0): EventHandle {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount]!;
    } else {
      if (this.slotsUsed === this.times.length) this.grow();
      slot = this.slotsUsed++;
    }
    this.times[slot] = time;
    this.handlers[slot] = handler as EventHandler<unknown>;
    this.payloads[slot] = data;
    this.stamps[slot] = stamp;
    // No `%` here: on a double it compiles to a C fmod call, the dearest step of a push.
    const seq = this.sequence;
    this.sequence = seq + 1 === SEQ_SPAN ? 0 : seq + 1;
    const i = this.size_++;
    this.heapKey[2 * i] = time;
    this.heapKey[2 * i + 1] = (priority + PRIORITY_OFFSET) * SEQ_SPAN + seq;
    this.heapSlot[i] = slot;
    this.siftUp(i);
    return this.generation[slot]! * SLOT_BITS + slot;
  }

  /**
   * Removes the earliest event and returns its slot; read it with `handlerOf`/`dataOf`/`timeOf`
   * before the next push, which may reuse the slot. Returns -1 when empty.
   */
  popSlot(): number {
    if (this.size_ === 0) return -1;
    const top = this.heapSlot[0]!;
    const n = --this.size_;
    if (n > 0) {
      this.moveEntry(n, 0);
      this.siftDown(0);
    }
    this.release(top);
    return top;
  }

  /** Time of a slot just popped. */
  timeOf(slot: number): number {
    return this.times[slot]!;
  }

  /** Handler of a slot just popped. */
  handlerOf(slot: number): EventHandler<unknown> {
    return this.handlers[slot]!;
  }

  /** Payload of a slot just popped. */
  dataOf(slot: number): unknown {
    return this.payloads[slot];
  }

  /** Stamp of a slot just popped. */
  stampOf(slot: number): number {
    return this.stamps[slot]!;
  }

  /** Cancels a pending event in O(log n). Returns false when it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    // Division by a power of two is exact, and avoids `%` (a C fmod call on doubles).
    const gen = Math.floor(handle / SLOT_BITS);
    const slot = handle - gen * SLOT_BITS;
    if (!(slot >= 0 && slot < this.slotsUsed) || this.generation[slot] !== gen) return false;
    const i = this.position[slot]!;
    if (i < 0) return false;
    const n = --this.size_;
    if (i < n) {
      // Move the last entry into the hole, then restore the heap in whichever direction.
      this.moveEntry(n, i);
      if (this.siftUp(i) === i) this.siftDown(i);
    }
    this.release(slot);
    this.handlers[slot] = undefined;
    this.payloads[slot] = undefined;
    return true;
  }

  /** True when the handle names an event that is still pending. */
  isPending(handle: EventHandle): boolean {
    const gen = Math.floor(handle / SLOT_BITS);
    const slot = handle - gen * SLOT_BITS;
    return slot >= 0 && slot < this.slotsUsed && this.generation[slot] === gen && this.position[slot]! >= 0;
  }

  /** Drops every pending event. */
  clear(): void {
    while (this.size_ > 0) this.release(this.heapSlot[--this.size_]!);
    this.handlers.fill(undefined);
    this.payloads.fill(undefined);
  }

  private release(slot: number): void {
    this.position[slot] = -1;
    // The generation bump makes any outstanding handle to this slot stale.
    this.generation[slot] = (this.generation[slot]! + 1) & (GENERATIONS - 1);
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Copies heap entry `from` over position `to`. */
  private moveEntry(from: number, to: number): void {
    const key = this.heapKey;
    key[2 * to] = key[2 * from]!;
    key[2 * to + 1] = key[2 * from + 1]!;
    this.heapSlot[to] = this.heapSlot[from]!;
  }

  // The sifts take only heap indices and read the moving entry's key themselves: passing
  // the key as double arguments to a call that is not inlined boxes each one on the heap.

  /** Moves the entry at `i` up to its place; returns its final position. */
  private siftUp(i: number): number {
    const key = this.heapKey;
    const t = key[2 * i]!;
    const tie = key[2 * i + 1]!;
    const slot = this.heapSlot[i]!;
    const hs = this.heapSlot;
    const pos = this.position;
    const shift = this.shift;
    while (i > 0) {
      const parent = (i - 1) >> shift;
      const pt = key[2 * parent]!;
      if (pt < t || (pt === t && key[2 * parent + 1]! < tie)) break;
      key[2 * i] = pt;
      key[2 * i + 1] = key[2 * parent + 1]!;
      const ps = hs[parent]!;
      hs[i] = ps;
      pos[ps] = i;
      i = parent;
    }
    key[2 * i] = t;
    key[2 * i + 1] = tie;
    hs[i] = slot;
    pos[slot] = i;
    return i;
  }

  /** Moves the entry at `i` down to its place. */
  private siftDown(i: number): void {
    const key = this.heapKey;
    const t = key[2 * i]!;
    const tie = key[2 * i + 1]!;
    const slot = this.heapSlot[i]!;
    const hs = this.heapSlot;
    const pos = this.position;
    const n = this.size_;
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
      const bs = hs[best]!;
      hs[i] = bs;
      pos[bs] = i;
      i = best;
    }
    key[2 * i] = t;
    key[2 * i + 1] = tie;
    hs[i] = slot;
    pos[slot] = i;
  }

  private grow(): void {
    const n = this.times.length * 2;
    if (n > SLOT_BITS) throw new RangeError(`event calendar full: more than ${SLOT_BITS} pending events`);
    const growF = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const growI = (a: Int32Array, fill = 0): Int32Array => {
      const b = new Int32Array(n);
      if (fill !== 0) b.fill(fill);
      b.set(a);
      return b;
    };
    this.times = growF(this.times);
    this.stamps = growF(this.stamps);
    const g = new Uint32Array(n);
    g.set(this.generation);
    this.generation = g;
    this.position = growI(this.position, -1);
    this.freeSlots = growI(this.freeSlots);
    const k = new Float64Array(2 * n);
    k.set(this.heapKey);
    this.heapKey = k;
    this.heapSlot = growI(this.heapSlot);
  }
}
