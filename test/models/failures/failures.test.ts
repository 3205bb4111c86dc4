/**
 * Failures and repairs against theory: failure counts against AFR × exposure (Poisson),
 * the availability of an N+1 pool against its Markov closed form, spare-part waits,
 * correlated groups and the effect of a failure on requests in flight.
 */
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../../src/models/replication.js';
import { buildWorld, expectAgrees, replicate, scenario } from '../helpers.js';

const YEAR = 8760 * 3600;

describe('failures', () => {
  it('failure counts match AFR × exposure (Poisson interval)', () => {
    const s = scenario({
      name: 'afr',
      horizon: YEAR,
      services: [{ name: 'fleet', servers: 2000, serviceTime: 1 }],
      failures: { classes: [{ class: 'server', afr: 0.2, repairTime: { dist: 'lognormal', mean: 6 * 3600, sd: 6 * 3600 } }] },
    });
    let count = 0;
    let exposureYears = 0;
    for (let r = 0; r < 1; r++) {
      const m = runReplication(s, { seed: 'afr', replication: r }).metrics;
      count += m['failures.server.count']!;
      // Only up time is exposed to failure (Backblaze definition of AFR).
      exposureYears += (2000 * YEAR - m['failures.server.downtime_hours']! * 3600) / YEAR;
    }
    const expected = 0.2 * exposureYears;
    expect(Math.abs(count - expected), `count ${count} vs ${expected}`).toBeLessThan(3 * Math.sqrt(expected));
  });

  it('N+1 pool availability matches the Markov (binomial) closed form', () => {
    // 4 servers, 3 needed; each fails at rate 1/10 h and is repaired at rate 1/2 h independently.
    const s = scenario({
      name: 'n+1',
      horizon: 3000 * 3600,
      services: [{ name: 'pool', servers: 4, minServers: 3, serviceTime: 1 }],
      failures: { classes: [{ class: 'server', mtbf: 36000, repairTime: { dist: 'exponential', mean: 7200 } }] },
    });
    const a = 0.5 / (0.1 + 0.5);
    const theory = a ** 4 + 4 * a ** 3 * (1 - a);
    const runs = replicate(s, 10);
    expectAgrees(runs, 'service.pool.availability.servers', theory);
    expectAgrees(runs, 'service.pool.servers_available.mean', 4 * a);
  });

  it('repairs wait for spare parts when the shelf is empty', () => {
    // No stock: every repair waits the 10 h lead time, then 1 h of work: 11 h per failure.
    const s = scenario({
      name: 'spares',
      horizon: 200 * 24 * 3600,
      services: [{ name: 'pool', servers: 20, serviceTime: 1 }],
      failures: { classes: [{ class: 'disk', mtbf: 30 * 24 * 3600, repairTime: 3600, spares: { stock: 0, leadTime: 36000 } }] },
    });
    const m = runReplication(s, { seed: 's', replication: 0 }).metrics;
    const perFailure = m['failures.disk.downtime_hours']! / m['failures.disk.count']!;
    expect(m['failures.disk.count']).toBeGreaterThan(50);
    expect(perFailure).toBeGreaterThan(10.5);
    expect(perFailure).toBeLessThanOrEqual(11 + 1e-9);
  });

  it('a PDU failure takes all its members down; fixing its problem brings them back', () => {
    const s = scenario({
      name: 'pdu',
      horizon: 1e7,
      services: [{ name: 'web', servers: 10, serviceTime: 1 }],
      failures: {
        classes: [{ class: 'pdu', mtbf: 1000, repair: 'operators', incidentType: 'power' }],
        groups: [{ name: 'pdu-a', class: 'pdu', members: ['web/0-5'] }],
      },
    });
    const w = buildWorld(s);
    w.sim.run({ stopWhen: () => w.problems.active().length > 0 });
    const p = w.problems.active()[0]!;
    expect(p.kind).toBe('pdu-failure');
    expect(p.target).toBe('pdu-a');
    expect(p.service).toBe('web');
    expect(p.incidentType).toBe('power');
    expect(w.services.get('web')!.serversAvailable()).toBe(4);
    // With repair: operators nothing comes back until someone resolves the problem.
    w.sim.run({ until: w.sim.now + 1e5, stopWhen: () => false });
    expect(w.services.get('web')!.serversAvailable()).toBe(4);
    w.problems.resolve(p, 'L2');
    expect(w.services.get('web')!.serversAvailable()).toBe(10);
  });

  it('requests in service on a failed server fail; retries recover most of them', () => {
    const base = {
      name: 'inflight',
      horizon: 20000,
      load: [{ name: 'q', service: 'db', rate: 5 }],
      failures: { classes: [{ class: 'server', mtbf: 2000, repairTime: 200 }] },
    };
    const noRetry = runReplication(scenario({ ...base, services: [{ name: 'db', servers: 4, serviceTime: { dist: 'exponential', mean: 0.5 } }] }), { seed: 'f', replication: 0 }).metrics;
    expect(noRetry['failures.server.count']).toBeGreaterThan(10);
    expect(noRetry['service.db.failed_fraction']).toBeGreaterThan(0);
    const retry = runReplication(scenario({ ...base, services: [{ name: 'db', servers: 4, retries: 3, serviceTime: { dist: 'exponential', mean: 0.5 } }] }), { seed: 'f', replication: 0 }).metrics;
    expect(retry['service.db.failed_fraction']).toBeLessThan(noRetry['service.db.failed_fraction']!);
  });

  it('disks behind redundancy: a server goes down only when more than perServer − needed disks are down', () => {
    const s = scenario({
      name: 'raid',
      horizon: 1e8,
      services: [{ name: 'st', servers: 1, serviceTime: 1 }],
      failures: { classes: [{ class: 'disk', perServer: 2, needed: 1, mtbf: 1000, repair: 'operators' }] },
    });
    const w = buildWorld(s);
    const h = w.services.get('st')!;
    w.sim.run({ stopWhen: () => w.problems.active().length === 1 });
    expect(h.serversAvailable()).toBe(1);
    w.sim.run({ stopWhen: () => w.problems.active().length === 2 });
    expect(h.serversAvailable()).toBe(0);
    w.problems.resolve(w.problems.active()[0]!, 'L1');
    expect(h.serversAvailable()).toBe(1);
  });

  it('active/standby load balancers: failover succeeds with the given probability', () => {
    const mk = (p: number): ReturnType<typeof scenario> =>
      scenario({
        name: 'lbha',
        horizon: 400 * 24 * 3600,
        services: [{ name: 'web', servers: 2, serviceTime: 1, balancer: { policy: 'round-robin', standby: true, failoverSuccess: p, failoverTime: 0 } }],
        failures: { classes: [{ class: 'load-balancer', mtbf: 10 * 24 * 3600, repairTime: { dist: 'exponential', mean: 3600 } }] },
      });
    const always = runReplication(mk(1), { seed: 'l', replication: 0 }).metrics;
    const never = runReplication(mk(0), { seed: 'l', replication: 0 }).metrics;
    expect(always['failures.load-balancer.count']).toBeGreaterThan(40);
    // With working failover the service only goes down when both units are down at once.
    expect(always['service.web.servers_available.mean']).toBeGreaterThan(1.99);
    expect(never['service.web.servers_available.mean']).toBeLessThan(always['service.web.servers_available.mean']!);
  });
});
