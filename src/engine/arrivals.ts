/**
 * Arrival processes. Rate profiles describe how the arrival rate varies over time. Arrivals
 * of a non-homogeneous Poisson process are drawn by inversion of the cumulative rate over a
 * flat piecewise-constant table compiled from the profile (`ArrivalSampler`: one uniform
 * draw per arrival, no closure chain per candidate), or, for a profile that cannot say where
 * its rate changes, by thinning (Lewis–Shedler, `nextArrival`): candidates at the profile's
 * maximum rate, each kept with probability rate(t)/max.
 */
import type { Rng } from './random.js';
import type { Simulation } from './simulation.js';
import { checkDelay, checkFinite, checkPositive } from './checks.js';

/** A time-varying arrival rate (events per time unit). */
export interface RateProfile {
  /** Rate at time t. */
  rate(t: number): number;
  /** An upper bound of `rate` over all t (used for thinning). */
  readonly max: number;
  /** ∫ rate over [a, b]: the expected number of arrivals. */
  integral(a: number, b: number): number;
  /**
   * Appends to `out` the times in (a, b) where the rate may change (any order, duplicates
   * allowed): the rate is constant between consecutive ones. Optional: a profile without it
   * is drawn by thinning.
   */
  breaks?(a: number, b: number, out: number[]): void;
}

/** Appends the breaks of every profile (all must have `breaks`). */
function allBreaks(profiles: readonly RateProfile[], a: number, b: number, out: number[]): void {
  for (const p of profiles) p.breaks!(a, b, out);
}

/** True when `p` and everything it is built from can list their breaks. */
function hasBreaks(...profiles: RateProfile[]): boolean {
  return profiles.every((p) => p.breaks !== undefined);
}

/** A constant rate. */
export function constantRate(rate: number): RateProfile {
  checkDelay(rate, 'rate');
  return { rate: () => rate, max: rate, integral: (a, b) => rate * (b - a), breaks: () => undefined };
}

/**
 * A piecewise-constant rate: `points` are [startTime, rate] pairs sorted by time; the first
 * starts at 0. With `period` (e.g. 86 400 for daily, 604 800 for weekly) the shape repeats.
 */
export function piecewiseRate(points: readonly (readonly [number, number])[], period?: number): RateProfile {
  if (points.length === 0) throw new RangeError('piecewiseRate: needs at least one point');
  const starts = new Float64Array(points.length);
  const rates = new Float64Array(points.length);
  let max = 0;
  points.forEach(([t, r], i) => {
    checkFinite(t, `piecewiseRate point ${i} time`);
    checkDelay(r, `piecewiseRate point ${i} rate`);
    if (i === 0 && t !== 0) throw new RangeError(`piecewiseRate: the first point must start at 0, got ${t}`);
    if (i > 0 && t <= starts[i - 1]!) throw new RangeError(`piecewiseRate: point times must increase (point ${i} at ${t})`);
    starts[i] = t;
    rates[i] = r;
    if (r > max) max = r;
  });
  if (period !== undefined) {
    checkPositive(period, 'piecewiseRate period');
    if (starts[starts.length - 1]! >= period) throw new RangeError(`piecewiseRate: points must lie within the period ${period}`);
  }
  const indexAt = (t: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const local = (t: number): number => (period === undefined ? t : t - Math.floor(t / period) * period);
  // Integral from 0 to x within one period (or the whole line without a period).
  const cumulative = (x: number): number => {
    let acc = 0;
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      if (s >= x) break;
      const e = i + 1 < starts.length ? Math.min(starts[i + 1]!, x) : x;
      acc += rates[i]! * (e - s);
    }
    return acc;
  };
  const perPeriod = period === undefined ? 0 : cumulative(period);
  const F = (t: number): number => {
    if (period === undefined) return cumulative(Math.max(0, t));
    const k = Math.floor(t / period);
    return k * perPeriod + cumulative(t - k * period);
  };
  const breaks = (a: number, b: number, out: number[]): void => {
    if (period === undefined) {
      for (let i = 0; i < starts.length; i++) if (starts[i]! > a && starts[i]! < b) out.push(starts[i]!);
      return;
    }
    for (let k = Math.floor(a / period); k * period < b; k++) {
      for (let i = 0; i < starts.length; i++) {
        const x = k * period + starts[i]!;
        if (x > a && x < b) out.push(x);
      }
    }
  };
  return {
    rate: (t) => rates[indexAt(local(t))]!,
    max,
    integral: (a, b) => F(b) - F(a),
    breaks,
  };
}

