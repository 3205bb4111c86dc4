/**
 * Streaming statistics against theory: HDR-histogram quantiles of exponential samples
 * against the analytic quantiles (with the sampling error of a quantile estimate), batch-means
 * intervals that cover the true mean at about their nominal rate, Welford's tally against
 * the two-pass formulas, and time-weighted averages on a hand-made path.
 */
import { describe, expect, it } from 'vitest';
import { BatchMeans, Quantiles, RandomStreams, Tally, TimeWeighted, exponential, normal } from '../../src/engine/index.js';

describe('Quantiles (hdr-histogram-js)', () => {
  it('quantiles of exponential samples match −ln(1 − p)/λ within sampling error', () => {
    const rate = 2;
    const n = 200_000;
    const rng = new RandomStreams(11, 0).stream('q');
    const d = exponential(rate);
    const q = new Quantiles();
    for (let i = 0; i < n; i++) q.add(d.sample(rng));
    expect(q.count).toBe(n);
    for (const p of [0.5, 0.9, 0.95, 0.99]) {
      const x = -Math.log(1 - p) / rate;
      const density = rate * Math.exp(-rate * x);
      // Standard error of a sample quantile, plus the histogram's 0.1 % resolution.
      const se = Math.sqrt((p * (1 - p)) / n) / density;
      expect(Math.abs(q.quantile(p) - x), `p = ${p}`).toBeLessThan(4 * se + 1e-3 * x);
    }
  });

  it('reset forgets everything; an empty histogram has no quantile', () => {
    const q = new Quantiles();
    q.add(1);
    q.reset();
    expect(q.count).toBe(0);
    expect(q.quantile(0.5)).toBeNaN();
  });
});

describe('BatchMeans', () => {
  it('95 % intervals from one run cover the true mean in about 95 % of runs', () => {
    const runs = 300;
    let covered = 0;
    for (let r = 0; r < runs; r++) {
      const rng = new RandomStreams(5, r).stream('bm');
      const d = normal(10, 3);
      const bm = new BatchMeans(100);
      for (let i = 0; i < 2_000; i++) bm.add(d.sample(rng));
      const { mean, halfWidth, batches } = bm.interval();
      expect(batches).toBe(20);
      if (Math.abs(mean - 10) <= halfWidth) covered++;
    }
    // Binomial(300, 0.95): mean 285, sd 3.8; ±4 sd.
    expect(covered).toBeGreaterThanOrEqual(270);
    expect(covered).toBeLessThanOrEqual(299);
  });

  it('needs two complete batches for an interval', () => {
    const bm = new BatchMeans(10);
    for (let i = 0; i < 15; i++) bm.add(i);
    expect(bm.interval().halfWidth).toBeNaN();
    expect(() => new BatchMeans(0)).toThrow(/batchSize/);
  });
});

describe('Tally and TimeWeighted', () => {
  it("Welford's running moments equal the two-pass formulas", () => {
    const xs = [3.5, 1e9 + 1, 1e9 + 2, -7, 0.25, 42];
    const t = new Tally();
    for (const x of xs) t.add(x);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
    expect(t.mean).toBeCloseTo(m, 6);
    expect(t.variance / v).toBeCloseTo(1, 9);
    expect(t.min).toBe(-7);
    expect(t.max).toBe(1e9 + 2);
  });

  it('time average of a step path', () => {
    const tw = new TimeWeighted(0, 0);
    tw.update(2, 4); // 0 on [0, 2), 4 on [2, 5), 1 on [5, 10)
    tw.update(5, 1);
    expect(tw.mean(10)).toBeCloseTo((0 * 2 + 4 * 3 + 1 * 5) / 10, 12);
    expect(tw.integral(10)).toBeCloseTo(17, 12);
    expect(tw.max).toBe(4);
    tw.reset(10);
    expect(tw.mean(20)).toBe(1);
  });
});
