/**
 * The pool draws a service time without a boxed double: an exponential one in place, with the
 * engine's formula, any other kind through drawInto. Both must give exactly the values
 * `Distribution.sample` gives from the same stream (the pins depend on it).
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/index.js';
import { distributionFromSpec, drawInto } from '../../../src/models/kernel/distribution.js';
import type { DurationDistSpec } from '../../../src/scenario/schema/distribution.js';

const twoStreams = (): [ReturnType<RandomStreams['stream']>, ReturnType<RandomStreams['stream']>] => [
  new RandomStreams(7, 3).stream('s'),
  new RandomStreams(7, 3).stream('s'),
];

describe('service-time draws', () => {
  it("the pool's in-place exponential draw is the engine's exponential sample, value for value", () => {
    for (const mean of [0.2, 0.08, 1 / 3, 600]) {
      const dist = distributionFromSpec({ dist: 'exponential', mean });
      const [a, b] = twoStreams();
      for (let i = 0; i < 2000; i++) expect(-Math.log(1 - a.next()) * dist.mean).toBe(dist.sample(b));
    }
  });

  it('drawInto stores exactly what sample returns, for every kind', () => {
    const specs: DurationDistSpec[] = [
      0.5,
      { dist: 'exponential', mean: 0.2 },
      { dist: 'deterministic', value: 3 },
      { dist: 'uniform', min: 0.1, max: 1 },
      { dist: 'triangular', min: 1, mode: 2, max: 4 },
      { dist: 'normal', mean: 1, sd: 0.3 },
      { dist: 'lognormal', mean: 0.6, sd: 0.4 },
      { dist: 'weibull', shape: 1.5, scale: 2 },
      { dist: 'gamma', shape: 2, mean: 0.3 },
      { dist: 'empirical', samples: [1, 2, 2, 5] },
    ];
    for (const spec of specs) {
      const dist = distributionFromSpec(spec);
      const [a, b] = twoStreams();
      const out = new Float64Array(1);
      const draw = drawInto(spec, dist, a, out);
      for (let i = 0; i < 500; i++) {
        draw();
        expect(out[0]).toBe(dist.sample(b));
      }
    }
  });
});