/** A profile multiplied by a factor over [start, end) (a peak-hour spike, a holiday). */
export function withMultiplier(base: RateProfile, start: number, end: number, factor: number): RateProfile {
  checkDelay(factor, 'multiplier');
  if (!(end > start)) throw new RangeError(`multiplier window must have end > start, got [${start}, ${end})`);
  return {
    rate: (t) => (t >= start && t < end ? base.rate(t) * factor : base.rate(t)),
    max: base.max * Math.max(1, factor),
    integral: (a, b) => {
      const lo = Math.max(a, start);
      const hi = Math.min(b, end);
      const inside = hi > lo ? base.integral(lo, hi) : 0;
      return base.integral(a, b) + (factor - 1) * inside;
    },
    breaks: hasBreaks(base)
      ? (a, b, out) => {
          base.breaks!(a, b, out);
          if (start > a && start < b) out.push(start);
          if (end > a && end < b) out.push(end);
        }
      : undefined,
  };
}

/** The sum of several profiles (e.g. stores in different time zones). */
export function sumRates(profiles: readonly RateProfile[]): RateProfile {
  return {
    rate: (t) => profiles.reduce((s, p) => s + p.rate(t), 0),
    max: profiles.reduce((s, p) => s + p.max, 0),
    integral: (a, b) => profiles.reduce((s, p) => s + p.integral(a, b), 0),
    breaks: hasBreaks(...profiles) ? (a, b, out) => allBreaks(profiles, a, b, out) : undefined,
  };
}

/** A profile shifted in time by `offset` (rate(t) = base.rate(t + offset)). */
export function shiftRate(base: RateProfile, offset: number): RateProfile {
  checkFinite(offset, 'shift offset');
  return {
    rate: (t) => base.rate(t + offset),
    max: base.max,
    integral: (a, b) => base.integral(a + offset, b + offset),
    breaks: hasBreaks(base)
      ? (a, b, out) => {
          const from = out.length;
          base.breaks!(a + offset, b + offset, out);
          for (let i = from; i < out.length; i++) out[i] = out[i]! - offset;
        }
      : undefined,
  };
}

/** A profile scaled by a constant. */
export function scaleRate(base: RateProfile, factor: number): RateProfile {
  checkDelay(factor, 'rate scale');
  return {
    rate: (t) => base.rate(t) * factor,
    max: base.max * factor,
    integral: (a, b) => base.integral(a, b) * factor,
    breaks: base.breaks,
  };
}

/**
 * Most candidates thinning may reject in a row for one arrival: 2^25 (about a second of CPU).
 * Thinning proposes candidates at the profile's peak rate, so a profile whose peak is out of
 * all proportion to the rest (an hour of 10^12/s in a day of 10/s) would otherwise spend
 * unbounded time inside one event, where the event budget cannot see it. Real profiles stay
 * far below it: a peak of 16/s rejects 1.4 million candidates over a whole day of zero rate.
 */
export const MAX_REJECTIONS = 2 ** 25;

/** Thrown when thinning rejects MAX_REJECTIONS candidates in a row. */
export class ThinningLimitError extends Error {
  constructor(
    readonly from: number,
    readonly to: number,
    readonly peak: number,
  ) {
    super(
      `arrival thinning rejected ${MAX_REJECTIONS.toLocaleString('en')} candidates in a row between simulated times ${from} s and ${to} s: ` +
        `the profile's peak rate (${peak.toPrecision(4)} per second) is out of all proportion to its rate there; check the rate profile and its units`,
    );
    this.name = 'ThinningLimitError';
  }
}

/**
 * Time of the next arrival after `now` of the NHPP with `profile`, by thinning; Infinity if
 * none before `horizon`. Throws a ThinningLimitError after MAX_REJECTIONS rejected candidates.
 */
