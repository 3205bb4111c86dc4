/**
 * The response-time histograms over every duration opsim models: request latencies in
 * microseconds, recoveries in days, incidents resolved in months. The error bounds are the
 * promised ones (results-format.md: ≤ 0.4 % for the run's percentiles, ≤ 3.2 % for windows and
 * intervals), checked exactly on deterministic samples, and through a simulated station
 * against theory (confidence interval over replications). Past the top, a quantile is an
 * error, never a number.
 */
import { describe, expect, it } from 'vitest';
import { COARSE, LogHistogram, RESPONSE_TIME_TOP, SlidingWindow } from '../../../src/models/services/histogram.js';
import { MAX_HORIZON } from '../../../src/scenario/schema/meta.js';
import { meanSe, replicate, scenario } from '../helpers.js';

const DAY = 86_400;
const FINE = LogHistogram.buckets;
const QS = [0.001, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

/** n points of a distribution at its quantiles (i + 0.5) / n: a deterministic sample of it. */
function sampleOf(quantile: (p: number) => number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => quantile((i + 0.5) / n));
}

/** The sample's own q-quantile: the smallest value with at least a share q at or below it (the histograms' rank). */
function sampleQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

/** Largest relative error of the fine (run) and coarse (window) quantiles of `xs` over QS. */
function worstErrors(xs: readonly number[]): { fine: number; coarse: number } {
  const h = new LogHistogram();
  const coarse = new Array<number>(COARSE.size).fill(0);
  for (const x of xs) {
    h.add(x);
    coarse[COARSE.index(x)]++;
  }
  const sorted = [...xs].sort((a, b) => a - b);
  let fine = 0;
  let c = 0;
  for (const q of QS) {
    const exact = sampleQuantile(sorted, q);
    fine = Math.max(fine, Math.abs(h.quantile(q) / exact - 1));
    c = Math.max(c, Math.abs(COARSE.quantile(coarse, xs.length, q) / exact - 1));
  }
  return { fine, coarse: c };
}

