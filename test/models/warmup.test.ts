/**
 * Warm-up deletion: statistics of the measured period must not contain anything that
 * happened during warm-up — the latency-objective window open at the end of warm-up, and
 * incidents detected during warm-up but acknowledged after it.
 */
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../src/models/replication.js';
import { buildModels } from '../../src/models/kernel/plugin.js';
import { staffing } from '../../src/models/staffing/index.js';
import { incidents } from '../../src/models/incidents/index.js';
import { monitoring } from '../../src/models/monitoring/index.js';
import { FakeService, fakeWorld } from './fakes.js';
import { scenario } from './helpers.js';

const H = 3600;

describe('warm-up', () => {
  it('the latency-objective windows restart at the end of warm-up', () => {
    // Every request takes 3 s (> the 2 s threshold) and all of them arrive in the first
    // 200 s; warm-up ends at 250 s, when they are long finished. The measured period
    // (250–1000 s) has no request, so every window in it meets the objective. Without the
    // reset, the window [0, 300) judged at 300 s would still hold the warm-up's slow requests.
    const s = scenario({
      name: 'warmup-objective',
      horizon: 1000,
      warmup: 250,
      load: [{ name: 'c', service: 's', trace: { interval: 50, counts: [5, 5, 5, 5], repeat: false } }],
      services: [{ name: 's', servers: 1, serviceTime: 3, latencyObjective: { threshold: 2, target: 0.99, window: 300 } }],
    });
    for (let r = 0; r < 5; r++) {
      const m = runReplication(s, { seed: 'warmup', replication: r }).metrics;
      expect(m['service.s.requests']).toBe(0);
      expect(m['service.s.availability.latency']).toBe(1);
    }
  });

  it('MTTA leaves out incidents detected during warm-up, like MTTR', () => {
    // The fault at 2 h is detected at 2 h 03 min, during the warm-up (2 h 30 min); nobody is
    // on duty before 3 h, so it is acknowledged after warm-up.
    const world = fakeWorld({
      horizon: 12 * H,
      warmup: 2.5 * H,
      teams: [{ name: 'ops-l1', tier: 'L1', roster: { shifts: [{ name: 'day', start: 3 * H, length: 8 * H, headcount: 1 }] } }],
      incidents: { types: [{ name: 'lb', problemKinds: ['lb-misweight'], impact: 'extensive', urgency: 'critical', path: [{ tier: 'L1', diagnosis: 600, fix: 600 }] }] },
      monitoring: { interval: 60, monitors: [{ name: 'p95', metric: 'latency', service: 'inventory', exception: 2, detectionDelay: 120 }] },
    });
    const svc = new FakeService('inventory', 4, world.sim);
    world.services.set('inventory', svc);
    buildModels(world, [staffing, incidents, monitoring]);
    world.sim.scheduleAt(2 * H, () => {
      svc.latency = 5;
      world.problems.open({ kind: 'lb-misweight', target: 'inventory/lb', service: 'inventory', fix: () => (svc.latency = 0.1) });
    }, null);
    world.recorder.start();
    world.sim.run({ until: 2.5 * H });
    world.sim.resetStatistics();
    world.sim.run({ until: world.horizon });
    const { metrics } = world.recorder.finish();
    expect(metrics['incidents.P1.count']).toBe(0);
    expect(metrics['incidents.P1.mttr']).toBeNaN();
    expect(metrics['incidents.P1.mtta']).toBeNaN();
  });
});
