/**
 * A service with a finite waiting room (`queueCapacity`) against Erlang B and M/M/c/K, as
 * confidence intervals over replications (|mean − theory| < 3·SE), shared queue and behind a
 * balancer (one M/M/1/K per backend).
 */
import { describe, expect, it } from 'vitest';
import { mmcK } from '../../../src/theory/finite-queue.js';
import { erlangB, erlangC } from '../../../src/theory/queueing.js';
import { expectAgrees, load, replicate } from '../helpers.js';

const MMC = 'scenarios/mmc-validation.yaml';

describe('services.queueCapacity: blocked requests', () => {
  it('queueCapacity 0 on the M/M/10 station is Erlang B: blocked fraction B(10, 9), nobody waits', () => {
    const runs = replicate(load(MMC, { horizon: '2h', warmup: '10m', 'services.station.queueCapacity': 0 }), 10, 'erlang-b');
    expectAgrees(runs, 'service.station.blocked_fraction', erlangB(10, 9));
    // Blocked requests fail (no retries): the failed fraction (over requests finished in the
    // period, not arrived) is the blocked fraction but for the requests in service at its ends.
    for (const m of runs) {
      expect(m['service.station.failed_fraction']).toBeCloseTo(m['service.station.blocked_fraction']!, 3);
      expect(m['service.station.wait_probability']).toBe(0);
    }
  });

  it('queueCapacity 5 is M/M/10/15: blocking, the wait of admitted requests and P(wait | admitted)', () => {
    const runs = replicate(load(MMC, { horizon: '2h', warmup: '10m', 'services.station.queueCapacity': 5 }), 10, 'mmck');
    const m = mmcK(10, 15, 9, 1);
    expectAgrees(runs, 'service.station.blocked_fraction', m.blocking);
    expectAgrees(runs, 'service.station.wait.mean', m.meanWait);
    expectAgrees(runs, 'service.station.wait_probability', m.waitProbability);
    expectAgrees(runs, 'service.station.response_time.mean', m.meanResponse);
  });

  it('a room too large to fill is M/M/c: P(wait) is Erlang C', () => {
    const runs = replicate(load(MMC, { horizon: '2h', warmup: '10m', 'services.station.queueCapacity': 100_000 }), 10, 'erlang-c');
    expectAgrees(runs, 'service.station.wait_probability', erlangC(10, 9));
    for (const m of runs) expect(m['service.station.blocked_fraction']).toBe(0);
  });

  it('behind a balancer each backend has its own room', () => {
    // 2 backends, 0.8/s in all, round-robin: each backend sees every other arrival (Erlang-2
    // gaps), so not M/M/1/K; with random dispatch each is M/M/1/K at 0.4/s.
    const s = load(MMC, {
      horizon: '6h',
      warmup: '10m',
      'load.customers.rate': 0.8,
      'services.station.servers': 2,
      'services.station.balancer': { policy: 'random' },
      'services.station.queueCapacity': 2,
    });
    const runs = replicate(s, 10, 'balanced');
    expectAgrees(runs, 'service.station.blocked_fraction', mmcK(1, 3, 0.4, 1).blocking);
  });

  it('without queueCapacity the metrics are absent', () => {
    const m = replicate(load(MMC, { horizon: '20m', warmup: '1m' }), 1)[0]!;
    expect(m['service.station.blocked_fraction']).toBeUndefined();
    expect(m['service.station.wait_probability']).toBeUndefined();
  });
});
