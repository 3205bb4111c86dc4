/**
 * Load profiles and the queueing network: arrival counts against the profile's integral
 * (Poisson: |count − Λ| < 3√Λ), time zones, traces, and a tandem (web → db) network against
 * Jackson's product form.
 */
import { describe, expect, it } from 'vitest';
import { classProfile, parseTraceCsv, periodicMultiplier } from '../../../src/models/load/runtime.js';
import { constantRate } from '../../../src/engine/index.js';
import { runReplication } from '../../../src/models/replication.js';
import { LoadClass, type LoadClassSpec } from '../../../src/models/load/schema.js';
import { withDefaults } from '../../../src/scenario/validate.js';
import { expectAgrees, load, replicate, scenario } from '../helpers.js';

const daily = [0.4, 0.3, 0.25, 0.25, 0.3, 0.4, 0.6, 0.8, 1.0, 1.1, 1.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.4, 1.5, 1.6, 1.6, 1.5, 1.1, 0.7];

describe('load profiles', () => {
  it('daily shape, peak, holiday and stores in time zones compose as documented', () => {
    const spec: LoadClassSpec = withDefaults(LoadClass, {
      name: 'c',
      service: 's',
      rate: 10,
      daily,
      peaks: [{ start: 20 * 3600, end: 21 * 3600, factor: 2 }],
      holidays: [{ from: 86400, to: 2 * 86400, factor: 1.5 }],
      stores: [
        { offset: -5, share: 0.6 },
        { offset: 1, share: 0.4 },
      ],
    });
    const p = classProfile(spec);
    // At reference 01:30 on day 0, eastern local time is 20:30 (previous day: no holiday) → peak; CET is 02:30.
    const t = 1.5 * 3600;
    expect(p.rate(t)).toBeCloseTo(0.6 * 10 * daily[20]! * 2 + 0.4 * 10 * daily[2]!, 9);
    // Day 1 at reference 12:00: eastern 07:00 and CET 13:00, both inside the holiday.
    const t2 = 86400 + 12 * 3600;
    expect(p.rate(t2)).toBeCloseTo(1.5 * (0.6 * 10 * daily[7]! + 0.4 * 10 * daily[13]!), 9);
    expect(p.integral(0, 86400)).toBeGreaterThan(0);
  });

  it('a reference-clock peak multiplies the sum over time zones; a local one each zone at its own hour', () => {
    const stores = [
      { offset: -5, share: 0.6 },
      { offset: 1, share: 0.4 },
    ];
    const base = classProfile(withDefaults(LoadClass, { name: 'c', service: 's', rate: 10, daily, stores }));
    const ref = classProfile(withDefaults(LoadClass, { name: 'c', service: 's', rate: 10, daily, stores, peaks: [{ start: 17 * 3600, end: 20 * 3600, factor: 1.4, clock: 'reference' }] }));
    const loc = classProfile(withDefaults(LoadClass, { name: 'c', service: 's', rate: 10, daily, stores, peaks: [{ start: 17 * 3600, end: 20 * 3600, factor: 1.4 }] }));
    // 17:30 reference: CET is 18:30 (inside its local peak), eastern 12:30 (outside).
    const t = 17.5 * 3600;
    expect(ref.rate(t)).toBeCloseTo(1.4 * base.rate(t), 9);
    expect(loc.rate(t)).toBeCloseTo(0.6 * 10 * daily[12]! + 0.4 * 10 * daily[18]! * 1.4, 9);
    expect(ref.rate(16.5 * 3600)).toBeCloseTo(base.rate(16.5 * 3600), 9);
    expect(ref.integral(0, 86400)).toBeCloseTo(base.integral(0, 86400) + 0.4 * base.integral(17 * 3600, 20 * 3600), 6);
  });

  it('globalmart-peak: the 17:30 misconfiguration lands on the 17:00–20:00 UTC peak', () => {
    const spec = load('scenarios/globalmart-peak.yaml').load![0]!;
    const { peaks: _peaks, ...noPeak } = spec;
    const t = 17.5 * 3600;
    expect(classProfile(spec).rate(t)).toBeCloseTo(1.4 * classProfile(noPeak).rate(t), 9);
  });

  it('arrival counts agree with the integral of the profile', () => {
    const s = scenario({
      name: 'counts',
      horizon: 2 * 86400,
      load: [{ name: 'c', service: 's', rate: 2, daily, weekly: [1, 1, 1, 1, 1.2, 0.8, 0.6], peaks: [{ start: 72000, end: 75600, factor: 1.5 }] }],
      services: [{ name: 's', servers: 50, serviceTime: 0.1 }],
    });
    const expected = classProfile(s.load![0]!).integral(0, 2 * 86400);
    const m = runReplication(s, { seed: 'c', replication: 0 }).metrics;
    expect(Math.abs(m['service.s.requests']! - expected)).toBeLessThan(3 * Math.sqrt(expected));
  });

  it('replays a trace of counts per interval (inline or CSV)', () => {
    expect(parseTraceCsv('time,count\n0,10\n300,20\n\n600,0\n')).toEqual([10, 20, 0]);
    const s = scenario({
      name: 'trace',
      horizon: 3000,
      load: [{ name: 't', service: 's', trace: { interval: 300, counts: [3000, 0, 6000], repeat: false } }],
      services: [{ name: 's', servers: 100, serviceTime: 0.01 }],
    });
    const m = runReplication(s, { seed: 't', replication: 0 }).metrics;
    expect(Math.abs(m['service.s.requests']! - 9000)).toBeLessThan(3 * Math.sqrt(9000));
    expect(() => classProfile(withDefaults(LoadClass, { name: 'x', service: 's', rate: 1, trace: { interval: 1, counts: [1] } }))).toThrow(/either "rate" or a trace/);
  });

  it('periodic peaks integrate exactly', () => {
    const p = periodicMultiplier(constantRate(1), 3600, 7200, 3, 86400);
    expect(p.integral(0, 3 * 86400)).toBeCloseTo(3 * 86400 + 3 * 2 * 3600, 6);
    expect(p.rate(86400 + 5000)).toBe(3);
    expect(p.rate(86400 + 8000)).toBe(1);
  });
});

