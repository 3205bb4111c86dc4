/**
 * Flow level against queueing theory, as confidence-interval tests over replications
 * (|mean − theory| < 3·SE). The flow's random part is the Poisson count of each 60-s cell,
 * so throughput, utilisation and backlogs vary between replications; a stationary
 * percentile is the analytic quantile of the regime in force, the same in every replication
 * (its SE is 0), so it is held to the numerical precision of the independent integration
 * below (0.1 %) on top of 3·SE.
 */
import { describe, expect, it } from 'vitest';
import { erlangC, mmcW } from '../../../../src/theory/queueing.js';
import type { FlowPool } from '../../../../src/models/services/flow/index.js';
import { buildWorld, expectAgrees, meanSe, replicate, scenario } from '../../helpers.js';

/** P(R > t) of M/M/c by direct numerical integration of the wait's density against S's tail. */
function mmcTail(c: number, lambda: number, mu: number, t: number): number {
  const C = erlangC(c, lambda, mu);
  const th = c * mu - lambda;
  // P(W + S > t) for W ~ Exp(th): ∫₀^∞ th·e^{−th·w}·P(S > t − w) dw, trapezoid on a fine grid.
  const n = 200_000;
  const hi = t + 60 / th;
  const h = hi / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const w = i * h;
    const f = th * Math.exp(-th * w) * (w >= t ? 1 : Math.exp(-mu * (t - w)));
    s += (i === 0 || i === n ? 0.5 : 1) * f;
  }
  return (1 - C) * Math.exp(-mu * t) + C * s * h;
}

function mmcQuantile(c: number, lambda: number, mu: number, q: number): number {
  let lo = 0;
  let hi = 100 / mu;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (1 - mmcTail(c, lambda, mu, mid) >= q) hi = mid;
    else lo = mid;
  }
  return hi;
}

function expectAnalytic(runs: readonly Record<string, number>[], metric: string, theory: number): void {
  const r = meanSe(runs, metric);
  expect(Math.abs(r.mean - theory), `${metric}: mean ${r.mean} ± ${r.se} vs theory ${theory}`).toBeLessThan(3 * r.se + 1e-3 * theory);
}

const flowService = (extra: Record<string, unknown>): Record<string, unknown> => ({ fidelity: 'flow', serviceTime: { dist: 'exponential', mean: 1 }, ...extra });

describe('flow level: M/M/c stationary', () => {
  it('c = 4, ρ = 0.8: response-time mean and percentiles, throughput and utilisation', () => {
    const s = scenario({
      name: 'mmc-flow',
      horizon: 7200,
      load: [{ name: 'in', service: 'q', rate: 3.2 }],
      services: [{ name: 'q', servers: 4, ...flowService({}) }],
    });
    const runs = replicate(s, 20);
    expectAnalytic(runs, 'service.q.response_time.mean', mmcW(4, 3.2, 1));
    for (const [q, name] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) expectAnalytic(runs, `service.q.response_time.${name}`, mmcQuantile(4, 3.2, 1, q));
    expectAgrees(runs, 'service.q.throughput', 3.2);
    expectAgrees(runs, 'service.q.utilisation', 0.8);
    // Replications differ (Poisson counts), a replication repeats.
    expect(runs[0]!['service.q.requests']).not.toBe(runs[1]!['service.q.requests']);
    expect(replicate(s, 1)[0]).toEqual(runs[0]);
  });
});

/** Backlog of every station of `service` at each time in `at`, in one replication. */
function backlogs(s: ReturnType<typeof scenario>, service: string, at: readonly number[], replication: number): number[][] {
  const w = buildWorld(s, 'flow', replication);
  const pool = w.ports.services!.pools.get(service) as FlowPool;
  return at.map((t) => {
    w.sim.run({ until: t });
    return pool.backlog();
  });
}

describe('flow level: fluid backlog', () => {
  it('an overloaded M/M/1 (λ = 1.5, μ = 1) grows at λ − μ = 0.5/s', () => {
    const s = scenario({ name: 'mm1-over', horizon: 3600, load: [{ name: 'in', service: 'q', rate: 1.5 }], services: [{ name: 'q', servers: 1, ...flowService({}) }] });
    const growth = Array.from({ length: 60 }, (_, r) => {
      const [a, b] = backlogs(s, 'q', [1800, 3600], r);
      return (b![0]! - a![0]!) / 1800;
    });
    expectAgrees(growth.map((g) => ({ g })), 'g', 0.5);
  });

  it('a misweight offering backend 0 more than its capacity: its queue grows at the excess rate, the others stay stable', () => {
    // Four backends at μ = 1/s, λ = 2.4/s; from t = 600 s backend 0 gets half (1.2/s).
    const s = scenario({
      name: 'misweight-flow',
      horizon: 3600,
      load: [{ name: 'in', service: 'q', rate: 2.4 }],
      services: [{ name: 'q', servers: 4, ...flowService({ balancer: { policy: 'weighted', faults: [{ kind: 'misweight', at: 600, weights: [3, 1, 1, 1] }] } }) }],
    });
    const rows = Array.from({ length: 60 }, (_, r) => {
      const [a, b] = backlogs(s, 'q', [1200, 3600], r);
      return { g0: (b![0]! - a![0]!) / 2400, others: Math.max(...b!.slice(1), ...a!.slice(1)) };
    });
    expectAgrees(rows, 'g0', 1.2 - 1);
    // ρ = 0.4 at the other backends: no backlog beyond the stationary queue.
    for (const r of rows) expect(r.others).toBe(0);
  });
});
