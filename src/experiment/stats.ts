/**
 * Statistics across replications. simple-statistics supplies means, deviations and
 * quantiles; it has no Student-t distribution, so the t CDF and quantile are computed here
 * from the regularized incomplete beta function (Numerical Recipes' continued fraction),
 * which is accurate to ~1e-10, far below anything a 95 % interval can resolve.
 */
import { mean as ssMean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import seedrandom from 'seedrandom';
import type { MetricSummary } from '../results/format.js';

/** ln Γ(x) by the Lanczos approximation (x > 0). */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const EPS = 1e-15;
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  // The continued fraction converges fast only on one side of the mean; use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student-t cumulative distribution function with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Two-sided p-value of a t statistic. */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t)) return 1;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** Student-t quantile: the t with P(T ≤ t) = p, by bisection on the CDF. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Half-width of the t-based confidence interval of a mean (NaN when n < 2). */
export function tHalfWidth(sd: number, n: number, level = 0.95): number {
  if (n < 2) return NaN;
  return (tQuantile(1 - (1 - level) / 2, n - 1) * sd) / Math.sqrt(n);
}

/**
 * Summary of one metric across replications. Non-finite values are dropped (a metric a
 * replication could not compute). With n = 0 every statistic is NaN (no observations is not
 * a value of 0); with n = 1 the sd and the interval are NaN (one value gives no spread).
 * NaN is written as null in results.json (JSON.stringify), see MetricSummary.
 */
export function summarize(values: readonly number[]): MetricSummary {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, ci95: [NaN, NaN], min: NaN, max: NaN, p05: NaN, p50: NaN, p95: NaN };
  const m = ssMean(xs);
  const sd = n >= 2 ? sampleStandardDeviation(xs) : NaN;
  const hw = tHalfWidth(sd, n);
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    n,
    mean: m,
    sd,
    ci95: [m - hw, m + hw],
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p05: quantileSorted(sorted, 0.05),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  };
}

/**
 * Wilson score interval of a proportion (`successes` of `n`) at the 95 % level. The bounds are
 * exactly 0 when nothing succeeded and exactly 1 when everything did (the closed form's
 * centre − half rounds to ±1e-17 there, which a report would print as "5.551e-17"), and never
 * leave [0, 1]. The lower bound of 0 < successes < n is taken from the product of the two
 * roots (p² ÷ (1 + z²/n)) rather than centre − half, which cancels when p is small.
 */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  const hi = successes >= n ? 1 : Math.min(1, centre + half);
  const lo = successes <= 0 ? 0 : Math.max(0, Math.min(p, (p * p) / denom / hi));
  return [lo, hi];
}

/** Result of a two-sample test of means. */
export interface MeanTest {
  kind: 'paired' | 'welch';
  /** Mean of current − baseline (paired) or difference of means (Welch). */
  difference: number;
  ci95: [number, number];
  t: number;
  df: number;
  /** Two-sided p-value; 1 when there is no variation and no difference, 0 when there is no variation but a difference. */
  p: number;
  n: number;
}

/** Paired t-test of `b − a` (arrays aligned by replication). Needs n ≥ 2; NaN interval (and difference when n = 0) otherwise. */
export function pairedTTest(a: readonly number[], b: readonly number[]): MeanTest {
  const d: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y)) d.push(y - x);
  }
  const n = d.length;
  const m = n > 0 ? ssMean(d) : NaN;
  if (n < 2) return { kind: 'paired', difference: m, ci95: [NaN, NaN], t: NaN, df: 0, p: NaN, n };
  const sd = sampleStandardDeviation(d);
  const se = sd / Math.sqrt(n);
  const hw = tHalfWidth(sd, n);
  const t = se > 0 ? m / se : m === 0 ? 0 : Math.sign(m) * Infinity;
  const p = se > 0 ? tTwoSidedP(t, n - 1) : m === 0 ? 1 : 0;
  return { kind: 'paired', difference: m, ci95: [m - hw, m + hw], t, df: n - 1, p, n };
}

/** What Welch's test needs of a sample: its mean, sample standard deviation and size. */
export interface SampleMoments {
  mean: number;
  sd: number;
  n: number;
}

/**
 * Welch's unequal-variance t-test of mean(b) − mean(a) from each sample's moments, so it also
 * serves results documents that only carry summaries. The one Welch implementation: the
 * array form below and `opsim compare` both call it. Needs n ≥ 2 in each sample.
 */
