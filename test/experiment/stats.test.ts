import { describe, expect, it } from 'vitest';
import { mser5, pairedTTest, summarize, tCdf, tQuantile, welchTest, welchTTest, wilsonInterval } from '../../src/experiment/stats.js';
import { normalCdf } from '../../src/engine/distributions.js';
import { tCritical } from '../engine/ci.js';
import { meanCi } from '../models/theory.js';

describe('t distribution', () => {
  it('matches table quantiles', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.7764, 4);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.0423, 4);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.2281, 4);
    expect(tCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(tCdf(2.0150, 5)).toBeCloseTo(0.95, 3);
  });
});

describe('summarize', () => {
  it('gives the t-based 95 % interval for n = 5 by hand', () => {
    const s = summarize([1, 2, 3, 4, 5]);
    // sd = sqrt(2.5); half-width = t(0.975, 4) · sd / sqrt(5) = 2.776445 · 1.581139 / 2.236068
    const hw = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.ci95[0]).toBeCloseTo(3 - hw, 5);
    expect(s.ci95[1]).toBeCloseTo(3 + hw, 5);
    expect([s.min, s.max, s.p50]).toEqual([1, 5, 3]);
  });
  it('drops non-finite values and handles n = 1 and n = 0', () => {
    expect(summarize([NaN, 4]).n).toBe(1);
    // One value: a mean but no spread and no interval (NaN, null in JSON), not a zero-width one.
    const one = summarize([4]);
    expect([one.mean, one.min, one.max, one.p50]).toEqual([4, 4, 4, 4]);
    expect(one.ci95.every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(one.sd)).toBe(true);
    // No value: nothing is known, and nothing reads as 0.
    const none = summarize([NaN]);
    expect(none.n).toBe(0);
    for (const k of ['mean', 'sd', 'min', 'max', 'p05', 'p50', 'p95'] as const) expect(Number.isNaN(none[k]), k).toBe(true);
    expect(none.ci95.every(Number.isNaN)).toBe(true);
    expect(JSON.parse(JSON.stringify(summarize([])))).toMatchObject({ n: 0, mean: null, ci95: [null, null] });
  });
});

describe('Wilson interval', () => {
  it('matches hand-computed values', () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    const [lo0, hi0] = wilsonInterval(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12);
  });

  it('is exactly [0, …] at 0 of n and […, 1] at n of n, inside [0, 1] and around p, for n = 1…50', () => {
    const z = 1.959963984540054;
    for (let n = 1; n <= 50; n++) {
      const [lo0, hi0] = wilsonInterval(0, n);
      expect(lo0, `0/${n}`).toBe(0);
      // The closed form at p = 0: upper bound z²/(n + z²).
      expect(hi0, `0/${n}`).toBeCloseTo((z * z) / (n + z * z), 12);
      const [loN, hiN] = wilsonInterval(n, n);
      expect(hiN, `${n}/${n}`).toBe(1);
      expect(loN, `${n}/${n}`).toBeCloseTo(n / (n + z * z), 12);
      for (let k = 0; k <= n; k++) {
        const [lo, hi] = wilsonInterval(k, n);
        expect(lo, `${k}/${n}`).toBeGreaterThanOrEqual(0);
        expect(hi, `${k}/${n}`).toBeLessThanOrEqual(1);
        expect(lo, `${k}/${n}`).toBeLessThanOrEqual(k / n);
        expect(hi, `${k}/${n}`).toBeGreaterThanOrEqual(k / n);
        // Both bounds solve (p − x)² = z² x (1 − x) / n, the score test's boundary.
        const p = k / n;
        for (const x of [lo, hi]) expect((p - x) ** 2 - (z * z * x * (1 - x)) / n, `${k}/${n} at ${x}`).toBeCloseTo(0, 14);
      }
    }
  });
});

