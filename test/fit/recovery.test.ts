/**
 * Recovery: samples drawn with opsim's own distributions and known parameters, 30 % of them
 * right-censored, are fitted back: the true parameters lie inside the fitted 95 % intervals,
 * and AIC picks the family they were drawn from in the clear cases.
 */
import { describe, expect, it } from 'vitest';
import { gamma, lognormal, weibull, exponential } from '../../src/engine/distributions.js';
import { fitDurations } from '../../src/fit/durations.js';
import { fitFamily } from '../../src/fit/mle.js';
import { kaplanMeier } from '../../src/fit/kaplan-meier.js';
import { censoredSample } from './helpers.js';

const inside = (e: { lower: number; upper: number }, truth: number): void => {
  expect(e.lower).toBeLessThanOrEqual(truth);
  expect(e.upper).toBeGreaterThanOrEqual(truth);
};

describe('maximum likelihood with 30 % right-censoring recovers known parameters', () => {
  const N = 1500;
  it.each([
    [0.5, 3600],
    [1.5, 7200],
  ])('Weibull shape %s, scale %s s', (shape, scale) => {
    const s = censoredSample(weibull(shape, scale), N, 0.3, `weibull-${shape}`);
    const cens = s.censored.filter(Boolean).length / N;
    expect(cens).toBeGreaterThan(0.27);
    expect(cens).toBeLessThan(0.33);
    const r = fitDurations(s);
    expect(r.chosen).toBe('weibull');
    const w = r.fits.find((f) => f.family === 'weibull')!;
    inside(w.params['shape']!, shape);
    inside(w.params['scale']!, scale);
    // The intervals are informative, not vacuous.
    expect(w.params['shape']!.upper / w.params['shape']!.lower).toBeLessThan(1.25);
  });

  it('lognormal mean 4 h, sd 6 h', () => {
    const mean = 4 * 3600;
    const sd = 6 * 3600;
    const s = censoredSample(lognormal(mean, sd), N, 0.3, 'lognormal');
    const r = fitDurations(s);
    expect(r.chosen).toBe('lognormal');
    const f = r.fits.find((x) => x.family === 'lognormal')!;
    inside(f.specIntervals['mean']!, mean);
    inside(f.specIntervals['sd']!, sd);
    const sigma = Math.sqrt(Math.log(1 + (sd * sd) / (mean * mean)));
    inside(f.params['sigma']!, sigma);
    inside(f.params['mu']!, Math.log(mean) - (sigma * sigma) / 2);
  });

  it('gamma shape 3, mean 2 h', () => {
    const s = censoredSample(gamma(3, 2400), N, 0.3, 'gamma');
    const r = fitDurations(s);
    const f = r.fits.find((x) => x.family === 'gamma')!;
    inside(f.params['shape']!, 3);
    inside(f.params['mean']!, 7200);
    // Gamma(3) and Weibull(~1.8) are close; AIC must at least not prefer the wrong tail shapes.
    expect(['gamma', 'weibull']).toContain(r.chosen);
    expect(f.aic).toBeLessThan(r.fits.find((x) => x.family === 'exponential')!.aic);
    expect(f.aic).toBeLessThan(r.fits.find((x) => x.family === 'lognormal')!.aic);
  });

  it('ignoring censoring would be biased; the censored fit is not', () => {
    const s = censoredSample(exponential(1 / 3600), N, 0.3, 'exp');
    const f = fitFamily('exponential', s);
    inside(f.params['mean']!, 3600);
    const naive = fitFamily('exponential', { times: s.times, censored: s.censored.map(() => false) });
    expect(naive.params['mean']!.upper).toBeLessThan(3600);
  });

  it('95 % intervals of the Weibull shape cover the truth about 95 % of the time (40 samples of 300)', () => {
    let covered = 0;
    for (let k = 0; k < 40; k++) {
      const s = censoredSample(weibull(0.5, 3600), 300, 0.3, `coverage-${k}`);
      const e = fitFamily('weibull', s).params['shape']!;
      if (e.lower <= 0.5 && 0.5 <= e.upper) covered++;
    }
    // Binomial(40, 0.95): 34 or more with probability 0.99.
    expect(covered).toBeGreaterThanOrEqual(34);
  });

  it('Kaplan–Meier without censoring is one minus the empirical CDF', () => {
    const km = kaplanMeier({ times: [1, 2, 2, 3], censored: [false, false, false, false] });
    expect(km.map((s) => s.survival)).toEqual([0.75, 0.25, 0]);
    const kmc = kaplanMeier({ times: [1, 2, 3, 4], censored: [false, true, false, false] });
    // After the censoring at 2, two remain at risk: S(3) = 0.75 · 1/2.
    expect(kmc.map((s) => s.survival)).toEqual([0.75, 0.375, 0]);
  });

  it('too few samples: empirical, and the reason says so', () => {
    const s = censoredSample(weibull(1.5, 60), 12, 0, 'few');
    const r = fitDurations(s);
    expect(r.chosen).toBe('empirical');
    expect(r.reason).toMatch(/only 12 observed durations \(fewer than 20\)/);
    expect(r.spec).toEqual({ dist: 'empirical', samples: [...s.times].sort((a, b) => a - b) });
  });
});
