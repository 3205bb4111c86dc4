/**
 * Log-bucket histograms for response times, in fixed-size typed arrays: recording is a few
 * integer operations on the bits of the double (no Math.log, no allocation), so every
 * request can be recorded on the hot path. A bucket spans 1/2^subBits of an octave, so a
 * quantile read at the bucket midpoint is within 2^-(subBits+1) relative error of the
 * sample's own quantile (the smallest recorded value with at least a share q at or below it).
 *
 * The buckets reach RESPONSE_TIME_TOP (2^32 s, 136 years), above the longest horizon a scenario
 * may have (MAX_HORIZON, 100 years), so every response time a replication can measure is in
 * range: incidents resolved in months and recoveries in days read as exactly as request
 * latencies in microseconds. Anything at or above the top (or NaN) is counted in an overflow
 * bucket of its own, and a quantile that falls there is an error, never a number.
 */

const F64 = new Float64Array(1);
// The high 32 bits of the double: sign, 11 exponent bits, the top 20 mantissa bits. Node
// runs little-endian on every platform it supports, so they are word 1.
const U32 = new Uint32Array(F64.buffer);

/** Smallest value told apart from zero: 2^-20 s ≈ 1 µs. */
const MIN_EXP = 1023 - 20;
/**
 * Octaves covered: 2^-20 s to 2^32 s. The top was 2^20 s (12 days) until incident flows
 * fitted from real exports (times to resolve of months) read their p95 as 12.1 days; values
 * below the old top keep their buckets (indices do not depend on the number of octaves).
 */
const OCTAVES = 52;
/** Smallest response time past the buckets: 2^32 s ≈ 136 years (see the module comment). */
export const RESPONSE_TIME_TOP = 2 ** (OCTAVES - 20);

const STEP_F64 = new Float64Array(1);
const STEP_U32 = new Uint32Array(STEP_F64.buffer);

/** Moves the positive finite double in `a[0]` to the next larger double. */
function stepUp(a: Float64Array): void {
  STEP_F64[0] = a[0]!;
  if (STEP_U32[0] === 0xffffffff) {
    STEP_U32[0] = 0;
    STEP_U32[1]++;
  } else STEP_U32[0]++;
  a[0] = STEP_F64[0]!;
}

/** Moves the positive double in `a[0]` to the next smaller double. */
function stepDown(a: Float64Array): void {
  STEP_F64[0] = a[0]!;
  if (STEP_U32[0] === 0) {
    STEP_U32[0] = 0xffffffff;
    STEP_U32[1]--;
  } else STEP_U32[0]--;
  a[0] = STEP_F64[0]!;
}

/** Bucket index layout shared by all histograms with the same `subBits`. */
export class LogBuckets {
  /** Buckets, the overflow bucket (the last, `overflow`) included. */
  readonly size: number;
  /** Index of the bucket of values at or above RESPONSE_TIME_TOP (and NaN). */
  readonly overflow: number;
  private readonly shift: number;
  private readonly mask: number;

  constructor(readonly subBits: number) {
    this.overflow = OCTAVES << subBits;
    this.size = this.overflow + 1;
    this.shift = 20 - subBits;
    this.mask = (1 << subBits) - 1;
  }

  /** Bucket of value x (values below 1 µs go to bucket 0, at or above RESPONSE_TIME_TOP to `overflow`). */
  index(x: number): number {
    F64[0] = x;
    return this.indexOfHigh(U32[1]!);
  }

  /**
   * Bucket of the value whose high 32 bits (sign, exponent, top of the mantissa) are `hi`:
   * a batch of values in a Float64Array is indexed through a Uint32Array view of its buffer
   * (word 2k + 1 of value k), without a store and a load per value.
   */
  indexOfHigh(hi: number): number {
    const e = ((hi >>> 20) & 0x7ff) - MIN_EXP;
    if (e < 0 || hi >>> 31 !== 0) return 0;
    if (e >= OCTAVES) return this.overflow;
    return (e << this.subBits) | ((hi >>> this.shift) & this.mask);
  }

  /**
   * The bucket of `coarser` (fewer sub-buckets per octave) holding this layout's bucket i:
   * `coarser.index(x) === coarsen(index(x), coarser)` for every x, the octave bits being the
   * same and the sub-bucket bits a prefix; the hot path computes one index and derives the other.
   */
  coarsen(i: number, coarser: LogBuckets): number {
    return i >>> (this.subBits - coarser.subBits);
  }

