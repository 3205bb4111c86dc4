/**
 * Request records of one service pool: a request is a slot in typed arrays with a free list,
 * and the slot index is the event data. Nothing is allocated per request once the arrays
 * have grown, so a seven-day run needs the memory of a one-day run.
 *
 * The arrays are public and read directly by the pool's handlers (the hot path); they are
 * replaced when the pool grows, so callers must not keep a reference across an `alloc`.
 */

// Request record states.
/** Slot on the free list. */
export const FREE = 0;
/** No work outstanding (between attempts, or just finished). */
export const IDLE = 1;
/** Waiting in a queue for a server unit. */
export const QUEUED = 2;
/** Holding a server unit. */
export const SERVING = 3;
/** Waiting for the downstream service. */
export const CALLING = 4;

/** Slots a pool starts with; the arrays double when full. */
const INITIAL_SLOTS = 1024;

/** A free-list pool of request records stored column-wise in typed arrays. */
export class RequestRecords {
  /** Arrival time of the request (kept across retries: response time counts from here). */
  arr = new Float64Array(0);
  prio = new Int32Array(0);
  /** Load class (-1: a call from an upstream pool). */
  cls = new Int32Array(0);
  /** Unit held (shared mode) or backend chosen (balanced mode); -1: none. */
  unit = new Int32Array(0);
  retries = new Int32Array(0);
  state = new Uint8Array(0);
  /** 1: the client gave up while work was in progress; the slot is freed when it ends. */
  abandoned = new Uint8Array(0);
  parentPool = new Int32Array(0);
  parentSlot = new Int32Array(0);
  /**
   * 1: the server failed during the work; the slot waits for its service-end event (never
   * cancelled) to be freed.
   */
  killed = new Uint8Array(0);
  /** Queue handle (-1: none). The service-end event has no handle; the timeout is the pool's ConstantDelayTimers, by slot. */
  qh = new Float64Array(0);

  private cap = 0;
  private hi = 0;
  private freeList = new Int32Array(0);
  private freeCount = 0;

  constructor() {
    this.grow(INITIAL_SLOTS);
  }

  /** One past the highest slot ever allocated (scans over live records stop here). */
  get hiWater(): number {
    return this.hi;
  }

  /** Takes a free slot, growing the arrays when none is left. */
  alloc(): number {
    if (this.freeCount === 0) this.grow(this.cap * 2);
    const slot = this.freeList[--this.freeCount]!;
    if (slot >= this.hi) this.hi = slot + 1;
    return slot;
  }

  /** Returns `slot` to the free list. */
  release(slot: number): void {
    this.state[slot] = FREE;
    this.freeList[this.freeCount++] = slot;
  }

  /** Fills `slot` for a new attempt: idle, holding nothing, with no pending events. */
  init(slot: number, arrival: number, priority: number, retries: number, parentPool: number, parentSlot: number): void {
    this.arr[slot] = arrival;
    this.prio[slot] = priority;
    this.retries[slot] = retries;
    this.parentPool[slot] = parentPool;
    this.parentSlot[slot] = parentSlot;
    this.state[slot] = IDLE;
    this.abandoned[slot] = 0;
    this.unit[slot] = -1;
    this.cls[slot] = -1;
    this.qh[slot] = -1;
    this.killed[slot] = 0;
  }

  private grow(cap: number): void {
    const old = this.cap;
    const g64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.arr = g64(this.arr);
    this.qh = g64(this.qh);

    this.prio = g32(this.prio);
    this.cls = g32(this.cls);
    this.unit = g32(this.unit);
    this.retries = g32(this.retries);
    this.parentPool = g32(this.parentPool);
    this.parentSlot = g32(this.parentSlot);
    this.state = g8(this.state);
    this.abandoned = g8(this.abandoned);
    this.killed = g8(this.killed);
    const fl = new Int32Array(cap);
    fl.set(this.freeList.subarray(0, this.freeCount));
    // Lowest slots on top of the free list.
    for (let s = cap - 1; s >= old; s--) fl[this.freeCount++] = s;
    this.freeList = fl;
    this.cap = cap;
  }
}
