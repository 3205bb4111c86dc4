/**
 * The event calendar: a binary min-heap of pending events over growable parallel typed
 * arrays. Events are totally ordered by (time, priority, insertion sequence), so two events
 * at the same time and priority run first-in-first-out and every run is reproducible.
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

/** Lowest and highest event priority accepted (lower runs first at equal times). */
export const MIN_PRIORITY = -PRIORITY_OFFSET;
export const MAX_PRIORITY = PRIORITY_OFFSET - 1;

export class EventCalendar {
  private times: Float64Array;
  /** (priority, sequence) folded into one exactly representable double. */
  private ties: Float64Array;
  /** A number stored with each event for its owner (e.g. when a queue entry joined). */
  private stamps: Float64Array;
  private generation: Uint32Array;
  /** Heap position of each slot, or -1 when the slot is free. */
  private position: Int32Array;
  private heap: Int32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private handlers: (EventHandler<unknown> | undefined)[] = [];
  private payloads: unknown[] = [];
  private size_ = 0;
  private slotsUsed = 0;
  private sequence = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(n);
    this.ties = new Float64Array(n);
    this.stamps = new Float64Array(n);
    this.generation = new Uint32Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.heap = new Int32Array(n);
    this.freeSlots = new Int32Array(n);
  }

  /** Number of pending events. */
  get size(): number {
    return this.size_;
  }

  /** Time of the earliest pending event, or Infinity when the calendar is empty. */
  peekTime(): number {
    return this.size_ === 0 ? Infinity : this.times[this.heap[0]!]!;
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
    this.ties[slot] = (priority + PRIORITY_OFFSET) * SEQ_SPAN + (this.sequence++ % SEQ_SPAN);
    this.handlers[slot] = handler as EventHandler<unknown>;
    this.payloads[slot] = data;
    this.stamps[slot] = stamp;
    const i = this.size_++;
    this.heap[i] = slot;
    this.position[slot] = i;
    this.siftUp(i);
    return this.generation[slot]! * SLOT_BITS + slot;
  }

  /**
   * Removes the earliest event and returns its slot; read it with `handlerOf`/`dataOf`/`timeOf`
   * before the next push, which may reuse the slot. Returns -1 when empty.
   */
  popSlot(): number {
    if (this.size_ === 0) return -1;
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap[--this.size_]!;
    if (this.size_ > 0) {
      heap[0] = last;
      this.position[last] = 0;
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
    const slot = handle % SLOT_BITS;
    const gen = Math.floor(handle / SLOT_BITS);
    if (slot < 0 || slot >= this.slotsUsed || this.generation[slot] !== gen) return false;
    const i = this.position[slot]!;
    if (i < 0) return false;
    const last = this.heap[--this.size_]!;
    if (i < this.size_) {
      this.heap[i] = last;
      this.position[last] = i;
      if (!this.siftUp(i)) this.siftDown(i);
    }
    this.release(slot);
    this.handlers[slot] = undefined;
    this.payloads[slot] = undefined;
    return true;
  }

  /** True when the handle names an event that is still pending. */
  isPending(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    return (
      slot >= 0 &&
      slot < this.slotsUsed &&
      this.generation[slot] === Math.floor(handle / SLOT_BITS) &&
      this.position[slot]! >= 0
    );
  }

  /** Drops every pending event. */
  clear(): void {
    while (this.size_ > 0) this.release(this.heap[--this.size_]!);
    this.handlers.fill(undefined);
    this.payloads.fill(undefined);
  }

  private release(slot: number): void {
    this.position[slot] = -1;
    // The generation bump makes any outstanding handle to this slot stale.
    this.generation[slot] = (this.generation[slot]! + 1) % GENERATIONS;
    this.freeSlots[this.freeCount++] = slot;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.ties[a]! < this.ties[b]!);
  }

  /** Returns true when the element moved. */
  private siftUp(i: number): boolean {
    const heap = this.heap;
    const slot = heap[i]!;
    const start = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(slot, p)) break;
      heap[i] = p;
      this.position[p] = i;
      i = parent;
    }
    heap[i] = slot;
    this.position[slot] = i;
    return i !== start;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = this.size_;
    const slot = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.less(c, slot)) break;
      heap[i] = c;
      this.position[c] = i;
      i = child;
    }
    heap[i] = slot;
    this.position[slot] = i;
  }

  private grow(): void {
    const n = this.times.length * 2;
    if (n > SLOT_BITS) throw new RangeError(`event calendar full: more than ${SLOT_BITS} pending events`);
    const growF = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const growI = (a: Int32Array, fill = 0) => {
      const b = new Int32Array(n);
      if (fill !== 0) b.fill(fill);
      b.set(a);
      return b;
    };
    this.times = growF(this.times);
    this.ties = growF(this.ties);
    this.stamps = growF(this.stamps);
    const g = new Uint32Array(n);
    g.set(this.generation);
    this.generation = g;
    this.position = growI(this.position, -1);
    this.heap = growI(this.heap);
    this.freeSlots = growI(this.freeSlots);
  }
}