describe('queueing network', () => {
  it('web → db tandem of M/M/1 queues: response time is the sum (Jackson)', () => {
    const s = scenario({
      name: 'tandem',
      horizon: 4000,
      warmup: 200,
      load: [{ name: 'r', service: 'web', rate: 5 }],
      services: [
        { name: 'web', servers: 1, serviceTime: { dist: 'exponential', mean: 0.1 }, downstream: 'db' },
        { name: 'db', servers: 1, serviceTime: { dist: 'exponential', mean: 0.125 } },
      ],
    });
    const runs = replicate(s, 10);
    expectAgrees(runs, 'service.web.response_time.mean', 1 / (10 - 5) + 1 / (8 - 5));
    expectAgrees(runs, 'service.db.response_time.mean', 1 / (8 - 5));
  });

  it('timeouts withdraw waiting requests and count them as failed', () => {
    // M/M/1 at ρ = 0.95 with a 1 s timeout: the queue cannot build up.
    const s = scenario({
      name: 'timeout',
      horizon: 5000,
      load: [{ name: 'r', service: 'svc', rate: 9.5 }],
      services: [{ name: 'svc', servers: 1, serviceTime: { dist: 'exponential', mean: 0.1 }, timeout: 1 }],
    });
    const m = runReplication(s, { seed: 't', replication: 0 }).metrics;
    expect(m['service.svc.timed_out']).toBeGreaterThan(0);
    expect(m['service.svc.failed_fraction']).toBeGreaterThan(0);
    expect(m['service.svc.response_time.max'] ?? m['service.svc.response_time.p99']!).toBeLessThan(1.05);
  });
});
