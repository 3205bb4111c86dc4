/**
 * Statistics collectors. They stream: nothing is kept per observation, so a seven-day run
 * uses the same memory as a one-day run.
 */
import { createRequire } from 'node:module';
import type * as hdr from 'hdr-histogram-js';
import { checkFinite } from './checks.js';

// Slots of a Tally's state array. A const enum, so tsc writes the numbers themselves: a
// module constant costs a context load and a hole check in bytecode at every use, and V8
// inlines a hot function's callees only up to about 920 bytes of bytecode in all.
const enum T {
  MEAN = 0,
  M2 = 1,
  LO = 2,
  HI = 3,
}

/**
 * Welford's running mean and variance, with min and max, of individual observations. The
 * doubles live in one Float64Array (as TimeWeighted's do): every request updates a tally or
 * two, and a typed-array element is read and written in place, never through a boxed field.
 */
export class Tally {
  private n = 0;
  private readonly t = new Float64Array(4);

  constructor() {
    this.t[T.LO] = Infinity;
    this.t[T.HI] = -Infinity;
  }

  /** Adds one observation. */
  add(x: number): void {
    const t = this.t;
    this.n++;
    const m = t[T.MEAN]!;
    const d = x - m;
    const m1 = m + d / this.n;
    t[T.MEAN] = m1;
    t[T.M2] += d * (x - m1);
    if (x < t[T.LO]!) t[T.LO] = x;
    if (x > t[T.HI]!) t[T.HI] = x;
  }

  /** Number of observations. */
  get count(): number {
    return this.n;
  }
  /** Mean (NaN with no observations). */
  get mean(): number {
    return this.n > 0 ? this.t[T.MEAN]! : NaN;
  }
  /** Sample variance (n − 1 denominator; NaN below two observations). */
  get variance(): number {
    return this.n > 1 ? this.t[T.M2]! / (this.n - 1) : NaN;
  }
  /** Sample standard deviation. */
  get sd(): number {
    return Math.sqrt(this.variance);
  }
  /** Smallest observation (NaN with none). */
  get min(): number {
    return this.n > 0 ? this.t[T.LO]! : NaN;
  }
  /** Largest observation (NaN with none). */
  get max(): number {
    return this.n > 0 ? this.t[T.HI]! : NaN;
  }
  /** Forgets everything (warm-up deletion). */
  reset(): void {
    this.n = 0;
    const t = this.t;
    t[T.MEAN] = 0;
    t[T.M2] = 0;
    t[T.LO] = Infinity;
    t[T.HI] = -Infinity;
  }
}

// Slots of a TimeWeighted's state array (a const enum, as Tally's).
const enum W {
  LEVEL = 0,
  LAST = 1,
  START = 2,
  AREA = 3,
  HI = 4,
  LO = 5,
}

/**
 * The time average of a piecewise-constant level (queue length, busy servers, temperature
 * band occupancy). Call `update(now, level)` whenever the level changes.
 *
 * The state lives in one Float64Array, not in fields: V8 boxed the doubles stored in this
 * class's fields, a heap number per update, twice per request on the Resource fast path
 * (about 30 of the 37 bytes a GlobalMart request allocated); typed-array stores never box.
 */
export class TimeWeighted {
  private readonly s = new Float64Array(6);

  constructor(initialLevel = 0, startTime = 0) {
    const s = this.s;
    s[W.LEVEL] = initialLevel;
    s[W.LAST] = startTime;
    s[W.START] = startTime;
    s[W.HI] = initialLevel;
    s[W.LO] = initialLevel;
  }

  /** The level changes to `level` at time `now`. */
  update(now: number, level: number): void {
    const s = this.s;
    s[W.AREA] += s[W.LEVEL]! * (now - s[W.LAST]!);
    s[W.LAST] = now;
    s[W.LEVEL] = level;
    if (level > s[W.HI]!) s[W.HI] = level;
    if (level < s[W.LO]!) s[W.LO] = level;
  }

  /**
   * `update(clock[0], level)`, for hot callers: `clock` is a simulation's clock array, read
   * here, because a time passed as a double to a call V8 does not inline is boxed.
   */
  updateOn(clock: Float64Array, level: number): void {
    // update's body, not a call to it: that call, if not inlined, would box the time again.
    const s = this.s;
    const now = clock[0]!;
    s[W.AREA] += s[W.LEVEL]! * (now - s[W.LAST]!);
    s[W.LAST] = now;
    s[W.LEVEL] = level;
    if (level > s[W.HI]!) s[W.HI] = level;
    if (level < s[W.LO]!) s[W.LO] = level;
  }

