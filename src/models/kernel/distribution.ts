/**
 * Turns a scenario's random-duration spec into an engine Distribution. Plain numbers are
 * fixed durations (the scenario layer has already converted "2m" to 120).
 */
import { deterministic, empirical, exponential, gamma, lognormal, normal, triangular, uniform, weibull, type Distribution } from '../../engine/index.js';
import type { DurationDistSpec } from '../../scenario/schema/distribution.js';

/** The engine distribution a DurationDist field describes. */
export function distributionFromSpec(spec: DurationDistSpec): Distribution {
  if (typeof spec === 'number') return deterministic(spec);
  switch (spec.dist) {
    case 'exponential':
      return exponential(1 / spec.mean);
    case 'deterministic':
      return deterministic(spec.value);
    case 'uniform':
      return uniform(spec.min, spec.max);
    case 'triangular':
      return triangular(spec.min, spec.mode, spec.max);
    case 'normal':
      // Durations are never negative: truncate at zero (the schema's promise).
      return normal(spec.mean, spec.sd, { min: 0 });
    case 'lognormal':
      return lognormal(spec.mean, spec.sd);
    case 'weibull':
      return weibull(spec.shape, spec.scale);
    case 'gamma':
      return gamma(spec.shape, spec.mean / spec.shape);
    case 'empirical':
      return empirical(spec.samples);
  }
}