  /** Midpoint of bucket i. */
  midpoint(i: number): number {
    const e = (i >>> this.subBits) + MIN_EXP - 1023;
    const m = i & this.mask;
    const width = 2 ** e / (1 << this.subBits);
    return 2 ** e + (m + 0.5) * width;
  }

  /**
   * Value at quantile q of the counts in `h` (NaN when empty). Throws when the quantile lies
   * in the overflow bucket: no valid scenario gets there (see RESPONSE_TIME_TOP), and a
   * replication that does fails with its seed rather than report a number that is not one.
   */
  quantile(h: ArrayLike<number>, total: number, q: number): number {
    if (total <= 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * total));
    let acc = 0;
    for (let i = 0; i < this.overflow; i++) {
      acc += h[i]!;
      if (acc >= rank) return this.midpoint(i);
    }
    return beyondTop(q);
  }
}

/** The error of a quantile that lies at or above RESPONSE_TIME_TOP (see LogBuckets.quantile). */
function beyondTop(q: number): never {
  throw new RangeError(`response-time quantile ${q} is at or above ${RESPONSE_TIME_TOP} s (136 years), the top of opsim's histogram, or not a number: longer than any horizon a scenario may have`);
}

/** Sub-bucket bits of the fine (whole-run) and coarse (window, interval) layouts. */
const FINE_BITS = 7;
const COARSE_BITS = 4;
/** The fine layout's overflow bucket (LogBuckets.overflow). */
const FINE_OVERFLOW = OCTAVES << FINE_BITS;

/**
 * `LogHistogram.buckets.indexOfHigh(hi)` with the layout's constants written in: a hot loop
 * calling the method reloads the layout's fields on every pass (V8 does not hoist them).
 */
export function fineIndexOfHigh(hi: number): number {
  const e = ((hi >>> 20) & 0x7ff) - MIN_EXP;
  if (e < 0 || hi >>> 31 !== 0) return 0;
  if (e >= OCTAVES) return FINE_OVERFLOW;
  return (e << FINE_BITS) | ((hi >>> (20 - FINE_BITS)) & ((1 << FINE_BITS) - 1));
}

/** `LogHistogram.buckets.coarsen(f, COARSE)` with the constants written in (see fineIndexOfHigh). */
export function fineToCoarse(f: number): number {
  return f >>> (FINE_BITS - COARSE_BITS);
}

/** A histogram of the whole run (fine buckets: 128 per octave, ≤ 0.4 % relative error). */
export class LogHistogram {
  static readonly buckets = new LogBuckets(FINE_BITS);
  readonly counts = new Float64Array(LogHistogram.buckets.size);
  total = 0;

  /** Records one value. */
  add(x: number): void {
    this.addBucket(LogHistogram.buckets.index(x));
  }

  /** Records one value in bucket `i` (`LogHistogram.buckets.index` of it). */
  addBucket(i: number): void {
    this.counts[i]++;
    this.total++;
  }

  /** `addBucket(bucket[k])` for k = 0 … n − 1. */
  addBuckets(bucket: Int32Array, n: number): void {
    const counts = this.counts;
    for (let k = 0; k < n; k++) counts[bucket[k]!]++;
    this.total += n;
  }

  /** The q-quantile (NaN with no values; throws past RESPONSE_TIME_TOP, see LogBuckets.quantile). */
  quantile(q: number): number {
    return LogHistogram.buckets.quantile(this.counts, this.total, q);
  }

