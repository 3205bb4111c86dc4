/** Samples drawn with opsim's own distributions, with independent uniform censoring. */
import type { Distribution } from '../../src/engine/distributions.js';
import { RandomStreams } from '../../src/engine/random.js';
import type { DurationSample } from '../../src/fit/sample.js';

/**
 * n draws of `d`; each is censored by an independent Uniform(0, L) time, L chosen (by bisection
 * on these draws) so that about `censorFraction` of them are censored.
 */
export function censoredSample(d: Distribution, n: number, censorFraction: number, seed: string): DurationSample {
  const streams = new RandomStreams(seed, 0);
  const rng = streams.stream('durations');
  const crng = streams.stream('censoring');
  const t = Array.from({ length: n }, () => d.sample(rng));
  const u = Array.from({ length: n }, () => crng.next());
  if (censorFraction <= 0) return { times: t, censored: t.map(() => false) };
  const frac = (L: number): number => t.filter((x, i) => u[i]! * L < x).length / n;
  let lo = 0;
  let hi = Math.max(...t) * 1e3;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (frac(mid) > censorFraction) lo = mid;
    else hi = mid;
  }
  const L = hi;
  return { times: t.map((x, i) => Math.min(x, u[i]! * L)), censored: t.map((x, i) => u[i]! * L < x) };
}
