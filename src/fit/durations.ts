/**
 * Fitting a sample of durations: every family by maximum likelihood with censoring, model
 * choice by AIC, and an empirical distribution instead when there are too few observed times
 * to trust a shape.
 */
import { FAMILIES, type DistSpec, type FamilyName } from './families.js';
import { kaplanMeier, kmQuantile, type KmStep } from './kaplan-meier.js';
import { fitFamily, type FamilyFit } from './mle.js';
import { eventCount, type DurationSample } from './sample.js';

/** Options of fitDurations. */
export interface DurationFitOptions {
  /** Fewest observed (uncensored) times for a parametric fit (default 20). */
  minSamples?: number;
  /** Families to try (default all four). */
  families?: readonly FamilyName[];
  /** Most samples kept in an empirical fallback (evenly spaced order statistics; default 200). */
  maxEmpirical?: number;
  /**
   * When the best family by AIC is still further from Kaplan–Meier than the 5 % Kolmogorov–
   * Smirnov critical value and at most this share is censored, write the empirical
   * distribution instead (default 0.1; 0 never switches). With more censoring the empirical
   * distribution would run short, so the family is kept with a warning.
   */
  empiricalIfNoFitBelowCensoring?: number;
}

/** 5 % critical value of the Kolmogorov–Smirnov distance for n observations (asymptotic 1.358/√n). */
export function ksCritical(n: number): number {
  return 1.358 / Math.sqrt(n);
}

/** The outcome of fitting one sample. */
export interface DurationFit {
  n: number;
  events: number;
  censored: number;
  km: KmStep[];
  /** Every family fitted, best AIC first (empty when too few samples). */
  fits: FamilyFit[];
  /** The chosen family, or 'empirical'. */
  chosen: FamilyName | 'empirical';
  /** The scenario distribution to write. */
  spec: DistSpec;
  /** Why the choice was made, for the fragment's comment and the report. */
  reason: string;
  /** Kaplan–Meier median and 90th percentile (null when the curve does not get there). */
  median: number | null;
  p90: number | null;
}

/** Fits the families, picks by AIC, or falls back to the empirical distribution. */
export function fitDurations(s: DurationSample, opts: DurationFitOptions = {}): DurationFit {
  const minSamples = opts.minSamples ?? 20;
  const km = kaplanMeier(s);
  const events = eventCount(s);
  const base = { n: s.times.length, events, censored: s.times.length - events, km, median: kmQuantile(km, 0.5), p90: kmQuantile(km, 0.9) };
  const distinct = new Set(s.times.filter((_, i) => !s.censored[i])).size;
  if (events < minSamples || distinct < 2) {
    return {
      ...base,
      fits: [],
      chosen: 'empirical',
      spec: empiricalSpec(s, opts.maxEmpirical ?? 200),
      reason: `only ${events} observed durations (fewer than ${minSamples}): no family fitted, empirical distribution of the observed times${base.censored > 0 ? ` (${base.censored} censored left out, so it runs short)` : ''}`,
    };
  }
  const fits = (opts.families ?? FAMILIES).map((f) => fitFamily(f, s, km)).filter((f) => Number.isFinite(f.aic));
  fits.sort((a, b) => a.aic - b.aic);
  const best = fits[0];
  if (best === undefined) {
    return { ...base, fits, chosen: 'empirical', spec: empiricalSpec(s, opts.maxEmpirical ?? 200), reason: 'no family could be fitted: empirical distribution' };
  }
  const second = fits[1];
  const margin = second !== undefined ? second.aic - best.aic : Infinity;
  const why = `lowest AIC${second !== undefined ? ` (${margin.toFixed(1)} below ${second.family}${margin < 2 ? ', not a clear win' : ''})` : ''}; KS distance to Kaplan–Meier ${best.ks.toFixed(3)}`;
  const critical = ksCritical(events);
  if (best.ks > critical) {
    const limit = opts.empiricalIfNoFitBelowCensoring ?? 0.1;
    const share = base.censored / base.n;
    const misfit = `no family fits: the best by AIC, ${best.family}, is ${best.ks.toFixed(3)} from Kaplan–Meier, over the 5 % KS critical value ${critical.toFixed(3)} for n = ${events}`;
    if (share <= limit && limit > 0) {
      return { ...base, fits, chosen: 'empirical', spec: empiricalSpec(s, opts.maxEmpirical ?? 200), reason: `${misfit}: empirical distribution of the observed times` };
    }
    return { ...base, fits, chosen: best.family, spec: best.spec, reason: `${why}; ${misfit}, kept because ${(100 * share).toFixed(0)} % are censored and the empirical would run short` };
  }
  return { ...base, fits, chosen: best.family, spec: best.spec, reason: why };
}

/** The observed (uncensored) times, thinned to at most `max` evenly spaced order statistics. */
export function empiricalSpec(s: DurationSample, max: number): DistSpec {
  const obs = s.times.filter((_, i) => !s.censored[i]).sort((a, b) => a - b);
  if (obs.length <= max) return { dist: 'empirical', samples: obs };
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(obs[Math.round(((i + 0.5) / max) * obs.length - 0.5)]!);
  return { dist: 'empirical', samples: out };
}
