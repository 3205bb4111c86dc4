/**
 * The four parametric families a duration is fitted to, each with its log-density, log-survival
 * (for right-censored observations), CDF and quantile, a starting point for the optimiser, and
 * the scenario distribution it becomes. Parameters live on an unconstrained scale (logs of
 * positive parameters) so the optimiser and the Wald intervals never leave what is possible.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import gammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';

/** Family names, as the scenario's `dist` spells them. */
export type FamilyName = 'exponential' | 'lognormal' | 'weibull' | 'gamma';
export const FAMILIES: readonly FamilyName[] = ['exponential', 'lognormal', 'weibull', 'gamma'];

/** A scenario random duration (seconds), as src/scenario/schema/distribution.ts writes it. */
export type DistSpec =
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; mean: number; sd: number }
  | { dist: 'weibull'; shape: number; scale: number }
  | { dist: 'gamma'; shape: number; mean: number }
  | { dist: 'empirical'; samples: number[] };

/** A parametric family on an unconstrained parameter vector φ. */
export interface Family {
  readonly name: FamilyName;
  /** Names of the natural parameters, in the order `natural` returns them. */
  readonly paramNames: readonly string[];
  /** Natural parameters from φ. */
  natural(phi: readonly number[]): number[];
  logpdf(t: number, phi: readonly number[]): number;
  /** log P(T > t), the contribution of a right-censored observation. */
  logsf(t: number, phi: readonly number[]): number;
  cdf(t: number, phi: readonly number[]): number;
  quantile(p: number, phi: readonly number[]): number;
  mean(phi: readonly number[]): number;
  /** A starting φ from the uncensored times (moments). */
  start(mean: number, sd: number, logMean: number, logSd: number): number[];
  /** The scenario distribution. */
  spec(phi: readonly number[]): DistSpec;
}

const LN2PI_2 = 0.5 * Math.log(2 * Math.PI);

export const exponentialFamily: Family = {
  name: 'exponential',
  paramNames: ['mean'],
  natural: ([lm]) => [Math.exp(lm!)],
  logpdf: (t, [lm]) => -lm! - t / Math.exp(lm!),
  logsf: (t, [lm]) => -t / Math.exp(lm!),
  cdf: (t, [lm]) => -Math.expm1(-t / Math.exp(lm!)),
  quantile: (p, [lm]) => -Math.log1p(-p) * Math.exp(lm!),
  mean: ([lm]) => Math.exp(lm!),
  start: (mean) => [Math.log(mean)],
  spec: ([lm]) => ({ dist: 'exponential', mean: Math.exp(lm!) }),
};

export const lognormalFamily: Family = {
  name: 'lognormal',
  paramNames: ['mu', 'sigma'],
  natural: ([mu, ls]) => [mu!, Math.exp(ls!)],
  logpdf: (t, [mu, ls]) => {
    const s = Math.exp(ls!);
    const z = (Math.log(t) - mu!) / s;
    return -Math.log(t) - ls! - LN2PI_2 - 0.5 * z * z;
  },
  // Φ(−z) keeps precision in the upper tail, where censored observations sit.
  logsf: (t, [mu, ls]) => Math.log(normalCdf(-(Math.log(t) - mu!) / Math.exp(ls!), 0, 1)),
  cdf: (t, [mu, ls]) => (t <= 0 ? 0 : normalCdf((Math.log(t) - mu!) / Math.exp(ls!), 0, 1)),
  quantile: (p, [mu, ls]) => Math.exp(normalQuantile(p, mu!, Math.exp(ls!))),
  mean: ([mu, ls]) => Math.exp(mu! + 0.5 * Math.exp(2 * ls!)),
  start: (_m, _s, logMean, logSd) => [logMean, Math.log(Math.max(logSd, 1e-3))],
  spec: ([mu, ls]) => {
    const s2 = Math.exp(2 * ls!);
    const mean = Math.exp(mu! + s2 / 2);
    return { dist: 'lognormal', mean, sd: mean * Math.sqrt(Math.expm1(s2)) };
  },
};

export const weibullFamily: Family = {
  name: 'weibull',
  paramNames: ['shape', 'scale'],
  natural: ([lk, lsc]) => [Math.exp(lk!), Math.exp(lsc!)],
  logpdf: (t, [lk, lsc]) => {
    const k = Math.exp(lk!);
    const lz = Math.log(t) - lsc!;
    return lk! - lsc! + (k - 1) * lz - Math.exp(k * lz);
  },
  logsf: (t, [lk, lsc]) => -Math.exp(Math.exp(lk!) * (Math.log(t) - lsc!)),
  cdf: (t, [lk, lsc]) => (t <= 0 ? 0 : -Math.expm1(-Math.exp(Math.exp(lk!) * (Math.log(t) - lsc!)))),
  quantile: (p, [lk, lsc]) => Math.exp(lsc!) * Math.pow(-Math.log1p(-p), 1 / Math.exp(lk!)),
  mean: ([lk, lsc]) => Math.exp(lsc! + gammaln(1 + 1 / Math.exp(lk!))),
  // Shape from the coefficient of variation of log t: sd(log T) = π / (k √6).
  start: (_m, _s, logMean, logSd) => {
    const k = Math.PI / (Math.sqrt(6) * Math.max(logSd, 1e-3));
    return [Math.log(k), logMean + 0.5772 / k];
  },
  spec: ([lk, lsc]) => ({ dist: 'weibull', shape: Math.exp(lk!), scale: Math.exp(lsc!) }),
};

export const gammaFamily: Family = {
  name: 'gamma',
  paramNames: ['shape', 'mean'],
  natural: ([lk, lm]) => [Math.exp(lk!), Math.exp(lm!)],
  logpdf: (t, [lk, lm]) => {
    const k = Math.exp(lk!);
    const ltheta = lm! - lk!;
    return (k - 1) * Math.log(t) - t / Math.exp(ltheta) - gammaln(k) - k * ltheta;
  },
  logsf: (t, [lk, lm]) => {
    const k = Math.exp(lk!);
    return Math.log(gammainc(t / Math.exp(lm! - lk!), k, true, true));
  },
  cdf: (t, [lk, lm]) => (t <= 0 ? 0 : gammainc(t / Math.exp(lm! - lk!), Math.exp(lk!), true, false)),
  // stdlib's gamma quantile takes shape α and rate β.
  quantile: (p, [lk, lm]) => gammaQuantile(p, Math.exp(lk!), 1 / Math.exp(lm! - lk!)),
  mean: ([, lm]) => Math.exp(lm!),
  start: (mean, sd) => [Math.log(Math.max((mean * mean) / Math.max(sd * sd, 1e-12), 1e-3)), Math.log(mean)],
  spec: ([lk, lm]) => ({ dist: 'gamma', shape: Math.exp(lk!), mean: Math.exp(lm!) }),
};

/** The family of a name. */
export const FAMILY: Readonly<Record<FamilyName, Family>> = {
  exponential: exponentialFamily,
  lognormal: lognormalFamily,
  weibull: weibullFamily,
  gamma: gammaFamily,
};