  /** Current level. */
  get level(): number {
    return this.s[W.LEVEL]!;
  }

  /** Time average over [start, now]. */
  mean(now: number): number {
    const s = this.s;
    const span = now - s[W.START]!;
    if (span <= 0) return s[W.LEVEL]!;
    return (s[W.AREA]! + s[W.LEVEL]! * (now - s[W.LAST]!)) / span;
  }

  /** Integral of the level over [start, now] (e.g. busy server-seconds). */
  integral(now: number): number {
    const s = this.s;
    return s[W.AREA]! + s[W.LEVEL]! * (now - s[W.LAST]!);
  }

  /** Highest level seen since the last reset. */
  get max(): number {
    return this.s[W.HI]!;
  }
  /** Lowest level seen since the last reset. */
  get min(): number {
    return this.s[W.LO]!;
  }

  /** Restarts the average at `now`, keeping the current level (warm-up deletion). */
  reset(now: number): void {
    const s = this.s;
    s[W.AREA] = 0;
    s[W.LAST] = now;
    s[W.START] = now;
    s[W.HI] = s[W.LEVEL]!;
    s[W.LO] = s[W.LEVEL]!;
  }
}

/**
 * Streaming quantiles of non-negative values in bounded memory, on an HDR histogram with three
 * significant digits (relative error ≤ 0.1 %). Values are recorded in `resolution` units
 * (default 1 µs for durations in seconds).
 */
export class Quantiles {
  private readonly histogram: hdr.Histogram;
  private readonly scale: number;

  constructor(options: { resolution?: number } = {}) {
    this.scale = 1 / (options.resolution ?? 1e-6);
    // Required on first use: loading hdr-histogram-js (with its WebAssembly and pako) costs about 30 ms of every process and worker start.
    this.histogram = (createRequire(import.meta.url)('hdr-histogram-js') as typeof hdr).build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  }

  /** Records one value (negative values are clamped to 0). */
  add(x: number): void {
    const v = Math.round(x * this.scale);
    this.histogram.recordValue(v > 0 ? v : 0);
  }

  /** The q-quantile (q in [0, 1]); NaN with no values. */
  quantile(q: number): number {
    if (this.histogram.totalCount === 0) return NaN;
    return this.histogram.getValueAtPercentile(q * 100) / this.scale;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.histogram.totalCount;
  }

  /** Forgets everything (warm-up deletion). */
  reset(): void {
    this.histogram.reset();
  }
}

/**
 * Batch means: splits one long run's observations into consecutive batches and treats the
 * batch averages as roughly independent, giving a confidence interval from a single run.
 */
export class BatchMeans {
  private readonly batches: number[] = [];
  private sum = 0;
  private inBatch = 0;

  /** `batchSize` observations per batch. */
  constructor(readonly batchSize: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer ≥ 1, got ${batchSize}`);
  }

  /** Adds one observation. */
  add(x: number): void {
    checkFinite(x, 'batch-means observation');
    this.sum += x;
    if (++this.inBatch === this.batchSize) {
      this.batches.push(this.sum / this.batchSize);
      this.sum = 0;
      this.inBatch = 0;
    }
  }

  /** Completed batch averages. */
  get means(): readonly number[] {
    return this.batches;
  }

  /** Grand mean and the half-width of a confidence interval (z = 1.96 default; t for few batches). */
  interval(z?: number): { mean: number; halfWidth: number; batches: number } {
    const k = this.batches.length;
    if (k < 2) return { mean: k === 1 ? this.batches[0]! : NaN, halfWidth: NaN, batches: k };
    let m = 0;
    for (const b of this.batches) m += b;
    m /= k;
    let v = 0;
    for (const b of this.batches) v += (b - m) * (b - m);
    v /= k - 1;
    const crit = z ?? tQuantile975(k - 1);
    return { mean: m, halfWidth: crit * Math.sqrt(v / k), batches: k };
  }

  /** Forgets everything. */
  reset(): void {
    this.batches.length = 0;
    this.sum = 0;
    this.inBatch = 0;
  }
}

/** Two-sided 95 % Student-t critical value for `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (!(df >= 1)) return NaN;
  if (df <= 30) return table[Math.floor(df) - 1]!;
  // Cornish–Fisher expansion around the normal quantile; < 0.001 error above 30 df.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}
