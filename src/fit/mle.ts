/**
 * Maximum-likelihood fit of one family to right-censored durations: observed times contribute
 * their density, censored ones their survival. Wald 95 % intervals come from the observed
 * information (the inverse Hessian) on the unconstrained scale, so a positive parameter's
 * interval stays positive.
 */
import { FAMILY, type DistSpec, type Family, type FamilyName } from './families.js';
import { gradient, hessian, invertSmall, nelderMead } from './optimise.js';
import { eventCount, moments, type DurationSample } from './sample.js';
import { kaplanMeier, type KmStep } from './kaplan-meier.js';

/** A value with its 95 % interval. */
export interface Estimate {
  value: number;
  lower: number;
  upper: number;
}

/** One family fitted to a sample. */
export interface FamilyFit {
  family: FamilyName;
  /** Unconstrained parameters at the maximum. */
  phi: number[];
  /** Natural parameters with intervals, by name (e.g. shape, scale). */
  params: Record<string, Estimate>;
  /** Fitted mean with its interval. */
  mean: Estimate;
  /** The scenario distribution, and an interval for each of its numeric fields. */
  spec: DistSpec;
  specIntervals: Record<string, Estimate>;
  logLik: number;
  aic: number;
  /** Kolmogorov–Smirnov distance between the fitted CDF and the Kaplan–Meier estimate. */
  ks: number;
  /** False when the optimiser stopped without converging or the information was singular (no intervals then). */
  converged: boolean;
}

const Z95 = 1.959964;

/** Log-likelihood of φ for a family on a sample. */
export function logLikelihood(f: Family, s: DurationSample, phi: readonly number[]): number {
  let ll = 0;
  for (let i = 0; i < s.times.length; i++) ll += s.censored[i] ? f.logsf(s.times[i]!, phi) : f.logpdf(s.times[i]!, phi);
  return ll;
}

/** Fits one family by maximum likelihood. The sample needs at least two distinct observed times. */
export function fitFamily(name: FamilyName, s: DurationSample, km: readonly KmStep[] = kaplanMeier(s)): FamilyFit {
  const f = FAMILY[name];
  const m = moments(s);
  const nll = (phi: number[]): number => -logLikelihood(f, s, phi);
  let min = nelderMead(nll, f.start(m.mean, m.sd, m.logMean, m.logSd));
  // A restart from the first optimum guards against a simplex collapsed early.
  min = nelderMead(nll, min.x, { step: 0.1 });
  const phi = min.x;
  const cov = invertSmall(hessian(nll, phi));
  const interval = (g: (p: number[]) => number, positive: boolean): Estimate => {
    const value = g(phi);
    if (cov === null) return { value, lower: NaN, upper: NaN };
    const h = positive ? (p: number[]) => Math.log(g(p)) : g;
    const grad = gradient(h, phi);
    let v = 0;
    for (let i = 0; i < grad.length; i++) for (let j = 0; j < grad.length; j++) v += grad[i]! * cov[i]![j]! * grad[j]!;
    const se = Math.sqrt(Math.max(v, 0));
    const c = h(phi);
    return positive ? { value, lower: Math.exp(c - Z95 * se), upper: Math.exp(c + Z95 * se) } : { value, lower: c - Z95 * se, upper: c + Z95 * se };
  };
  const params: Record<string, Estimate> = {};
  f.paramNames.forEach((p, i) => {
    params[p] = interval((x) => f.natural(x)[i]!, !(name === 'lognormal' && p === 'mu'));
  });
  const spec = f.spec(phi);
  const specIntervals: Record<string, Estimate> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (typeof v === 'number') specIntervals[k] = interval((x) => (f.spec(x) as unknown as Record<string, number>)[k]!, true);
  }
  const logLik = -min.fx;
  return {
    family: name,
    phi,
    params,
    mean: interval((x) => f.mean(x), true),
    spec,
    specIntervals,
    logLik,
    aic: 2 * phi.length - 2 * logLik,
    ks: ksDistance(f, phi, km),
    converged: min.converged && cov !== null,
  };
}

/** sup |F(t) − F_KM(t)| over the Kaplan–Meier steps (both sides of each jump). */
export function ksDistance(f: Family, phi: readonly number[], km: readonly KmStep[]): number {
  let d = 0;
  let before = 0;
  for (const s of km) {
    const F = f.cdf(s.t, phi);
    const after = 1 - s.survival;
    d = Math.max(d, Math.abs(F - before), Math.abs(F - after));
    before = after;
  }
  return d;
}

export { eventCount };
