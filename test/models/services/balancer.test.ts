/**
 * Load balancing against the analytic split: four backends, each an M/M/1 queue with
 * μ = 100/s, λ = 240/s in total. A random (Bernoulli) split of a Poisson stream is Poisson,
 * so each backend is exactly M/M/1 with its share of λ.
 */
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../../src/models/replication.js';
import { buildWorld, expectAgrees, replicate, scenario } from '../helpers.js';
import { fakeWorld } from '../fakes.js';
import { Balancer, type BalancedPool } from '../../../src/models/services/balancer.js';
import { Balancer as BalancerSchema } from '../../../src/models/services/schema.js';
import { withDefaults } from '../../../src/scenario/validate.js';

function lb(balancer: Record<string, unknown>, extra: Record<string, unknown> = {}): ReturnType<typeof scenario> {
  return scenario({
    name: 'lb',
    horizon: 300,
    warmup: 30,
    load: [{ name: 'web', service: 'shop', rate: 240 }],
    services: [{ name: 'shop', servers: 4, serviceTime: { dist: 'exponential', mean: 0.01 }, balancer, ...extra }],
  });
}

describe('load balancer', () => {
  it('even random split: every backend M/M/1 with λ = 60/s → mean response 25 ms', () => {
    const runs = replicate(lb({ policy: 'random' }), 8);
    expectAgrees(runs, 'service.shop.response_time.mean', 0.025);
    for (let b = 0; b < 4; b++) expectAgrees(runs, `service.shop.backend.${b}.response_time.mean`, 0.025);
  });

  it('mis-weighting 40 % to one backend: that backend at 250 ms, the others at 1/(100 − 48)', () => {
    const runs = replicate(lb({ policy: 'random', faults: [{ kind: 'misweight', at: 0, share: { backend: 0, share: 0.4 } }] }), 10);
    expectAgrees(runs, 'service.shop.backend.0.response_time.mean', 1 / (100 - 96));
    expectAgrees(runs, 'service.shop.backend.1.response_time.mean', 1 / (100 - 48));
    expectAgrees(runs, 'service.shop.backend.0.share', 0.4);
    // The same fault written as a weight table.
    const r = runReplication(lb({ policy: 'random', faults: [{ kind: 'misweight', at: 0, weights: [40, 20, 20, 20] }] }), { seed: 'x', replication: 0 }).metrics;
    expect(r['service.shop.backend.0.share']).toBeCloseTo(0.4, 1);
  });

  it('round-robin and least-connections spread the load evenly and beat random', () => {
    const rr = replicate(lb({ policy: 'round-robin' }), 4);
    const lc = replicate(lb({ policy: 'least-connections' }), 4);
    for (const runs of [rr, lc]) {
      for (const m of runs) {
        for (let b = 0; b < 4; b++) expect(m[`service.shop.backend.${b}.share`]).toBeCloseTo(0.25, 1);
        // Smoother than Poisson splitting: below the M/M/1 25 ms.
        expect(m['service.shop.response_time.mean']).toBeLessThan(0.025);
      }
    }
  });

  it('a misweight fault opens a problem whose fix (auto-revert here) restores the weights', () => {
    const s = lb({ policy: 'weighted', faults: [{ kind: 'misweight', at: 100, weights: [97, 1, 1, 1], autoRevertAfter: 100, incidentType: 'lb-config' }] });
    const m = runReplication({ ...s, horizon: 600, warmup: 0 }, { seed: 'x', replication: 0 }).metrics;
    // 100 s of 97 % on one backend (overloaded: ρ = 2.3) then back to even: ≈ 0.25 + 0.72/6 + backlog.
    expect(m['service.shop.backend.0.share']).toBeGreaterThan(0.3);
    expect(m['service.shop.backend.0.share']).toBeLessThan(0.45);
  });

  it('a drained backend takes no traffic; a broken health check sends everything to one backend', () => {
    const drained = runReplication(lb({ policy: 'round-robin', faults: [{ kind: 'drain', at: 0, backend: 2 }] }), { seed: 'x', replication: 0 }).metrics;
    expect(drained['service.shop.backend.2.share']).toBe(0);
    expect(drained['service.shop.servers_available.mean']).toBeCloseTo(3, 6);
    const broken = runReplication(
      lb({ policy: 'round-robin', faults: [{ kind: 'health-check-broken', at: 0, mode: 'marks-down', keep: 2 }] }, { timeout: 1 }),
      { seed: 'x', replication: 0 },
    ).metrics;
    // Two backends left: each λ = 120 > μ, so requests time out.
    expect(broken['service.shop.backend.2.share']).toBe(0);
    expect(broken['service.shop.failed_fraction']).toBeGreaterThan(0.1);
    expect(broken['service.shop.timed_out']).toBeGreaterThan(0);
  });

  it('health checks: a dead backend stays in rotation until the next check; a stale check keeps it in', () => {
    const w = buildWorld(lb({ policy: 'round-robin', healthCheck: { interval: 10 } }));
    const pool = w.ports.services!.pools.get('shop')!;
    w.sim.run({ until: 101 });
    pool.failServer(1);
    expect(pool.balancer!.inRotationNow(1)).toBe(true);
    w.sim.run({ until: 109.9 });
    expect(pool.balancer!.inRotationNow(1)).toBe(true);
    // Requests sent to it meanwhile wait in its queue (capacity 0).
    expect(pool.backends[1]!.waiting).toBeGreaterThan(0);
    w.sim.run({ until: 110.1 });
    expect(pool.balancer!.inRotationNow(1)).toBe(false);
    expect(pool.backends[1]!.waiting).toBe(0);
    pool.repairServer(1);
    w.sim.run({ until: 120.1 });
    expect(pool.balancer!.inRotationNow(1)).toBe(true);

    const stale = buildWorld(lb({ policy: 'round-robin', faults: [{ kind: 'health-check-broken', at: 50, mode: 'stale' }] }));
    const sp = stale.ports.services!.pools.get('shop')!;
    stale.sim.run({ until: 100 });
    sp.failServer(2);
    stale.sim.run({ until: 200 });
    expect(sp.balancer!.inRotationNow(2)).toBe(true);
    const p = stale.problems.active().find((x) => x.kind === 'health-check-broken')!;
    expect(p.target).toBe('shop/lb');
    stale.problems.resolve(p, 'L2');
    expect(sp.balancer!.inRotationNow(2)).toBe(false);
  });
});