export function nextArrival(profile: RateProfile, now: number, rng: Rng, horizon = Infinity): number {
  const max = profile.max;
  if (max <= 0) return Infinity;
  let t = now;
  // The budget is only counted, never consulted for a draw: sample paths are those of plain thinning.
  for (let rejected = 0; ; rejected++) {
    if (rejected >= MAX_REJECTIONS) throw new ThinningLimitError(now, t, max);
    t += -Math.log(1 - rng.next()) / max;
    if (t >= horizon) return Infinity;
    if (rng.next() * max <= profile.rate(t)) return t;
  }
}

/**
 * Most table segments one draw of an ArrivalSampler may cross: 2^25, about a second of CPU.
 * Like thinning's rejection budget, it bounds the work inside one event where the event
 * budget cannot see it: a profile that stays at rate zero for ever (a trace past its end)
 * with no horizon would otherwise be walked for ever. With a finite horizon the walk ends
 * there; a year of hourly segments in three time zones is about 26,000 of them.
 */
export const MAX_SEGMENTS = 2 ** 25;

/** Thrown when an ArrivalSampler crosses MAX_SEGMENTS segments for one arrival. */
export class ArrivalWalkLimitError extends Error {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super(
      `arrival sampling crossed ${MAX_SEGMENTS.toLocaleString('en')} rate segments for one arrival between simulated times ${from} s and ${to} s ` +
        `without reaching the next arrival: the rate is zero (or nearly) for an unbounded time; give the run a horizon or check the rate profile`,
    );
    this.name = 'ArrivalWalkLimitError';
  }
}

/** Span of the first compiled chunk (time units); later chunks adapt to the break density. */
const FIRST_CHUNK = 64;
/** A chunk is halved when it holds more breaks than this, doubled when it holds fewer than MIN. */
const MAX_CHUNK_BREAKS = 4_096;
const MIN_CHUNK_BREAKS = 64;
/** Longest chunk (2^40 s, 35 000 years): keeps chunk ends finite; a whole one at rate zero ends the stream. */
const MAX_CHUNK = 2 ** 40;

/**
 * Draws the arrivals of an NHPP by inversion of its cumulative rate: with E ~ Exp(1), the
 * next arrival after t is where ∫ rate from t reaches E. The profile is compiled, a chunk of
 * time at a time, into a flat table of segment starts and rates (the rate read at each
 * segment's midpoint through the profile's closures, once per chunk), and the walk runs
 * over the table: one uniform draw per arrival, nothing allocated per arrival, and no
 * rejected candidates however peaked the profile. Calls must come in time order (each `now`
 * at or after the last arrival), as they do from a simulation.
 */
export class ArrivalSampler {
  private starts = new Float64Array(16);
  private rates = new Float64Array(16);
  /** Segments in the current chunk, and the chunk [starts[0], chunkEnd). */
  private n = 0;
  private chunkEnd = -Infinity;
  private span = FIRST_CHUNK;
  /** Segment of the last arrival (the walk starts here). */
  private cursor = 0;
  private readonly scratch: number[] = [];
  /**
   * The last arrival drawn, in a typed array: a double stored in an object field may be
   * boxed afresh on every store, an element of a Float64Array never is.
   */
  private readonly last = new Float64Array(1);
  /** No arrival at or after this time. */
  private limit: number;
  /**
   * The profile's maximum is positive (read once: a profile's max is a constant, and the
   * read per arrival was a megamorphic property load when several kinds of profile are drawn).
   */
  private readonly positive: boolean;

  /**
   * `profile` must list its breaks (see `RateProfile.breaks`). `draw` runs from `start` and
   * stops at `horizon`.
   */
  constructor(
    private readonly profile: RateProfile,
    horizon = Infinity,
    start = 0,
  ) {
    if (profile.breaks === undefined) throw new TypeError('ArrivalSampler: the rate profile does not list its breaks; draw it with nextArrival (thinning)');
    this.positive = profile.max > 0;
    this.last[0] = start;
    this.limit = horizon;
  }

  /** The last arrival drawn (Infinity: none before the horizon); `draw` continues from it. */
  get time(): number {
    return this.last[0]!;
  }

  /** True when `profile` can be drawn by an ArrivalSampler. */
  static accepts(profile: RateProfile): boolean {
    return profile.breaks !== undefined;
  }

  /** Time of the next arrival after `now`; Infinity if none before `horizon` (which `draw` then keeps). */
  next(now: number, rng: Rng, horizon = Infinity): number {
    this.last[0] = now;
    this.limit = horizon;
    this.walk(rng);
    return this.last[0]!;
  }

