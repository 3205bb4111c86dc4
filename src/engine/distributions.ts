/**
 * Probability distributions for delays and sizes. Each is an object with `sample(rng)` and
 * its analytic `mean` and `variance`, so models can be checked against theory. Parameters
 * are validated at construction: a bad parameter throws naming the value, never a NaN later.
 */
import type { Rng } from './random.js';
import { checkDelay, checkFinite, checkPositive, checkProbability } from './checks.js';

/** A distribution of real values. */
export interface Distribution {
  /** Draws one value using the given stream. */
  sample(rng: Rng): number;
  /** Analytic mean. */
  readonly mean: number;
  /** Analytic variance. */
  readonly variance: number;
  /** Short human description, e.g. "exponential(rate=2)". */
  readonly label: string;
}

/** Exponential with the given rate (mean 1/rate). */
export function exponential(rate: number): Distribution {
  checkPositive(rate, 'exponential rate');
  const mean = 1 / rate;
  return {
    // 1 - u is in (0, 1], so the log is finite.
    sample: (rng) => -Math.log(1 - rng.next()) * mean,
    mean,
    variance: mean * mean,
    label: `exponential(rate=${rate})`,
  };
}

/** Always the same value. */
export function deterministic(value: number): Distribution {
  checkDelay(value, 'deterministic value');
  return { sample: () => value, mean: value, variance: 0, label: `deterministic(${value})` };
}

/** Uniform on [min, max). */
export function uniform(min: number, max: number): Distribution {
  checkFinite(min, 'uniform min');
  checkFinite(max, 'uniform max');
  if (min > max) throw new RangeError(`uniform: min (${min}) must not exceed max (${max})`);
  const w = max - min;
  return { sample: (rng) => min + w * rng.next(), mean: (min + max) / 2, variance: (w * w) / 12, label: `uniform(${min}, ${max})` };
}

/** Triangular on [min, max] with the given mode. */
export function triangular(min: number, mode: number, max: number): Distribution {
  checkFinite(min, 'triangular min');
  checkFinite(mode, 'triangular mode');
  checkFinite(max, 'triangular max');
  if (!(min <= mode && mode <= max)) {
    throw new RangeError(`triangular: need min ≤ mode ≤ max, got ${min}, ${mode}, ${max}`);
  }
  if (min === max) return deterministic(min);
  const fc = (mode - min) / (max - min);
  return {
    sample: (rng) => {
      const u = rng.next();
      return u < fc ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    },
    mean: (min + mode + max) / 3,
    variance: (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18,
    label: `triangular(${min}, ${mode}, ${max})`,
  };
}

/** One standard normal draw (Box–Muller, one of the pair; no hidden state across calls). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

const SQRT2 = Math.SQRT2;
/** Standard normal density. */
function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
/** Standard normal CDF via erf (Abramowitz–Stegun 7.1.26 is too coarse for tests; use a series). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * erfc(-x / SQRT2);
}
/** Complementary error function (W. J. Cody's rational approximation via Numerical Recipes erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Normal with mean `mu` and standard deviation `sd`, optionally truncated to [min, max]
 * (by rejection; durations use min 0 so a delay is never negative).
 */
export function normal(mu: number, sd: number, bounds: { min?: number; max?: number } = {}): Distribution {
  checkFinite(mu, 'normal mean');
  checkDelay(sd, 'normal sd');
  const lo = bounds.min ?? -Infinity;
  const hi = bounds.max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo >= hi) throw new RangeError(`normal: truncation min (${lo}) must be below max (${hi})`);
  if (sd === 0) return deterministic(Math.min(hi, Math.max(lo, mu)));
  const a = (lo - mu) / sd;
  const b = (hi - mu) / sd;
  const z = normalCdf(b) - normalCdf(a);
  if (z < 1e-6) throw new RangeError(`normal: truncation [${lo}, ${hi}] leaves almost no mass for mean ${mu}, sd ${sd}`);
  const pa = Number.isFinite(a) ? phi(a) : 0;
  const pb = Number.isFinite(b) ? phi(b) : 0;
  const aa = Number.isFinite(a) ? a * pa : 0;
  const bb = Number.isFinite(b) ? b * pb : 0;
  const mean = mu + (sd * (pa - pb)) / z;
  const variance = sd * sd * (1 + (aa - bb) / z - ((pa - pb) / z) ** 2);
  return {
    sample: (rng) => {
      for (;;) {
        const x = mu + sd * standardNormal(rng);
        if (x >= lo && x <= hi) return x;
      }
    },
    mean,
    variance,
    label: `normal(${mu}, ${sd})${lo > -Infinity || hi < Infinity ? ` on [${lo}, ${hi}]` : ''}`,
  };
}