  /** Forgets everything. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

/** Coarse buckets (16 per octave, ≤ 3.2 % relative error) for windows and intervals. */
export const COARSE = new LogBuckets(COARSE_BITS);

/** Longest window a SlidingWindow can be sized for: 1 h (361 slots of 10 s, about 1.2 MB). */
export const MAX_RECENT_WINDOW = 3600;

/** The merged complete slots of one window length (SlidingWindow.latencyQuantile). */
interface RunningMerge {
  /** Window length in slots. */
  readonly n: number;
  /** Newest slot epoch merged; the merge holds epochs upTo − n + 2 … upTo. */
  upTo: number;
  readonly hist: Uint32Array;
  ok: number;
  /** Lowest and highest bucket any merged slot had a count in (size and -1: none). */
  lo: number;
  hi: number;
}

/**
 * Recent history in a ring of fixed-width slots (default 10 s × 91 = 15 min): per slot a
 * coarse latency histogram and counts of successes and failures. Memory is fixed however
 * long the run; a query merges the slots that overlap the window. The ring is sized at
 * build time for the longest window its users will ask for (`reserve`, at most
 * MAX_RECENT_WINDOW); a query for a longer window is an error, never silently shortened.
 */
export class SlidingWindow {
  private hist: Uint32Array;
  private ok: Float64Array;
  private failed: Float64Array;
  private epoch: Float64Array;
  /**
   * Per slot, the lowest and highest bucket holding a count (COARSE.size and -1 when none):
   * merges and quantile scans visit only that range, a few octaves of the 52 kept.
   */
  private lo: Int32Array;
  private hi: Int32Array;
  /** Merged complete slots per window length queried (see latencyQuantile). */
  private running: RunningMerge[] = [];
  private slotCount: number;
  /** Where addOk and addFailed hand their time to addOkOn and addFailedOn. */
  private readonly at = new Float64Array(1);
  /** The epoch and slot slotAt found last (the epoch in an array, so it is never boxed). */
  private readonly lastEpoch = new Float64Array(1).fill(-1);
  private lastSlot = 0;
  /** Where openSlot leaves the end of the slot it opened (see nextEpochStart). */
  readonly slotEnd = new Float64Array(1);
  /** Scratch for nextEpochStart's steps between neighbouring doubles. */
  private readonly bits = new Float64Array(1);

  constructor(readonly slotWidth = 10, slots = 91) {
    this.slotCount = slots;
    this.hist = new Uint32Array(slots * COARSE.size);
    this.ok = new Float64Array(slots);
    this.failed = new Float64Array(slots);
    this.epoch = new Float64Array(slots).fill(-1);
    this.lo = new Int32Array(slots).fill(COARSE.size);
    this.hi = new Int32Array(slots).fill(-1);
  }

  /** Slots in the ring. */
  get slots(): number {
    return this.slotCount;
  }

  /** Longest window a query may ask for (seconds). */
  get span(): number {
    return this.slotCount * this.slotWidth;
  }

  /** Grows the ring (keeping what it holds) so that windows up to `window` seconds can be queried. */
  reserve(window: number): void {
    if (!(window > 0 && window <= MAX_RECENT_WINDOW)) throw new RangeError(`sliding window must be > 0 and at most ${MAX_RECENT_WINDOW} s, got ${window}`);
    const need = Math.ceil(window / this.slotWidth) + 1;
    if (need <= this.slotCount) return;
    const old = { hist: this.hist, ok: this.ok, failed: this.failed, epoch: this.epoch, lo: this.lo, hi: this.hi, n: this.slotCount };
    this.running = [];
    this.lastEpoch[0] = -1;
    this.slotCount = need;
    this.hist = new Uint32Array(need * COARSE.size);
    this.ok = new Float64Array(need);
    this.failed = new Float64Array(need);
    this.epoch = new Float64Array(need).fill(-1);
    this.lo = new Int32Array(need).fill(COARSE.size);
    this.hi = new Int32Array(need).fill(-1);
    for (let s = 0; s < old.n; s++) {
      const ep = old.epoch[s]!;
      if (ep < 0) continue;
      const d = ep % need;
      this.epoch[d] = ep;
      this.ok[d] = old.ok[s]!;
      this.failed[d] = old.failed[s]!;
      this.lo[d] = old.lo[s]!;
      this.hi[d] = old.hi[s]!;
      this.hist.set(old.hist.subarray(s * COARSE.size, (s + 1) * COARSE.size), d * COARSE.size);
    }
  }

  /** The slot for time `times[i]`, cleared first if it still holds an older epoch (the time in an array: see addOkOn). */
  private slotAt(times: Float64Array, i: number): number {
    const ep = Math.floor(times[i]! / this.slotWidth);
    // Most calls land in the slot of the call before: skip the modulo of a double (a call
    // into the C library when V8 cannot prove the epoch a small integer).
    if (ep === this.lastEpoch[0]) return this.lastSlot;
    const s = ep % this.slotCount;
    this.lastEpoch[0] = ep;
    this.lastSlot = s;
    if (this.epoch[s] !== ep) {
      this.epoch[s] = ep;
      this.ok[s] = 0;
      this.failed[s] = 0;
      this.hist.fill(0, s * COARSE.size, (s + 1) * COARSE.size);
      this.lo[s] = COARSE.size;
      this.hi[s] = -1;
    }
    return s;
  }

  /** A success with response time `rt` finished at time t; `bucket` is COARSE.index(rt). */
  addOk(t: number, bucket: number): void {
    this.at[0] = t;
    this.addOkOn(this.at, bucket);
  }