  /**
   * Draws the arrival after the last one into `time`; false when none comes before the
   * horizon. The hot path's form: it passes no time in or out, because a double passed to or
   * returned from a call V8 does not inline is boxed on the heap.
   */
  draw(rng: Rng): boolean {
    this.walk(rng);
    return this.last[0] !== Infinity;
  }

  /** From `time`, walks to the next arrival and stores it (or Infinity) in `time`. */
  private walk(rng: Rng): void {
    const now = this.last[0]!;
    const horizon = this.limit;
    if (!this.positive || !(now < horizon)) {
      this.last[0] = Infinity;
      return;
    }
    let e = -Math.log(1 - rng.next());
    let t = now;
    if (!(t < this.chunkEnd && t >= this.starts[0]!)) this.compile(t);
    const starts = this.starts;
    let i = this.cursor;
    while (i + 1 < this.n && starts[i + 1]! <= t) i++;
    for (let crossed = 0; ; crossed++) {
      if (crossed >= MAX_SEGMENTS) throw new ArrivalWalkLimitError(now, t);
      const end = i + 1 < this.n ? this.starts[i + 1]! : this.chunkEnd;
      const r = this.rates[i]!;
      const mass = r * (end - t);
      if (e < mass) {
        this.cursor = i;
        const x = t + e / r;
        this.last[0] = x < horizon ? x : Infinity;
        return;
      }
      e -= mass;
      t = end;
      if (t >= horizon) {
        this.cursor = i;
        this.last[0] = Infinity;
        return;
      }
      if (i + 1 < this.n) i++;
      else {
        this.compile(t);
        i = 0;
        // A whole longest chunk (2^40 s) without a break at rate zero: none will come.
        if (this.n === 1 && this.rates[0] === 0 && this.chunkEnd - t >= MAX_CHUNK) {
          this.cursor = 0;
          this.last[0] = Infinity;
          return;
        }
      }
    }
  }

  /** Compiles the chunk starting at `from` into the table. */
  private compile(from: number): void {
    const out = this.scratch;
    out.length = 0;
    let to = from + this.span;
    this.profile.breaks!(from, to, out);
    out.sort((x, y) => x - y);
    if (out.length > MAX_CHUNK_BREAKS) {
      // Too dense for one chunk: end it at a break, and size the next chunk like this one.
      to = out[MAX_CHUNK_BREAKS]!;
      this.span = to - from;
    } else if (out.length < MIN_CHUNK_BREAKS && this.span < MAX_CHUNK) this.span *= 2;
    if (this.starts.length < out.length + 1) {
      const cap = 2 ** Math.ceil(Math.log2(out.length + 1));
      this.starts = new Float64Array(cap);
      this.rates = new Float64Array(cap);
    }
    const starts = this.starts;
    starts[0] = from;
    let n = 1;
    for (const x of out) {
      if (x >= to) break;
      if (x > starts[n - 1]!) starts[n++] = x;
    }
    for (let k = 0; k < n; k++) {
      const e = k + 1 < n ? starts[k + 1]! : to;
      this.rates[k] = this.profile.rate(starts[k]! + (e - starts[k]!) / 2);
    }
    this.n = n;
    this.chunkEnd = to;
    this.cursor = 0;
  }
}

/**
 * Drives `onArrival(time)` at the arrivals of an NHPP until `horizon`, by inversion
 * (ArrivalSampler) when the profile lists its breaks, by thinning otherwise. Returns a
 * function that stops the process.
 */
export function startArrivals(sim: Simulation, profile: RateProfile, rng: Rng, onArrival: (time: number) => void, horizon = Infinity): () => void {
  let handle = -1;
  const sampler = ArrivalSampler.accepts(profile) ? new ArrivalSampler(profile) : null;
  const fire = (): void => {
    onArrival(sim.now);
    schedule();
  };
  const schedule = (): void => {
    const t = sampler !== null ? sampler.next(sim.now, rng, horizon) : nextArrival(profile, sim.now, rng, horizon);
    handle = t === Infinity ? -1 : sim.scheduleAt(t, fire, undefined);
  };
  schedule();
  return () => {
    if (handle >= 0) sim.cancel(handle);
    handle = -1;
  };
}
