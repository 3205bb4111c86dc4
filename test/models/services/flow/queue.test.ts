/** The flow runtime's formulas: Poisson counts, regimes at the edge of stability, the capped-backlog wait. */
import { describe, expect, it } from 'vitest';
import { RandomStreams, exponential, lognormal } from '../../../../src/engine/index.js';
import { fluidRegime, poisson, serviceShape, stationaryRegime } from '../../../../src/models/services/flow/queue.js';
import { mmcW } from '../../../../src/theory/queueing.js';

describe('flow queue formulas', () => {
  it('Poisson counts have mean and variance λ, below and above the switch to PTRS', () => {
    const rng = new RandomStreams('q', 0).stream('poisson');
    for (const lam of [0.7, 12, 45, 900]) {
      const n = 20_000;
      const xs = Array.from({ length: n }, () => poisson(lam, rng));
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - lam), `λ = ${lam}`).toBeLessThan(3 * Math.sqrt(lam / n));
      // Var of the sample variance ≈ (2λ² + λ)/n for a Poisson.
      expect(Math.abs(v - lam), `λ = ${lam}`).toBeLessThan(3 * Math.sqrt((2 * lam * lam + lam) / n));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
  });

  it('a stationary regime right at the edge of stability does not throw and keeps M/M/c mean', () => {
    const shape = serviceShape(exponential(1), new RandomStreams('q', 0).stream('s'));
    const r = stationaryRegime(shape, 1, 4, 4 * (1 - 1e-12), 1, 0, 0);
    expect(Number.isFinite(r.okMean)).toBe(true);
    const ok = stationaryRegime(shape, 1, 4, 3.2, 1, 0, 0);
    expect(ok.okMean).toBeCloseTo(mmcW(4, 3.2, 1), 10);
  });

  it('the tabulated shape keeps the service mean; a capped backlog waits just below the timeout', () => {
    const shape = serviceShape(lognormal(2, 1.2), new RandomStreams('q', 0).stream('s'));
    const idle = stationaryRegime(shape, 1, 4, 1e-9, 1, 0, 0);
    expect(idle.okMean).toBeCloseTo(2, 6);
    // Capped at T = 10 s with back-off rate 0.5/s: the wait is 10 − Exp(0.5) truncated to [0, 10].
    const r = fluidRegime(serviceShape(exponential(5), new RandomStreams('q', 0).stream('e')), 1, 10, 10, 0.5);
    const backMean = 1 / 0.5 - (10 * Math.exp(-5)) / (1 - Math.exp(-5));
    expect(r.waitMean).toBeCloseTo(10 - backMean, 9);
    // Most of what is served finishes before the timeout: P(R ≤ 10) = P(X ≥ S), X ~ Exp(0.5)
    // truncated to [0, 10], S ~ Exp(5): (5/5.5 − e⁻⁵)/(1 − e⁻⁵) = 0.90848 (the table's grid: ±0.005).
    expect(r.okFraction).toBeCloseTo((5 / 5.5 - Math.exp(-5)) / (1 - Math.exp(-5)), 2);
  });
});