/** Smooth weighted round-robin as the balancer's documentation states it: a walk over the eligible backends per pick. */
class ReferenceSwrr {
  readonly current: number[];
  constructor(readonly weights: number[]) {
    this.current = weights.map(() => 0);
  }
  pick(eligible: (b: number) => boolean): number {
    const list = this.weights.map((_, b) => b).filter((b) => eligible(b) && this.weights[b]! > 0);
    if (list.length === 0) return -1;
    let total = 0;
    for (const b of list) total += this.weights[b]!;
    let best = list[0]!;
    for (const b of list) {
      this.current[b]! += this.weights[b]!;
      if (b !== list[0] && this.current[b]! > this.current[best]!) best = b;
    }
    this.current[best]! -= total;
    return best;
  }
}

describe('weighted round-robin replayed as a cycle', () => {
  it('picks exactly what the walk picks, through rotation changes, drains and misweights', () => {
    const weights = [4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const world = fakeWorld({ horizon: 1e6 });
    const up = weights.map(() => true);
    const pool: BalancedPool = {
      name: 'inv',
      servers: weights.length,
      room: null,
      conns: new Int32Array(weights.length),
      isAvailable: (b) => up[b]!,
      redispatchQueued: () => {},
      balancerChanged: () => {},
    };
    const bal = new Balancer(world, pool, withDefaults(BalancerSchema, { policy: 'weighted', weights }));
    const ref = new ReferenceSwrr([...weights]);
    const drained = weights.map(() => 0);
    const rng = world.streams.stream('test/ops');
    const out: number[] = [];
    const want: number[] = [];
    let fixes: (() => void)[] = [];
    let misweights = 0;
    for (let step = 0; step < 4000; step++) {
      // Runs of picks of random length (so changes land mid-cycle), then one change.
      const run = Math.floor(rng.next() * 40);
      for (let k = 0; k < run; k++) {
        out.push(bal.pick());
        want.push(ref.pick((b) => up[b]! && drained[b] === 0));
      }
      const u = rng.next();
      const b = Math.floor(rng.next() * weights.length);
      if (u < 0.3) {
        // A planned removal or return (graceful: leaves rotation at once; a return waits for a health check).
        up[b] = !up[b];
        bal.serverChanged(b, false);
        if (up[b]) bal.healthCheck();
      } else if (u < 0.5) {
        const p = bal.inject({ kind: 'drain', at: 0, backend: b }, rng);
        drained[b]++;
        fixes.push(() => {
          world.problems.resolve(p, 'test');
          drained[b]--;
        });
      } else if (u < 0.6) {
        const wrong = weights.map(() => 1 + Math.floor(rng.next() * 5));
        const p = bal.inject({ kind: 'misweight', at: 0, weights: wrong }, rng);
        ref.weights.splice(0, weights.length, ...wrong);
        ref.current.fill(0);
        const token = ++misweights;
        fixes.push(() => {
          world.problems.resolve(p, 'test');
          // A later misweight superseded this one: its own fix restores the table.
          if (token !== misweights) return;
          ref.weights.splice(0, weights.length, ...weights);
          ref.current.fill(0);
        });
      } else if (u < 0.75 && fixes.length > 0) {
        const i = Math.floor(rng.next() * fixes.length);
        const fix = fixes[i]!;
        fixes = fixes.filter((_, j) => j !== i);
        fix();
      }
    }
    expect(out.length).toBeGreaterThan(50_000);
    expect(out).toEqual(want);
  });
});
