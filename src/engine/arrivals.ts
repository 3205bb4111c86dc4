/**
 * Arrival processes. Rate profiles describe how the arrival rate varies over time; arrivals
 * of a non-homogeneous Poisson process are drawn by thinning (Lewis–Shedler): candidates at
 * the profile's maximum rate, each kept with probability rate(t)/max.
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
}

/** A constant rate. */
export function constantRate(rate: number): RateProfile {
  checkDelay(rate, 'rate');
  return { rate: () => rate, max: rate, integral: (a, b) => rate * (b - a) };
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
  return {
    rate: (t) => rates[indexAt(local(t))]!,
    max,
    integral: (a, b) => F(b) - F(a),
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
  };
}

/** The sum of several profiles (e.g. stores in different time zones). */
export function sumRates(profiles: readonly RateProfile[]): RateProfile {
  return {
    rate: (t) => profiles.reduce((s, p) => s + p.rate(t), 0),
    max: profiles.reduce((s, p) => s + p.max, 0),
    integral: (a, b) => profiles.reduce((s, p) => s + p.integral(a, b), 0),
  };
}

/** A profile shifted in time by `offset` (rate(t) = base.rate(t + offset)). */
export function shiftRate(base: RateProfile, offset: number): RateProfile {
  checkFinite(offset, 'shift offset');
  return { rate: (t) => base.rate(t + offset), max: base.max, integral: (a, b) => base.integral(a + offset, b + offset) };
}

/** A profile scaled by a constant. */
export function scaleRate(base: RateProfile, factor: number): RateProfile {
  checkDelay(factor, 'rate scale');
  return { rate: (t) => base.rate(t) * factor, max: base.max * factor, integral: (a, b) => base.integral(a, b) * factor };
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
 * Drives `onArrival(time)` at the arrivals of an NHPP until `horizon`. Returns a function
 * that stops the process.
 */
export function startArrivals(sim: Simulation, profile: RateProfile, rng: Rng, onArrival: (time: number) => void, horizon = Infinity): () => void {
  let handle = -1;
  const fire = (): void => {
    onArrival(sim.now);
    schedule();
  };
  const schedule = (): void => {
    const t = nextArrival(profile, sim.now, rng, horizon);
    handle = t === Infinity ? -1 : sim.scheduleAt(t, fire, undefined);
  };
  schedule();
  return () => {
    if (handle >= 0) sim.cancel(handle);
    handle = -1;
  };
}