describe('two-sample tests', () => {
  it('paired test of a constant shift plus noise', () => {
    const a = [10, 12, 9, 11, 13];
    const b = [11.1, 13, 9.9, 12.1, 14];
    const t = pairedTTest(a, b);
    expect(t.difference).toBeCloseTo(1.02, 10);
    expect(t.p).toBeLessThan(1e-4);
    expect(t.n).toBe(5);
  });
  it('identical runs: difference 0, p = 1', () => {
    expect(pairedTTest([1, 2, 3], [1, 2, 3]).p).toBe(1);
  });
  it('Welch on a textbook pair', () => {
    // Two samples whose means differ by 1 with equal spread: t = 1 / sqrt(2.5/5 + 2.5/5) = 1, df = 8.
    const t = welchTTest([1, 2, 3, 4, 5], [2, 3, 4, 5, 6]);
    expect(t.t).toBeCloseTo(1, 10);
    expect(t.df).toBeCloseTo(8, 10);
    expect(t.p).toBeCloseTo(0.3466, 3);
  });
  it('one Welch implementation: the array form and the summary form (opsim compare) agree exactly', () => {
    const xs = [1, 2, 3, 4, 5];
    const ys = [2, 3.5, 4, 5, 7.25, 8];
    const a = summarize(xs);
    const b = summarize(ys);
    expect(welchTest(a, b)).toEqual(welchTTest(xs, ys));
  });
  it('fewer than two values: no test, no interval', () => {
    const t = welchTTest([1], [2, 3]);
    expect(Number.isNaN(t.p)).toBe(true);
    expect(t.ci95.every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(pairedTTest([], []).difference)).toBe(true);
  });
});

describe('MSER-5', () => {
  it('truncates an obvious initial transient', () => {
    // 40 intervals of transient decaying from 50 to ~0, then 160 of steady noise around 10.
    const xs: number[] = [];
    let u = 12345;
    const noise = (): number => {
      u = (u * 1103515245 + 12345) % 2147483648;
      return u / 2147483648 - 0.5;
    };
    for (let i = 0; i < 40; i++) xs.push(10 + 40 * (1 - i / 40) + noise());
    for (let i = 0; i < 160; i++) xs.push(10 + noise());
    const r = mser5(xs);
    expect(r.reliable).toBe(true);
    expect(r.truncate).toBeGreaterThanOrEqual(30);
    expect(r.truncate).toBeLessThanOrEqual(50);
    expect(r.truncate % 5).toBe(0);
  });
  it('returns an index into the series as given when leading intervals are empty', () => {
    // 10 empty intervals (nothing finished yet), then a transient of 40, then steady noise.
    let u = 777;
    const noise = (): number => {
      u = (u * 1103515245 + 12345) % 2147483648;
      return u / 2147483648 - 0.5;
    };
    const body: number[] = [];
    for (let i = 0; i < 40; i++) body.push(10 + 40 * (1 - i / 40) + noise());
    for (let i = 0; i < 160; i++) body.push(10 + noise());
    const plain = mser5(body);
    expect(plain.truncate).toBeGreaterThan(0);
    const shifted = mser5([...Array.from({ length: 10 }, () => NaN), ...body]);
    expect(shifted.batches).toBe(plain.batches);
    expect(shifted.truncate).toBe(plain.truncate + 10);
    // Empty intervals inside the series count too.
    const holes = [...body.slice(0, 5), NaN, NaN, ...body.slice(5)];
    expect(mser5(holes).truncate).toBe(plain.truncate + 2);
  });
  it('keeps everything when there is no transient', () => {
    expect(mser5(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : -1))).truncate).toBeLessThanOrEqual(5);
  });
});

describe('test helpers use the one Student-t quantile', () => {
  it('meanCi (test/models/theory.ts) uses t(0.975, n − 1) for any n', () => {
    for (const n of [2, 5, 21, 25, 40]) {
      const xs = Array.from({ length: n }, (_, i) => (i * 7) % 5);
      const ci = meanCi(xs);
      expect((ci.hi - ci.mean) / ci.se).toBeCloseTo(tQuantile(0.975, n - 1), 10);
    }
  });
  it('tCritical (test/engine/ci.ts) is the t quantile at the z-score\'s tail probability', () => {
    for (const [z, df] of [[3, 19], [2, 5], [3, 4]] as const) expect(tCritical(z, df)).toBeCloseTo(tQuantile(normalCdf(z), df), 8);
  });
});
