/**
 * Unordered lists of (time, tie, slot) entries, stored in fixed-size blocks drawn from one
 * pool of typed arrays. The calendar parks far-future events here (one list per time
 * bucket, plus an overflow list) so they cost an append now and a sequential read later,
 * instead of a walk down a heap too big for the CPU caches. Appending touches only a list's
 * tail block; reading walks blocks in order; a whole list moves to another in O(1).
 * Not exported from the engine index: EventCalendar uses it internally.
 */

/** Entries per block: large enough that reading a list is mostly sequential. */
export const BLOCK_ENTRIES = 64;
const STRIDE = 3; // time, tie, slot

export class BlockLists {
  /** Entry k of block b is at ((b · BLOCK_ENTRIES) + k) · 3: time, tie, slot. */
  data: Float64Array;
  /** Per block: the next block of its list, or -1. */
  next: Int32Array;
  /** Per block: how many of its entries are used. */
  fill: Int32Array;
  /** Per list: first and last block, or -1 when the list is empty. */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  private freeBlocks: Int32Array;
  private freeCount = 0;
  private blocksUsed = 0;

  constructor(lists: number, initialBlocks = 16) {
    this.head = new Int32Array(lists).fill(-1);
    this.tail = new Int32Array(lists).fill(-1);
    this.data = new Float64Array(initialBlocks * BLOCK_ENTRIES * STRIDE);
    this.next = new Int32Array(initialBlocks);
    this.fill = new Int32Array(initialBlocks);
    this.freeBlocks = new Int32Array(initialBlocks);
  }

  /** True when list `list` holds no block. */
  isEmpty(list: number): boolean {
    return this.head[list]! < 0;
  }

  /** Appends one entry to `list`. */
  append(list: number, time: number, tie: number, slot: number): void {
    let b = this.tail[list]!;
    if (b < 0 || this.fill[b] === BLOCK_ENTRIES) {
      const nb = this.allocate();
      if (b < 0) this.head[list] = nb;
      else this.next[b] = nb;
      this.tail[list] = nb;
      b = nb;
    }
    const k = this.fill[b]!;
    this.fill[b] = k + 1;
    const o = (b * BLOCK_ENTRIES + k) * STRIDE;
    const d = this.data;
    d[o] = time;
    d[o + 1] = tie;
    d[o + 2] = slot;
  }

  /** Moves every entry of `from` to the end of `to`, leaving `from` empty. */
  moveAll(from: number, to: number): void {
    const h = this.head[from]!;
    if (h < 0) return;
    if (this.head[to]! < 0) this.head[to] = h;
    else this.next[this.tail[to]!] = h;
    this.tail[to] = this.tail[from]!;
    this.head[from] = -1;
    this.tail[from] = -1;
  }

  /**
   * Detaches `list` and returns its first block (or -1); the caller walks the chain with
   * `next`/`fill`/`data` and hands each block back with `release` once it has read it.
   */
  detach(list: number): number {
    const h = this.head[list]!;
    this.head[list] = -1;
    this.tail[list] = -1;
    return h;
  }

  /** Returns a block that has been read to the pool (it may be reused by the next append). */
  release(block: number): void {
    this.freeBlocks[this.freeCount++] = block;
  }

  private allocate(): number {
    let b: number;
    if (this.freeCount > 0) {
      b = this.freeBlocks[--this.freeCount]!;
    } else {
      if (this.blocksUsed === this.next.length) this.grow();
      b = this.blocksUsed++;
    }
    this.next[b] = -1;
    this.fill[b] = 0;
    return b;
  }

  private grow(): void {
    const n = this.next.length * 2;
    const d = new Float64Array(n * BLOCK_ENTRIES * STRIDE);
    d.set(this.data);
    this.data = d;
    const nx = new Int32Array(n);
    nx.set(this.next);
    this.next = nx;
    const f = new Int32Array(n);
    f.set(this.fill);
    this.fill = f;
    const fb = new Int32Array(n);
    fb.set(this.freeBlocks);
    this.freeBlocks = fb;
  }
}