/** Lognormal given the mean and standard deviation of the value itself (what planners know). */
export function lognormal(mean: number, sd: number): Distribution {
  checkPositive(mean, 'lognormal mean');
  checkDelay(sd, 'lognormal sd');
  if (sd === 0) return deterministic(mean);
  const s2 = Math.log(1 + (sd * sd) / (mean * mean));
  const mu = Math.log(mean) - s2 / 2;
  const s = Math.sqrt(s2);
  return { sample: (rng) => Math.exp(mu + s * standardNormal(rng)), mean, variance: sd * sd, label: `lognormal(mean=${mean}, sd=${sd})` };
}

/** Lanczos approximation of ln Γ(x). */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Weibull with shape k and scale λ (shape < 1: decreasing hazard, as for disks in the field). */
export function weibull(shape: number, scale: number): Distribution {
  checkPositive(shape, 'weibull shape');
  checkPositive(scale, 'weibull scale');
  const g1 = Math.exp(logGamma(1 + 1 / shape));
  const g2 = Math.exp(logGamma(1 + 2 / shape));
  const inv = 1 / shape;
  return {
    sample: (rng) => scale * Math.pow(-Math.log(1 - rng.next()), inv),
    mean: scale * g1,
    variance: scale * scale * (g2 - g1 * g1),
    label: `weibull(shape=${shape}, scale=${scale})`,
  };
}

/** Gamma with shape k and scale θ (Marsaglia–Tsang; boosted for k < 1). */
export function gamma(shape: number, scale: number): Distribution {
  checkPositive(shape, 'gamma shape');
  checkPositive(scale, 'gamma scale');
  const k = shape < 1 ? shape + 1 : shape;
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const boost = shape < 1 ? 1 / shape : 0;
  const draw = (rng: Rng): number => {
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - rng.next();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  };
  return {
    sample: (rng) => {
      const g = draw(rng);
      return scale * (boost > 0 ? g * Math.pow(1 - rng.next(), boost) : g);
    },
    mean: shape * scale,
    variance: shape * scale * scale,
    label: `gamma(shape=${shape}, scale=${scale})`,
  };
}

/** Erlang with k phases of the given rate each (mean k/rate). */
export function erlang(k: number, rate: number): Distribution {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`erlang k must be an integer ≥ 1, got ${String(k)}`);
  checkPositive(rate, 'erlang rate');
  const d = gamma(k, 1 / rate);
  return { ...d, label: `erlang(k=${k}, rate=${rate})` };
}

/** Resamples the given observations with equal probability. */
export function empirical(samples: readonly number[]): Distribution {
  if (samples.length === 0) throw new RangeError('empirical: needs at least one sample');
  for (const s of samples) checkFinite(s, 'empirical sample');
  const xs = Float64Array.from(samples);
  const n = xs.length;
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let v = 0;
  for (const x of xs) v += (x - m) * (x - m);
  v /= n;
  return { sample: (rng) => xs[Math.floor(rng.next() * n)]!, mean: m, variance: v, label: `empirical(n=${n})` };
}

/** A choice among values with the given weights (need not sum to 1). */
export function discrete(values: readonly number[], weights: readonly number[]): Distribution {
  if (values.length === 0 || values.length !== weights.length) {
    throw new RangeError(`discrete: need as many weights as values (got ${values.length} values, ${weights.length} weights)`);
  }
  for (const v of values) checkFinite(v, 'discrete value');
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || w === Infinity) throw new RangeError(`discrete: weights must be finite and ≥ 0, got ${String(w)}`);
    total += w;
  }
  if (total <= 0) throw new RangeError('discrete: weights sum to zero');
  const cum = new Float64Array(weights.length);
  let acc = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < weights.length; i++) {
    const p = weights[i]! / total;
    acc += p;
    cum[i] = acc;
    mean += p * values[i]!;
    m2 += p * values[i]! * values[i]!;
  }
  cum[cum.length - 1] = 1;
  const vs = Float64Array.from(values);
  return {
    sample: (rng) => vs[pickIndex(cum, rng.next())]!,
    mean,
    variance: m2 - mean * mean,
    label: `discrete(${values.length} values)`,
  };
}

/** Index i with cum[i-1] ≤ u < cum[i] (binary search). */
export function pickIndex(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** 1 with probability p, else 0. */
export function bernoulli(p: number): Distribution {
  checkProbability(p, 'bernoulli p');
  return { sample: (rng) => (rng.next() < p ? 1 : 0), mean: p, variance: p * (1 - p), label: `bernoulli(${p})` };
}

/** A distribution scaled by a constant factor (e.g. a slower server). */
export function scaled(d: Distribution, factor: number): Distribution {
  checkPositive(factor, 'scale factor');
  if (factor === 1) return d;
  return { sample: (rng) => d.sample(rng) * factor, mean: d.mean * factor, variance: d.variance * factor * factor, label: `${factor}×${d.label}` };
}
