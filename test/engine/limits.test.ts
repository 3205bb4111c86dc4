/**
 * Runaway models fail their replication with a clear message instead of exhausting memory or
 * spinning inside one event: waiting lines are capped (MAX_WAITING), thinning has a rejection
 * budget per arrival (MAX_REJECTIONS).
 */
import { describe, expect, it } from 'vitest';
import { MAX_REJECTIONS, MAX_WAITING, QueueLimitError, RandomStreams, Resource, Simulation, Store, ThinningLimitError, nextArrival, piecewiseRate } from '../../src/engine/index.js';
import { compileRaw } from '../../src/scenario/index.js';
import { runReplication } from '../../src/models/replication.js';

describe('waiting-line caps', () => {
  it('a Resource refuses the claim past maxWaiting, on both interfaces, naming the line and the time', () => {
    const sim = new Simulation();
    for (const discipline of ['fifo', 'priority'] as const) {
      const r = new Resource(sim, { capacity: 1, name: `desk-${discipline}`, maxWaiting: 3, discipline });
      expect(r.seize(() => {}, null)).toBe(-1);
      for (let i = 0; i < 3; i++) r.seize(() => {}, null);
      expect(r.waiting).toBe(3);
      expect(() => r.seize(() => {}, null)).toThrow(QueueLimitError);
      expect(() => r.request()).toThrow(new RegExp(`waiting line of desk-${discipline} grew past 3 at simulated time 0 s`));
      // Leaving the line makes room again.
      r.release();
      expect(r.waiting).toBe(2);
      expect(() => r.request()).not.toThrow();
    }
    expect(MAX_WAITING).toBe(2 ** 21);
  });

  it('a Store caps items, waiting getters and waiting putters', () => {
    const sim = new Simulation();
    const items = new Store<number>(sim, Infinity, 'shelf', 2);
    items.put(1);
    items.put(2);
    expect(() => items.put(3)).toThrow(/waiting line of shelf grew past 2/);
    const getters = new Store<number>(sim, Infinity, 'tickets', 2);
    getters.get();
    getters.get();
    expect(() => getters.get()).toThrow(QueueLimitError);
    const putters = new Store<number>(sim, 1, 'bin', 2);
    putters.put(0);
    putters.put(1);
    putters.put(2);
    expect(() => putters.put(3)).toThrow(QueueLimitError);
  });

  it('a scenario whose queue explodes fails its replication fast, with bounded memory', () => {
    const r = compileRaw({
      name: 'flood',
      horizon: '1h',
      load: [{ name: 'customers', service: 'station', rate: '100000/s' }],
      services: [{ name: 'station', servers: 3, serviceTime: { dist: 'exponential', mean: '1s' } }],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const before = process.memoryUsage().rss;
    expect(() => runReplication(r.scenario, { seed: '1', replication: 0 })).toThrow(/waiting line of station grew past 2,097,152 at simulated time \d+(\.\d+)? s: arrivals far outrun service/);
    // 2^21 waiting requests, not the gigabytes the queue would have grown to.
    expect(process.memoryUsage().rss - before).toBeLessThan(1.5e9);
  }, 60_000);
});

describe('thinning rejection budget', () => {
  it('an hour of 10^12 per second in a quiet day fails the next quiet-hour arrival fast and clearly', () => {
    const profile = piecewiseRate([[0, 1e12], [3600, 0.001]], 86_400);
    const rng = new RandomStreams('1', 0).stream('arrivals');
    let err: unknown;
    try {
      nextArrival(profile, 3600, rng, 86_400);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ThinningLimitError);
    expect(String((err as Error).message)).toMatch(/rejected 33,554,432 candidates in a row between simulated times 3600 s and 3600\.0000\d+ s: the profile's peak rate \(1\.000e\+12 per second\)/);
    expect(MAX_REJECTIONS).toBe(2 ** 25);
  }, 30_000);

  it('ordinary profiles draw as plain thinning does (the budget never consults a draw)', () => {
    const profile = piecewiseRate([[0, 16], [3600, 0]], 86_400);
    const a = new RandomStreams('7', 3).stream('arrivals');
    // Plain Lewis–Shedler with the same stream, written out.
    const b = new RandomStreams('7', 3).stream('arrivals');
    const plain = (now: number): number => {
      let t = now;
      for (;;) {
        t += -Math.log(1 - b.next()) / 16;
        if (t >= 2 * 86_400) return Infinity;
        if (b.next() * 16 <= profile.rate(t)) return t;
      }
    };
    let t = 0;
    let n = 0;
    // Two days: crosses a 23-hour stretch of zero rate (1.3 million rejections) and runs out.
    while (t < Infinity && n < 200_000) {
      const x = nextArrival(profile, t, a, 2 * 86_400);
      expect(x).toBe(plain(t));
      t = x;
      n++;
    }
    expect(n).toBeGreaterThan(100_000);
  }, 30_000);
});