describe('response-time histograms over every duration', () => {
  it('read quantiles of distributions with mass far beyond 12 days within the promised error', () => {
    const samples: Record<string, number[]> = {
      // Times to resolve like the ServiceNow sample's: Weibull shape 0.52, scale 3 days (p99 ≈ 4 months, p99.9 ≈ 1 year).
      'weibull incidents': sampleOf((p) => 3 * DAY * (-Math.log1p(-p)) ** (1 / 0.52), 20_000),
      // A month on average (p95 ≈ 90 days).
      'exponential month': sampleOf((p) => -30 * DAY * Math.log1p(-p), 20_000),
      // Request latencies to multi-year outages in one sample: log-uniform from 1 µs to 10 years.
      'log-uniform µs to years': sampleOf((p) => 1e-6 * (10 * 365.25 * DAY * 1e6) ** p, 20_000),
    };
    for (const [name, xs] of Object.entries(samples)) {
      expect(xs.some((x) => x > 12 * DAY), name).toBe(true);
      const e = worstErrors(xs);
      // Half a bucket: 2^-8 of an octave's start (128 buckets per octave), 2^-5 for 16.
      expect(e.fine, name).toBeLessThanOrEqual(2 ** -8);
      expect(e.coarse, name).toBeLessThanOrEqual(2 ** -5);
    }
    // 0.4 % and 3.2 %, as results-format.md says, are those bounds rounded up.
    expect(2 ** -8).toBeLessThan(0.004);
    expect(2 ** -5).toBeLessThan(0.032);
  });

  it('values below the old top (2^20 s) keep the buckets and readings they had', () => {
    // The bucket of x from its binary octave and the first 7 bits of its fraction, written
    // without the number of octaves: the layout before the top moved, for x in [2^-20, 2^20).
    const oldIndex = (x: number): number => {
      const e = Math.floor(Math.log2(x));
      const e2 = 2 ** e > x ? e - 1 : 2 ** (e + 1) <= x ? e + 1 : e;
      return ((e2 + 20) << 7) | Math.floor((x / 2 ** e2 - 1) * 128);
    };
    const oldMidpoint = (i: number): number => 2 ** ((i >>> 7) - 20) * (1 + ((i & 127) + 0.5) / 128);
    const xs = [2 ** -20, 2 ** 20 * (1 - 2 ** -52), 1, 0.2, 10, 3600, 86_400, 12 * DAY, ...sampleOf((p) => 2 ** (-20 + 40 * p), 10_000)];
    for (const x of xs) {
      const i = FINE.index(x);
      expect(i, String(x)).toBe(oldIndex(x));
      expect(i, String(x)).toBeLessThan(40 << 7);
      expect(FINE.midpoint(i)).toBe(oldMidpoint(i));
    }
  });

  it('reaches above the longest horizon a scenario may have, so no valid run gets past it', () => {
    expect(RESPONSE_TIME_TOP).toBe(2 ** 32);
    expect(RESPONSE_TIME_TOP).toBeGreaterThan(MAX_HORIZON);
    // The last bucket below the top reads its value within 0.4 %.
    const h = new LogHistogram();
    h.add(MAX_HORIZON);
    expect(Math.abs(h.quantile(0.5) / MAX_HORIZON - 1)).toBeLessThanOrEqual(2 ** -8);
    const last = RESPONSE_TIME_TOP * (1 - 2 ** -52);
    expect(FINE.index(last)).toBe(FINE.overflow - 1);
    expect(Math.abs(FINE.midpoint(FINE.index(last)) / last - 1)).toBeLessThanOrEqual(2 ** -8);
  });

  it('a quantile at or above the top is an error naming it, not a number; those below it still read', () => {
    for (const beyond of [RESPONSE_TIME_TOP, 1e12, Infinity, NaN]) {
      expect(FINE.index(beyond)).toBe(FINE.overflow);
      expect(COARSE.index(beyond)).toBe(COARSE.overflow);
    }
    const h = new LogHistogram();
    for (let i = 0; i < 98; i++) h.add(60);
    h.add(RESPONSE_TIME_TOP);
    h.add(1e12);
    expect(Math.abs(h.quantile(0.95) / 60 - 1)).toBeLessThanOrEqual(2 ** -8);
    expect(() => h.quantile(0.99)).toThrow(/top of opsim's histogram/);
    // The windows' merge and the interval series' coarse counts say the same.
    const w = new SlidingWindow();
    for (let i = 0; i < 98; i++) w.addOk(i, COARSE.index(60));
    w.addOk(98, COARSE.index(RESPONSE_TIME_TOP));
    w.addOk(99, COARSE.index(RESPONSE_TIME_TOP));
    expect(Math.abs(w.latencyQuantile(100, 300, 0.95) / 60 - 1)).toBeLessThanOrEqual(2 ** -5);
    expect(() => w.latencyQuantile(100, 300, 0.99)).toThrow(/top of opsim's histogram/);
    const counts = new Array<number>(COARSE.size).fill(0);
    counts[COARSE.index(60)] = 98;
    counts[COARSE.overflow] = 2;
    expect(() => COARSE.quantile(counts, 100, 0.99)).toThrow(/top of opsim's histogram/);
  });

  it('a station whose times run to months reports their percentiles (M/G/∞, exponential, mean 30 days)', () => {
    // Every request holds a server for its service time and never waits, so the response
    // time is exponential with mean 30 d: p50 = 30 d ln 2, p95 = 30 d ln 20, p99 = 30 d ln 100.
    // The warm-up (10 means) lets everything that started before it finish: what ends in the
    // measured 60 days is a sample of the whole distribution (P(S > 300 d) = e^-10).
    const s = scenario({
      name: 'months',
      horizon: 360 * DAY,
      warmup: 300 * DAY,
      interval: DAY,
      load: [{ name: 'incidents', service: 'resolution', rate: 2 / 3600 }],
      services: [{ name: 'resolution', servers: 5000, serviceTime: { dist: 'exponential', mean: 30 * DAY } }],
    });
    const runs = replicate(s, 12);
    for (const [metric, theory] of [
      ['p50', 30 * DAY * Math.LN2],
      ['p95', 30 * DAY * Math.log(20)],
      ['p99', 30 * DAY * Math.log(100)],
    ] as const) {
      const r = meanSe(runs, `service.resolution.response_time.${metric}`);
      // |mean − theory| < 3·SE, plus half a bucket (the histogram's own error, ≤ 2^-8).
      expect(Math.abs(r.mean - theory), `${metric}: ${r.mean / DAY} d ± ${r.se / DAY} vs ${theory / DAY} d`).toBeLessThan(3 * r.se + theory * 2 ** -8);
    }
    // The old top would have read all three as 12.1 days.
    expect(meanSe(runs, 'service.resolution.response_time.p95').mean).toBeGreaterThan(60 * DAY);
  });
});
