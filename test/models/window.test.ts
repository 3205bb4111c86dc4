/** The sliding window behind ServiceHandle's recent* queries, and the log-bucket histograms. */
import { describe, expect, it } from 'vitest';
import { COARSE, LogHistogram, SlidingWindow } from '../../src/models/histogram.js';

describe('histograms', () => {
  it('quantiles are within the bucket resolution', () => {
    const h = new LogHistogram();
    for (let i = 1; i <= 10000; i++) h.add(i / 1000);
    expect(h.quantile(0.5)).toBeCloseTo(5, 1);
    expect(Math.abs(h.quantile(0.99) / 9.9 - 1)).toBeLessThan(0.005);
    expect(COARSE.index(0)).toBe(0);
    expect(COARSE.index(1e9)).toBe(COARSE.size - 1);
  });

  it('the window forgets slots older than the query window and ignores stale ring entries', () => {
    const w = new SlidingWindow(10, 6);
    for (let t = 0; t < 100; t += 0.5) w.addOk(t, COARSE.index(t < 50 ? 0.1 : 1));
    w.addFailed(99);
    // Last 30 s: slots 70–99.99, 60 successes and one failure.
    expect(w.throughput(99.99, 30)).toBeCloseTo(61 / 29.99, 2);
    expect(w.errorRate(99.99, 30)).toBeCloseTo(1 / 61, 6);
    expect(w.latencyQuantile(99.99, 30, 0.5)).toBeCloseTo(1, 1);
    // Longer than the ring: clamped to the ring's 60 s (40–100 s: 20 fast, 100 slow).
    expect(w.latencyQuantile(99.99, 1000, 0.1)).toBeCloseTo(0.1, 2);
    expect(w.latencyQuantile(99.99, 1000, 0.2)).toBeCloseTo(1, 1);
    expect(w.latencyQuantile(1000, 30, 0.5)).toBeNaN();
  });
});
