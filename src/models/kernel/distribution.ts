/**
 * Turns a scenario's random-duration spec into an engine Distribution. Plain numbers are
 * fixed durations (the scenario layer has already converted "2m" to 120).
 */
import { deterministic, empirical, exponential, gamma, lognormal, normal, triangular, uniform, weibull, type Distribution, type Rng } from '../../engine/index.js';
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

/**
 * A draw of `dist` (made from `spec` by distributionFromSpec) with stream `rng` that stores
 * the value in `out[0]` instead of returning it, for a hot path whose call site serves
 * several pools. There `dist.sample(rng)` sees several kinds of distribution, so V8 neither
 * inlines it nor keeps its double result unboxed: a heap number per draw. Each kind gets a
 * function literal of its own here, so inside each the call to `sample` sees one kind only
 * and is inlined, and the call to the returned function passes no double (same draws, same
 * values: it only calls `dist.sample`).
 */
export function drawInto(spec: DurationDistSpec, dist: Distribution, rng: Rng, out: Float64Array): () => void {
  if (typeof spec === 'number') return () => void (out[0] = dist.sample(rng));
  switch (spec.dist) {
    case 'exponential':
      return () => void (out[0] = dist.sample(rng));
    case 'deterministic':
      return () => void (out[0] = dist.sample(rng));
    case 'uniform':
      return () => void (out[0] = dist.sample(rng));
    case 'triangular':
      return () => void (out[0] = dist.sample(rng));
    case 'normal':
      return () => void (out[0] = dist.sample(rng));
    case 'lognormal':
      return () => void (out[0] = dist.sample(rng));
    case 'weibull':
      return () => void (out[0] = dist.sample(rng));
    case 'gamma':
      return () => void (out[0] = dist.sample(rng));
    case 'empirical':
      return () => void (out[0] = dist.sample(rng));
  }
}
