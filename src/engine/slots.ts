/**
 * Numbered slots holding what waits in an event line (the calendar's heap, a FIFO resource's
 * ring): each entry's handler, payload and stamp, in growable parallel arrays with a free
 * list, so nothing is allocated per entry. A handle given to callers packs the slot with its
 * generation; the generation is odd while the entry is pending and even otherwise, so a
 * stale handle (an entry that already left, whose slot may be reused) is a harmless no-op.
 * Cancellation is lazy: a cancelled entry stays in its line as a tombstone until the line's
 * owner drops it, which keeps cancel O(1) and the lines free of position maps.
 */

/** A callback run when its event fires. `data` is whatever was given at scheduling time. */
export type EventHandler<T = unknown> = (data: T) => void;

/** Opaque event handle; pass it to `cancel`. */
export type EventHandle = number;

/** Up to 67 M entries pending at once. */
export const SLOT_BITS = 2 ** 26;
/** Handles must stay exact doubles: slot bits + generation bits ≤ 53. */
export const GENERATIONS = 2 ** 27;

export abstract class SlotTable {
  /** Per slot: bumped when the slot is filled and when it leaves or is cancelled (odd = pending). */
  protected generation: Uint32Array;
  /** Per slot, the time its entry was stored, kept only once `stampFrom` is set (a waiting line's join time). */
  protected stamps: Float64Array;
  /** When set (stampFrom), every entry is stamped with `stampClock[0]`. */
  private stampClock: Float64Array | null = null;
  protected freeSlots: Int32Array;
  protected freeCount = 0;
  protected slotsUsed = 0;
  /** Pending entries (tombstones excluded). */
  protected size_ = 0;
  /**
   * Per slot, interleaved: handler at 2·slot, payload at 2·slot + 1, so firing an event reads
   * one cache line, not two (with 10^6 pending events each is a miss to main memory).
   */
  protected entries: unknown[] = [];

  constructor(capacity: number) {
    this.generation = new Uint32Array(capacity);
    this.stamps = new Float64Array(capacity);
    this.freeSlots = new Int32Array(capacity);
  }

  /** Number of pending entries. */
  get size(): number {
    return this.size_;
  }

  /** Slots available before the arrays grow. */
  protected get capacity(): number {
    return this.generation.length;
  }

  /** Handler of a slot just popped. */
  handlerOf(slot: number): EventHandler<unknown> {
    return this.entries[2 * slot] as EventHandler<unknown>;
  }

  /** Payload of a slot just popped. */
  dataOf(slot: number): unknown {
    return this.entries[2 * slot + 1];
  }

  /** Stamp of a slot just popped. */
  stampOf(slot: number): number {
    return this.stamps[slot]!;
  }

  /** True when the handle names an entry that is still pending. */
  isPending(handle: EventHandle): boolean {
    const gen = Math.floor(handle / SLOT_BITS);
    const slot = handle - gen * SLOT_BITS;
    return slot >= 0 && slot < this.slotsUsed && this.generation[slot] === gen && (gen & 1) === 1;
  }

  /**
   * Stamps every entry from now on with `clock[0]` when it is stored (a resource's waiting
   * line: the time a claim joined), so callers pass no stamp: a double argument to a call V8
   * does not inline is boxed, a heap allocation per queued claim.
   */
  stampFrom(clock: Float64Array): void {
    this.stampClock = clock;
  }

  /**
   * Stores an entry in a free slot (made pending) and returns the slot. Kept small, the rare
   * paths in calls of their own: it is inlined into every push, and V8 stops inlining a hot
   * function's callees once their bytecode adds up to about 920 bytes.
   */
  protected fill<T>(handler: EventHandler<T>, data: T): number {
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount]! : this.reserve();
    const entries = this.entries;
    entries[2 * slot] = handler;
    entries[2 * slot + 1] = data;
    const clock = this.stampClock;
    if (clock !== null) this.stamps[slot] = clock[0]!;
    // 2^27 − 1 = GENERATIONS − 1, written out: a module constant costs bytecode at each use.
    this.generation[slot] = (this.generation[slot]! + 1) & 0x7ffffff;
    this.size_++;
    return slot;
  }

  /**
   * Takes a free slot without filling it: `fill`'s slow path, and an arrival lane's slot for
   * good (never filled, so its generation stays even and no handle names it; the owner
   * writes its entries directly).
   */
  protected reserve(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotsUsed === this.generation.length) this.grow();
    return this.slotsUsed++;
  }

  /** The handle of a pending slot. */
  protected handleOf(slot: number): EventHandle {
    return this.generation[slot]! * SLOT_BITS + slot;
  }

  /** A popped slot leaves: its handle goes stale and the slot is free for reuse. */
  protected retire(slot: number): void {
    this.generation[slot] = this.generation[slot]! + 1;
    this.freeSlots[this.freeCount++] = slot;
  }

  /**
   * Turns a pending entry into a tombstone (its slot is freed when the owner drops it from
   * its line). Returns false for a stale or foreign handle.
   */
  protected kill(handle: EventHandle): boolean {
    // Division by a power of two is exact, and avoids `%` (a C fmod call on doubles).
    const gen = Math.floor(handle / SLOT_BITS);
    const slot = handle - gen * SLOT_BITS;
    if (!(slot >= 0 && slot < this.slotsUsed) || this.generation[slot] !== gen || (gen & 1) === 0) return false;
    this.generation[slot] = gen + 1;
    this.entries[2 * slot] = undefined;
    this.entries[2 * slot + 1] = undefined;
    this.size_--;
    return true;
  }

  /** Grows the slot arrays to twice their size and lets the owner grow its line to match. */
  private grow(): void {
    const n = this.generation.length * 2;
    if (n > SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} pending entries`);
    const g = new Uint32Array(n);
    g.set(this.generation);
    this.generation = g;
    const s = new Float64Array(n);
    s.set(this.stamps);
    this.stamps = s;
    const f = new Int32Array(n);
    f.set(this.freeSlots);
    this.freeSlots = f;
    this.growStorage(n);
  }

  /** Grows the owner's own arrays to hold `n` entries. */
  protected abstract growStorage(n: number): void;
}