  /**
   * `addOk(clock[0], bucket)` for the hot path, where `clock` is the simulation's clock array:
   * a time passed as a double to a call V8 does not inline is boxed, a heap number per request
   * (16 B per request in datacenter-baseline, where this call is not inlined).
   */
  addOkOn(clock: Float64Array, bucket: number): void {
    const s = this.slotAt(clock, 0);
    this.ok[s]++;
    this.hist[s * COARSE.size + bucket]++;
    if (bucket < this.lo[s]!) this.lo[s] = bucket;
    if (bucket > this.hi[s]!) this.hi[s] = bucket;
  }

  /**
   * `addOk(at[k], bucket[k])` for k = 0 … n − 1, in that order (a batch of successes in
   * finishing order): the successes of one slot are counted in locals and written once.
   */
  addOks(at: Float64Array, bucket: Int32Array, n: number): void {
    const hist = this.hist;
    let k = 0;
    while (k < n) {
      const base = this.openSlot(at, k);
      const end = this.slotEnd[0]!;
      const first = k;
      let lo = COARSE.size;
      let hi = -1;
      do {
        const b = bucket[k]!;
        hist[base + b]++;
        if (b < lo) lo = b;
        if (b > hi) hi = b;
        k++;
      } while (k < n && at[k]! < end);
      this.closeSlot(k - first, lo, hi);
    }
  }

  /**
   * The batch form used inside a caller's own loop (ServiceStats.fold), one slot at a time:
   * `openSlot(at, k)` readies the slot of time `at[k]` and returns the offset of its buckets
   * in `counts`; the caller adds its successes there (`counts[offset + bucket]++`) while their
   * times stay below `slotEnd[0]`, then hands their number and bucket range to `closeSlot`.
   * Times must not decrease within a batch. Same counts as `addOk` per success.
   */
  openSlot(at: Float64Array, k: number): number {
    const s = this.slotAt(at, k);
    this.slotEnd[0] = this.nextEpochStart(this.lastEpoch[0]!);
    return s * COARSE.size;
  }

  /** Ends the slot `openSlot` opened: `count` successes in buckets `lo` … `hi` were added. */
  closeSlot(count: number, lo: number, hi: number): void {
    const s = this.lastSlot;
    this.ok[s] += count;
    if (lo < this.lo[s]!) this.lo[s] = lo;
    if (hi > this.hi[s]!) this.hi[s] = hi;
  }

  /** The bucket counts of every slot (slot s at offset s × COARSE.size); replaced by `reserve`. */
  get counts(): Uint32Array {
    return this.hist;
  }

  /**
   * The smallest time t with Math.floor(t / slotWidth) > ep: a time is in slot epoch ep
   * exactly when it is below it (for times of that epoch or later; the rounded quotient is
   * monotone in t), so a batch compares each time with it instead of dividing.
   */
  private nextEpochStart(ep: number): number {
    const w = this.slotWidth;
    const b = this.bits;
    b[0] = (ep + 1) * w;
    // Step to the exact boundary by units in the last place (a step or two at most).
    while (b[0]! > 0 && Math.floor(b[0]! / w) > ep) {
      stepDown(b);
      if (Math.floor(b[0]! / w) <= ep) {
        stepUp(b);
        return b[0]!;
      }
    }
    while (Math.floor(b[0]! / w) <= ep) stepUp(b);
    return b[0]!;
  }

  /** A failure finished at time t. */
  addFailed(t: number): void {
    this.at[0] = t;
    this.addFailedOn(this.at);
  }

  /** `addFailed(clock[0])` (see addOkOn). */
  addFailedOn(clock: Float64Array): void {
    this.failed[this.slotAt(clock, 0)]++;
  }

  /** Runs `fn` on each slot that lies (at least partly) in (now − window, now]. */
  private forSlots(now: number, window: number, fn: (s: number) => void): number {
    const last = Math.floor(now / this.slotWidth);
    const n = Math.max(1, Math.ceil(window / this.slotWidth));
    if (n > this.slotCount) throw new RangeError(`sliding window of ${window} s is longer than the ${this.span} s kept (reserve it at build time)`);
    for (let k = 0; k < n; k++) {
      const ep = last - k;
      if (ep < 0) break;
      const s = ep % this.slotCount;
      if (this.epoch[s] === ep) fn(s);
    }
    // The span the merged slots actually cover (the newest slot is partial), for rates.
    return now - Math.max(0, (last - n + 1) * this.slotWidth);
  }

