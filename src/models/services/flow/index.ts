/**
 * The flow-level runtime of the services model (`fidelity: flow`): the pool factory that
 * picks a service's runtime, the check that calls stay within one fidelity, and the
 * warnings `opsim validate` prints where flow is outside its validated region
 * (docs/fidelity.md).
 */
import type { ScenarioReport } from '../../../scenario/checks.js';
import type { ScenarioError } from '../../../scenario/errors.js';
import type { Scenario } from '../../../scenario/schema/index.js';
import type { World } from '../../kernel/world.js';
import { classProfile } from '../../load/runtime.js';
import { distributionFromSpec } from '../../kernel/distribution.js';
import { ServicePool, type PoolFactory } from '../pool.js';
import { fidelityOf, type ServicesConfig } from '../compile.js';
import { FlowNetwork, FlowPool } from './pool.js';
import { locateWarnings, type ScenarioWarning } from '../../kernel/warnings.js';

export { FlowPool, FlowNetwork, FLOW_CELL } from './pool.js';

// Decided by the compile step; the checks of this and other models read it here too.
export { fidelityOf };

/** The pool factory of one replication, by each service's compiled fidelity: flow pools share one network, stepped together. */
export function poolFactory(world: World, config: ServicesConfig): PoolFactory {
  let net: FlowNetwork | null = null;
  return (w, spec, index, site) => {
    if (config.services[index]!.fidelity === 'request') return new ServicePool(w, spec, index, site);
    net ??= new FlowNetwork(world);
    return new FlowPool(w, spec, index, site, net);
  };
}

/** Calls stay within one fidelity (request pools call per request, flow pools per step); flow has no finite waiting room. */
export function checkFidelity(s: Scenario, report: ScenarioReport): void {
  const byName = new Map((s.services ?? []).map((v) => [v.name, v]));
  (s.services ?? []).forEach((v, i) => {
    // Not modelled at flow level yet: the stationary regimes assume an unbounded queue.
    if (v.queueCapacity !== undefined && fidelityOf(s, v) === 'flow') report(['services', i, 'queueCapacity'], 'a finite waiting room is modelled at request level only; give this service fidelity: request (or drop queueCapacity)');
    const d = v.downstream === undefined ? undefined : byName.get(v.downstream);
    if (d === undefined) return;
    const a = fidelityOf(s, v);
    const b = fidelityOf(s, d);
    if (a !== b) report(['services', i, 'downstream'], `"${v.name}" runs at ${a} level but calls "${d.name}" at ${b} level; give both the same fidelity`);
  });
}

/** Peak utilisation at or above which flow results are not validated (docs/fidelity.md). */
export const FLOW_RHO_LIMIT = 0.95;

export type { ScenarioWarning };

/**
 * Where flow is outside its validated region: a flow-level service (or backend) whose
 * healthy peak utilisation λ_peak ÷ cμ reaches FLOW_RHO_LIMIT (read on a one-minute grid over
 * the horizon, at most the first 8 days).
 */
export function flowWarnings(s: Scenario): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const services = s.services ?? [];
  services.forEach((v, i) => {
    if (fidelityOf(s, v) !== 'flow') return;
    const profiles = (s.load ?? []).filter((c) => c.service === v.name).map((c) => classProfile(c));
    const callers = services.filter((u) => u.downstream === v.name);
    if (profiles.length === 0 && callers.length === 0) return;
    const mean = distributionFromSpec(v.serviceTime).mean;
    const conc = v.concurrency;
    const speeds = Array.from({ length: v.servers }, (_, k) => v.speed?.[k] ?? 1);
    // The most loaded backend's share of the rate per unit of its capacity.
    const lb = v.balancer;
    let worst = 1 / speeds.reduce((a, x) => a + x, 0);
    if (lb !== undefined && lb !== 'none' && lb.policy !== 'least-connections') {
      const w = lb.weights ?? speeds.map(() => 1);
      const tot = w.reduce((a, x) => a + x, 0);
      worst = Math.max(...w.map((x, k) => x / tot / speeds[k]!));
    }
    const span = Math.min(s.horizon, 8 * 86400);
    let peak = 0;
    let at = 0;
    for (let t = 0; t < span; t += 60) {
      let r = 0;
      for (const p of profiles) r += p.integral(t, t + 60) / 60;
      for (const u of callers) for (const c of (s.load ?? []).filter((x) => x.service === u.name)) r += classProfile(c).integral(t, t + 60) / 60;
      if (r > peak) {
        peak = r;
        at = t;
      }
    }
    const rho = (peak * worst * mean) / conc;
    if (rho >= FLOW_RHO_LIMIT) {
      const h = Math.floor(at / 3600);
      out.push({
        path: ['services', i, 'fidelity'],
        message: `flow level is not validated near ρ = 1: the busiest ${lb !== undefined && lb !== 'none' ? 'backend' : 'pool'} of "${v.name}" reaches ρ = ${rho.toFixed(3)} at its peak (hour ${h}, healthy), ≥ ${FLOW_RHO_LIMIT}; its stationary waits and percentiles there are unreliable (docs/fidelity.md) — use fidelity: request for this service`,
      });
    }
  });
  return out;
}

/** The flow warnings of a scenario loaded from `file`, located at line:column where the file writes the service. */
export function locatedFlowWarnings(file: string, scenario: Scenario): ScenarioError[] {
  return locateWarnings(file, flowWarnings(scenario));
}
