/**
 * How a scenario writes a random duration. Either a plain duration ("2m": always two
 * minutes) or an object naming the distribution, e.g. `{ dist: lognormal, mean: 4h, sd: 2h }`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration } from '../units.js';

/** Schema options carrying only a description. */
const doc = (description: string): { description: string } => ({ description });

export const ExponentialDist = Type.Object(
  { dist: Type.Literal('exponential', doc('Distribution name.')), mean: Duration({ ...doc('Mean duration (1/rate).'), exclusiveMinimum: true }) },
  { additionalProperties: false, description: 'Exponential (memoryless) durations.' },
);
export const DeterministicDist = Type.Object(
  { dist: Type.Literal('deterministic', doc('Distribution name.')), value: Duration(doc('The fixed duration.')) },
  { additionalProperties: false, description: 'Always the same duration.' },
);
export const UniformDist = Type.Object(
  { dist: Type.Literal('uniform', doc('Distribution name.')), min: Duration(doc('Smallest duration.')), max: Duration(doc('Largest duration.')) },
  { additionalProperties: false, description: 'Uniform between min and max.' },
);
export const TriangularDist = Type.Object(
  {
    dist: Type.Literal('triangular', doc('Distribution name.')),
    min: Duration(doc('Smallest duration.')),
    mode: Duration(doc('Most likely duration.')),
    max: Duration(doc('Largest duration.')),
  },
  { additionalProperties: false, description: 'Triangular (min, most likely, max): the usual three-point estimate.' },
);
export const NormalDist = Type.Object(
  { dist: Type.Literal('normal', doc('Distribution name.')), mean: Duration(doc('Mean duration.')), sd: Duration(doc('Standard deviation.')) },
  { additionalProperties: false, description: 'Normal, truncated at zero so a duration is never negative.' },
);
export const LognormalDist = Type.Object(
  {
    dist: Type.Literal('lognormal', doc('Distribution name.')),
    mean: Duration({ ...doc('Mean duration.'), exclusiveMinimum: true }),
    sd: Duration(doc('Standard deviation of the duration.')),
  },
  { additionalProperties: false, description: 'Lognormal, given the mean and standard deviation of the duration (the usual shape of repair times).' },
);
export const WeibullDist = Type.Object(
  {
    dist: Type.Literal('weibull', doc('Distribution name.')),
    shape: Type.Number({ exclusiveMinimum: 0, description: 'Shape k (< 1: decreasing hazard, 1: exponential, > 1: wear-out).' }),
    scale: Duration({ ...doc('Scale λ.'), exclusiveMinimum: true }),
  },
  { additionalProperties: false, description: 'Weibull with shape and scale.' },
);
export const GammaDist = Type.Object(
  {
    dist: Type.Literal('gamma', doc('Distribution name.')),
    shape: Type.Number({ exclusiveMinimum: 0, description: 'Shape k.' }),
    mean: Duration({ ...doc('Mean duration (k·θ).'), exclusiveMinimum: true }),
  },
  { additionalProperties: false, description: 'Gamma with shape k and the given mean (Erlang when k is an integer).' },
);
export const EmpiricalDist = Type.Object(
  {
    dist: Type.Literal('empirical', doc('Distribution name.')),
    samples: Type.Array(Duration(doc('One observed duration.')), { minItems: 1, description: 'Observed durations, resampled with equal probability.' }),
  },
  { additionalProperties: false, description: 'Resamples observed durations.' },
);

/** A random duration: a plain duration, or one of the named distributions. */
export const DurationDist = Type.Union(
  [Duration(doc('A fixed duration.')), ExponentialDist, DeterministicDist, UniformDist, TriangularDist, NormalDist, LognormalDist, WeibullDist, GammaDist, EmpiricalDist],
  { title: 'Random duration', description: 'A random duration: a plain duration such as "2m", or { dist: exponential | deterministic | uniform | triangular | normal | lognormal | weibull | gamma | empirical, ... }.' },
);
export type DurationDistSpec = Static<typeof DurationDist>;
