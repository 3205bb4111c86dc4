/** The sliding window behind ServiceHandle's recent* queries, and the log-bucket histograms. */
import { describe, expect, it } from 'vitest';
import { COARSE, fineIndexOfHigh, fineToCoarse, LogHistogram, SlidingWindow } from '../../../src/models/services/histogram.js';
import { loadScenarioText } from '../../../src/scenario/index.js';

describe('histograms', () => {
  it('quantiles are within the bucket resolution', () => {
    const h = new LogHistogram();
    for (let i = 1; i <= 10000; i++) h.add(i / 1000);
    expect(h.quantile(0.5)).toBeCloseTo(5, 1);
    expect(Math.abs(h.quantile(0.99) / 9.9 - 1)).toBeLessThan(0.005);
    expect(COARSE.index(0)).toBe(0);
    expect(COARSE.index(1e9)).toBeLessThan(COARSE.overflow);
    expect(COARSE.index(2 ** 32)).toBe(COARSE.overflow);
  });

  it('the coarse bucket of a value is its fine bucket coarsened (the hot path computes one index)', () => {
    const fine = LogHistogram.buckets;
    const edges = [0, -0, -1, 1e-9, 2 ** -20, 2 ** -20 * (1 - 1e-16), 2 ** 20, 2 ** 20 * (1 - 1e-16), 1e9, 2 ** 32, 2 ** 32 * (1 - 1e-16), Infinity, NaN, Number.MIN_VALUE, 0.2, 10];
    const values = [...edges, ...Array.from({ length: 20_000 }, (_, i) => Math.exp(-16 + (i * 32) / 20_000) * (1 + (i % 7) * 1e-3))];
    for (const x of values) expect(fine.coarsen(fine.index(x), COARSE)).toBe(COARSE.index(x));
  });

  it('a batch of values indexed through the high words of their buffer lands in the same buckets as one by one', () => {
    const fine = LogHistogram.buckets;
    const xs = Float64Array.from([0, -0, -1, 1e-9, 2 ** -20, 2 ** 20, 1e9, 2 ** 32, 2 ** 32 * (1 - 1e-16), Infinity, NaN, 0.2, 10, ...Array.from({ length: 5000 }, (_, i) => Math.exp(-16 + (i * 32) / 5000))]);
    const words = new Uint32Array(xs.buffer);
    for (let k = 0; k < xs.length; k++) {
      expect(fine.indexOfHigh(words[2 * k + 1]!)).toBe(fine.index(xs[k]!));
      // The hot loop's copies with the layouts' constants written in.
      expect(fineIndexOfHigh(words[2 * k + 1]!)).toBe(fine.index(xs[k]!));
      expect(fineToCoarse(fineIndexOfHigh(words[2 * k + 1]!))).toBe(COARSE.index(xs[k]!));
    }
  });

  it("a slot's end is the exact first time of the next slot epoch, for slot widths that are not exact in binary too", () => {
    const f = new Float64Array(1);
    const u = new BigUint64Array(f.buffer);
    const below = (x: number): number => {
      f[0] = x;
      u[0]! -= 1n;
      return f[0]!;
    };
    for (const width of [10, 0.1, 0.3, 7, 1 / 3]) {
      const w = new SlidingWindow(width, 5);
      for (const ep of [0, 1, 2, 3, 9, 10, 29, 99, 12_345, 8_640, 86_399, 1e7 + 1]) {
        const at = Float64Array.of(ep * width * (1 + 1e-12) + width / 2);
        const e = Math.floor(at[0]! / width);
        w.openSlot(at, 0);
        const end = w.slotEnd[0]!;
        expect(Math.floor(end / width)).toBeGreaterThan(e);
        expect(Math.floor(below(end) / width)).toBe(e);
      }
    }
  });

  it('the window forgets slots older than the query window and ignores stale ring entries', () => {
    const w = new SlidingWindow(10, 6);
    for (let t = 0; t < 100; t += 0.5) w.addOk(t, COARSE.index(t < 50 ? 0.1 : 1));
    w.addFailed(99);
    // Last 30 s: slots 70–99.99, 60 successes and one failure.
    expect(w.throughput(99.99, 30)).toBeCloseTo(61 / 29.99, 2);
    expect(w.errorRate(99.99, 30)).toBeCloseTo(1 / 61, 6);
    expect(w.latencyQuantile(99.99, 30, 0.5)).toBeCloseTo(1, 1);
    // Longer than the ring: an error, not a silently shorter window.
    expect(() => w.latencyQuantile(99.99, 1000, 0.1)).toThrow(/longer than the 60 s kept/);
    expect(w.latencyQuantile(1000, 30, 0.5)).toBeNaN();
  });

  it('a batch of successes (addOks) leaves the ring as one addOk each would, across slot changes and ring wraps', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const one = new SlidingWindow(10, 7);
    const batched = new SlidingWindow(10, 7);
    let t = 0;
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(rand() * 50);
      const at = new Float64Array(n);
      const bucket = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        // Mostly within a slot, sometimes past the whole ring.
        t += rand() < 0.02 ? 100 + rand() * 50 : rand() * 3;
        at[k] = t;
        bucket[k] = COARSE.index(0.01 + rand() * 4);
        one.addOk(t, bucket[k]!);
      }
      batched.addOks(at, bucket, n);
      if (round % 3 === 0) {
        one.addFailed(t);
        batched.addFailed(t);
      }
      for (const window of [10, 30, 60]) {
        expect(batched.throughput(t, window)).toBe(one.throughput(t, window));
        expect(batched.errorRate(t, window)).toBe(one.errorRate(t, window));
        expect(batched.latencyQuantile(t, window, 0.9)).toBe(one.latencyQuantile(t, window, 0.9));
      }
    }
  });

  it('the running merge gives the quantiles of a fresh merge of the slots (random traffic, query times and windows)', () => {
    // A fresh merge: every success recorded with its finish time, filtered by slot epoch.
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const w = new SlidingWindow(10, 31);
    const done: [number, number][] = [];
    let t = 0;
    for (let k = 0; k < 400; k++) {
      // Bursts and gaps: some queries skip more slots than the window holds.
      const n = Math.floor(rand() * 40);
      for (let i = 0; i < n; i++) {
        t += rand() * (k % 50 === 0 ? 60 : 1.5);
        const rt = 0.01 + rand() * rand() * 5;
        w.addOk(t, COARSE.index(rt));
        done.push([t, COARSE.index(rt)]);
      }
      t += rand() * 30;
      for (const window of [10, 60, 300]) {
        for (const q of [0.5, 0.95]) {
          const last = Math.floor(t / 10);
          const nSlots = Math.ceil(window / 10);
          const inWin = done.filter(([u]) => Math.floor(u / 10) > last - nSlots && Math.floor(u / 10) <= last).map(([, b]) => b);
          const counts = new Array<number>(COARSE.size).fill(0);
          for (const b of inWin) counts[b]!++;
          expect(w.latencyQuantile(t, window, q), `t=${t.toFixed(1)} window ${window} q ${q}`).toBe(COARSE.quantile(counts, inWin.length, q));
        }
      }
    }
  });

  it('a reserved long window covers its whole length (up to 1 h)', () => {
    const w = new SlidingWindow(10, 6);
    w.reserve(1000);
    for (let t = 0; t < 1000; t += 0.5) w.addOk(t, COARSE.index(t < 500 ? 0.1 : 1));
    // 1000 fast and 1000 slow successes in the last 1000 s.
    expect(w.latencyQuantile(999.99, 1000, 0.45)).toBeCloseTo(0.1, 2);
    expect(w.latencyQuantile(999.99, 1000, 0.55)).toBeCloseTo(1, 1);
    expect(w.throughput(999.99, 1000)).toBeCloseTo(2, 2);
    expect(() => w.reserve(3601)).toThrow(/at most 3600 s/);
    // The schema bounds monitor windows to the same hour.
    const r = loadScenarioText(
      'name: w\nhorizon: 1h\nservices: [{ name: s, servers: 1, serviceTime: 1s }]\nmonitoring: { monitors: [{ name: m, metric: latency, service: s, window: 2h, exception: 1s }] }\n',
      { file: 'w.yaml' },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ path: 'monitoring.monitors[0].window', line: 4, message: expect.stringMatching(/1h/) });
  });
});