  /**
   * Response-time quantile of successes in the window (NaN when none). The window's complete
   * slots are kept merged, per window length, and moved on by adding the slots that completed
   * since the last query and subtracting those that left; only the newest, partial slot is
   * read afresh. A monitor checking a 5-minute window every minute then touches about 13
   * slots' buckets per check instead of 31 (the same counts, so the same quantile).
   */
  latencyQuantile(now: number, window: number, q: number): number {
    const last = Math.floor(now / this.slotWidth);
    const n = Math.max(1, Math.ceil(window / this.slotWidth));
    if (n > this.slotCount) throw new RangeError(`sliding window of ${window} s is longer than the ${this.span} s kept (reserve it at build time)`);
    const size = COARSE.size;
    const run = n > 1 ? this.runningFor(n, last - 1) : null;
    const cur = last % this.slotCount;
    const live = this.epoch[cur] === last;
    const total = (run === null ? 0 : run.ok) + (live ? this.ok[cur]! : 0);
    if (total <= 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * total));
    const base = cur * size;
    // Buckets outside [from, to] are empty in the merge and in the live slot.
    let from = run === null ? size : run.lo;
    let to = run === null ? -1 : run.hi;
    if (live) {
      if (this.lo[cur]! < from) from = this.lo[cur]!;
      if (this.hi[cur]! > to) to = this.hi[cur]!;
    }
    let acc = 0;
    for (let i = from; i <= to; i++) {
      acc += (run === null ? 0 : run.hist[i]!) + (live ? this.hist[base + i]! : 0);
      if (acc >= rank && i < COARSE.overflow) return COARSE.midpoint(i);
    }
    return beyondTop(q);
  }

  /** The merged complete slots (upTo − n + 2 … upTo) for windows of `n` slots, moved on to `upTo`. */
  private runningFor(n: number, upTo: number): RunningMerge {
    let run = this.running.find((r) => r.n === n);
    if (run === undefined) {
      run = { n, upTo: -Infinity, hist: new Uint32Array(COARSE.size), ok: 0, lo: COARSE.size, hi: -1 };
      this.running.push(run);
    }
    if (run.upTo === upTo) return run;
    // Subtracting needs the leaving slots still in the ring (newest written: upTo + 1).
    const oldest = run.upTo - n + 2;
    if (run.upTo > upTo || upTo - run.upTo >= n - 1 || oldest <= upTo + 1 - this.slotCount) {
      run.hist.fill(0);
      run.ok = 0;
      run.lo = COARSE.size;
      run.hi = -1;
      for (let ep = upTo - n + 2; ep <= upTo; ep++) this.mergeSlot(run, ep, 1);
    } else {
      for (let ep = run.upTo + 1; ep <= upTo; ep++) {
        this.mergeSlot(run, ep, 1);
        this.mergeSlot(run, ep - n + 1, -1);
      }
    }
    run.upTo = upTo;
    return run;
  }

  /** Adds (sign 1) or subtracts (−1) slot epoch `ep` into `run`, if the ring holds it. */
  private mergeSlot(run: RunningMerge, ep: number, sign: 1 | -1): void {
    if (ep < 0) return;
    const s = ep % this.slotCount;
    if (this.epoch[s] !== ep) return;
    const base = s * COARSE.size;
    const h = run.hist;
    const src = this.hist;
    // Only the slot's occupied range; the merge's range is the union of what was added
    // (subtracting leaves it as wide as before, which only costs a few empty buckets).
    const lo = this.lo[s]!;
    const hi = this.hi[s]!;
    if (sign === 1) {
      for (let i = lo; i <= hi; i++) h[i] += src[base + i]!;
      if (lo < run.lo) run.lo = lo;
      if (hi > run.hi) run.hi = hi;
    } else for (let i = lo; i <= hi; i++) h[i] -= src[base + i]!;
    run.ok += sign * this.ok[s]!;
  }

  /** Failed fraction of requests finished in the window (0 when none). */
  errorRate(now: number, window: number): number {
    let ok = 0;
    let bad = 0;
    this.forSlots(now, window, (s) => {
      ok += this.ok[s]!;
      bad += this.failed[s]!;
    });
    return ok + bad > 0 ? bad / (ok + bad) : 0;
  }

  /** Requests finished (successes and failures) per second over the window. */
  throughput(now: number, window: number): number {
    let n = 0;
    const span = this.forSlots(now, window, (s) => {
      n += this.ok[s]! + this.failed[s]!;
    });
    return span > 0 ? n / span : 0;
  }
}