export function welchTest(a: SampleMoments, b: SampleMoments): MeanTest {
  const diff = a.n > 0 && b.n > 0 ? b.mean - a.mean : NaN;
  const n = Math.min(a.n, b.n);
  if (a.n < 2 || b.n < 2) return { kind: 'welch', difference: diff, ci95: [NaN, NaN], t: NaN, df: 0, p: NaN, n };
  const va = a.sd ** 2 / a.n;
  const vb = b.sd ** 2 / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { kind: 'welch', difference: diff, ci95: [diff, diff], t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: a.n + b.n - 2, p: diff === 0 ? 1 : 0, n };
  // Welch–Satterthwaite degrees of freedom.
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = diff / se;
  const hw = tQuantile(0.975, df) * se;
  return { kind: 'welch', difference: diff, ci95: [diff - hw, diff + hw], t, df, p: tTwoSidedP(t, df), n };
}

function moments(xs: readonly number[]): SampleMoments {
  const ys = xs.filter(Number.isFinite);
  return { mean: ys.length > 0 ? ssMean(ys) : NaN, sd: ys.length >= 2 ? sampleStandardDeviation(ys) : NaN, n: ys.length };
}

/** Welch's unequal-variance t-test of mean(b) − mean(a) on raw samples (non-finite values dropped). */
export function welchTTest(a: readonly number[], b: readonly number[]): MeanTest {
  return welchTest(moments(a), moments(b));
}

/**
 * MSER-5 truncation point of a series (White 1997; Franklin & White 2008): average the
 * series in batches of 5, then choose the number of leading batches d minimising
 * the squared standard error of the remaining batch means, searching only the first half
 * (a minimum in the second half means the run is too short to tell). Returns the number of
 * leading entries of `series` to discard (an index into the series as given, non-finite
 * entries included) and whether the minimum was found in the first half.
 */
export function mser5(series: readonly number[]): { truncate: number; batches: number; reliable: boolean } {
  // Non-finite intervals (nothing observed) are skipped, but every kept value remembers its
  // index in the original series: the truncation point is an index into `series`, which the
  // caller multiplies by the interval width.
  const idx: number[] = [];
  for (let i = 0; i < series.length; i++) if (Number.isFinite(series[i])) idx.push(i);
  const xs = idx.map((i) => series[i]!);
  const k = Math.floor(xs.length / 5);
  if (k < 2) return { truncate: 0, batches: k, reliable: false };
  const z: number[] = [];
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < 5; i++) s += xs[j * 5 + i]!;
    z.push(s / 5);
  }
  let best = 0;
  let bestStat = Infinity;
  // Suffix sums make each candidate O(1).
  const suffixSum = new Array<number>(k + 1).fill(0);
  const suffixSq = new Array<number>(k + 1).fill(0);
  for (let j = k - 1; j >= 0; j--) {
    suffixSum[j] = suffixSum[j + 1]! + z[j]!;
    suffixSq[j] = suffixSq[j + 1]! + z[j]! * z[j]!;
  }
  for (let d = 0; d <= k - 2; d++) {
    const m = k - d;
    const mean = suffixSum[d]! / m;
    const ss = Math.max(0, suffixSq[d]! - m * mean * mean);
    const stat = ss / (m * m);
    // Strictly smaller (with a relative margin) so ties keep the earlier, less wasteful point.
    if (d === 0 || stat < bestStat * (1 - 1e-12)) {
      bestStat = stat;
      best = d;
    }
  }
  // Discard everything before the first kept observation: leading empty intervals included
  // (when best = 0, the empty intervals before the first observation carry no information
  // either way, so they are kept: truncating nothing is the conservative reading).
  const truncate = best === 0 ? 0 : idx[best * 5]!;
  return { truncate, batches: best, reliable: best <= k / 2 };
}

/**
 * Percentile bootstrap 95 % interval of a mean: `resamples` resamples with replacement, the
 * 2.5th and 97.5th percentiles of their means. It never leaves [min, max] of the sample, so it
 * respects any feasible range, and follows a skewed sample where a symmetric t interval would
 * reach past a bound. Deterministic: the resampling stream is seeded by `seed` (the metric and
 * variant), never by the clock, so results keep their bytes.
 */
export function bootstrapMeanInterval(xs: readonly number[], seed: string, resamples = 2000): [number, number] {
  const n = xs.length;
  if (n < 2) return [NaN, NaN];
  const next = seedrandom.alea(`bootstrap|${seed}`);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(next() * n)]!;
    means[b] = s / n;
  }
  means.sort();
  return [quantileSorted(Array.from(means), 0.025), quantileSorted(Array.from(means), 0.975)];
}
