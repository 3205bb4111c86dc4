/**
 * Confidence-interval assertions over independent replications: a result with a theoretical
 * value passes when |mean − theory| < z·SE, SE = sd of replication means / √R.
 */
import { expect } from 'vitest';
import { normalCdf } from '../../src/engine/distributions.js';
import { tQuantile } from '../../src/experiment/stats.js';

/** Mean and standard error of replication results. */
export function meanSe(xs: readonly number[]): { mean: number; se: number; sd: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(v), se: Math.sqrt(v / n) };
}

/** Runs `f(r)` for r = 0..R-1 (each replication builds RandomStreams(seed, r) itself). */
export function replicate<T>(r: number, f: (rep: number) => T): T[] {
  return Array.from({ length: r }, (_, i) => f(i));
}

/**
 * The Student-t counterpart of a z-score for `df` degrees of freedom: the t quantile at the
 * z-score's one-sided tail probability (src/experiment/stats.ts). With R = 20 replications the
 * SE is itself uncertain, so 3σ becomes about 3.45 to keep the same false-alarm rate (0.27 %).
 */
export function tCritical(z: number, df: number): number {
  return tQuantile(normalCdf(z), df);
}

/** Asserts the replication mean is within z standard errors (t-adjusted for R) of `theory`. */
export function expectNear(label: string, xs: readonly number[], theory: number, z = 3): void {
  const { mean, se } = meanSe(xs);
  const crit = tCritical(z, xs.length - 1);
  const msg = `${label}: mean ${mean.toPrecision(6)} vs theory ${theory.toPrecision(6)}, SE ${se.toPrecision(3)}, |z| = ${(Math.abs(mean - theory) / se).toFixed(2)} (limit ${crit.toFixed(2)}, R = ${xs.length})`;
  if (process.env['CI_VERBOSE']) console.log(msg);
  expect(se, `${label}: SE must be positive`).toBeGreaterThan(0);
  expect(Math.abs(mean - theory) < crit * se, msg).toBe(true);
}
