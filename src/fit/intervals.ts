/**
 * Exact intervals for counts and proportions: Garwood's Poisson interval from chi-square
 * quantiles (@stdlib), and Wilson's score interval for a proportion.
 */
import chisqQuantile from '@stdlib/stats-base-dists-chisquare-quantile';
import type { Estimate } from './mle.js';

/** Exact (Garwood) 95 % interval for a Poisson mean given an observed count. */
export function poissonInterval(count: number, level = 0.95): Estimate {
  const a = 1 - level;
  return {
    value: count,
    lower: count === 0 ? 0 : chisqQuantile(a / 2, 2 * count) / 2,
    upper: chisqQuantile(1 - a / 2, 2 * count + 2) / 2,
  };
}

/** Rate per unit exposure with the exact Poisson interval. */
export function rateInterval(count: number, exposure: number): Estimate {
  const c = poissonInterval(count);
  return { value: count / exposure, lower: c.lower / exposure, upper: c.upper / exposure };
}

/** Wilson score 95 % interval for k successes in n trials. */
export function wilson(k: number, n: number): Estimate {
  if (n === 0) return { value: NaN, lower: 0, upper: 1 };
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { value: p, lower: Math.max(0, c - h), upper: Math.min(1, c + h) };
}
