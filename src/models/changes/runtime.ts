/**
 * Change management. Changes are requested on a schedule or at random, and implemented at
 * the first moment the change calendar allows (inside a change window, outside every freeze).
 * A change of a type fails with the type's probability; a failed change causes its fault
 * through the services model's own machinery (a balancer fault, or servers failing under a
 * bad configuration), which opens a Problem on the board. Monitoring detects it like any
 * other fault; when its incident opens, the implementer rolls the change back after the
 * rollback time (with the type's rollback probability), unless the incident path fixes it
 * first.
 *
 * Each change's fate (fails or not, rolled back or not, how long the rollback takes) is drawn
 * when it is requested, from its type's own streams, so a freeze that moves a change in time
 * moves the same change: variants with and without a freeze compare like for like.
 */
import { exponential, type Distribution, type Rng } from '../../engine/index.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { Problem } from '../kernel/problems.js';
import type { World } from '../kernel/world.js';
import type { IncidentDesk } from '../incidents/desk.js';
import type { ServicePool } from '../services/pool.js';
import type { ServicesPort } from '../services/ports.js';
import type { BalancerFaultSpec } from '../services/schema.js';
import { ChangeCalendar } from './calendar.js';
import { CHANGE_METRICS } from './metrics.js';
import type { ChangesPort } from './ports.js';
import type { ChangeTypeSpec, ChangesSpec } from './schema.js';

// The rollback time defaults in the schema (schema.ts): 15 min, a [U] placeholder for a scripted
// revert and its verification.

interface TypeRuntime {
  spec: ChangeTypeSpec;
  pool: ServicePool;
  rollback: Distribution;
  /** One stream per purpose: outcome, rollback decision and time, fault details, arrivals. */
  outcome: Rng;
  rollbackRng: Rng;
  fault: Rng;
}

/** One requested change and its fate, drawn when it was requested. */
interface Change {
  type: TypeRuntime;
  fails: boolean;
  rollsBack: boolean;
  rollbackTime: number;
  done: ((failed: boolean) => void) | undefined;
}

/** Counts of the measured period. */
interface ChangeCounts {
  implemented: number;
  failed: number;
  rolledBack: number;
  deferred: number;
  incidents: number;
}

/** A port for scenarios without (enabled) change management. */
const NO_CHANGES: ChangesPort = {
  active: false,
  request(type) {
    throw new Error(`changes: change type "${type}" requested, but the scenario has no enabled changes section`);
  },
};

/** Opens the fault a failed change causes; the Problem's fix undoes it. */
function injectFault(world: World, t: TypeRuntime): Problem {
  const f = t.spec.fault;
  const pool = t.pool;
  if (f.kind === 'bad-config') {
    const k = Math.min(f.servers ?? pool.servers, pool.servers);
    for (let s = 0; s < k; s++) pool.failServer(s);
    return world.problems.open({
      kind: 'bad-config',
      target: `${pool.name}/config`,
      service: pool.name,
      room: pool.room?.name ?? null,
      incidentType: t.spec.incidentType ?? null,
      fix: () => {
        for (let s = 0; s < k; s++) pool.repairServer(s);
      },
    });
  }
  if (pool.balancer === null) throw new Error(`changes.types.${t.spec.name}.fault: service "${pool.name}" has no load balancer`);
  const spec: BalancerFaultSpec = { ...f, incidentType: t.spec.incidentType };
  return pool.balancer.inject(spec, t.fault);
}

/** Builds change management (after the services and the incident desk). */
export function buildChanges(world: World, services: ServicesPort, desk: IncidentDesk, spec: ChangesSpec | null): ChangesPort {
  if (spec === null) return NO_CHANGES;
  const sim = world.sim;
  const horizon = world.horizon;
  const calendar = new ChangeCalendar(spec.windows ?? [], spec.freeze ?? []);
  const unfrozen = new ChangeCalendar(spec.windows ?? [], []);
  const counts: ChangeCounts = { implemented: 0, failed: 0, rolledBack: 0, deferred: 0, incidents: 0 };
  let pending = 0;
  sim.onReset(() => {
    counts.implemented = counts.failed = counts.rolledBack = counts.deferred = counts.incidents = 0;
  });

  const types = new Map<string, TypeRuntime>();
  for (const t of spec.types) {
    if (types.has(t.name)) throw new Error(`changes.types: "${t.name}" is declared twice`);
    const pool = services.pools.get(t.service);
    if (pool === undefined) throw new Error(`changes.types.${t.name}.service: no service named "${t.service}"`);
    types.set(t.name, {
      spec: t,
      pool,
      rollback: durationDist(t.rollback),
      outcome: world.streams.stream(`changes/${t.name}/outcome`),
      rollbackRng: world.streams.stream(`changes/${t.name}/rollback`),
      fault: world.streams.stream(`changes/${t.name}/fault`),
    });
  }
  const typeNamed = (name: string): TypeRuntime => {
    const t = types.get(name);
    if (t === undefined) throw new Error(`changes: no change type named "${name}"`);
    return t;
  };

  /** Failed changes' open problems, by problem id. */
  const failedChanges = new Map<number, Change>();

  const implement = (c: Change): void => {
    pending--;
    counts.implemented++;
    if (c.fails) {
      counts.failed++;
      const problem = injectFault(world, c.type);
      if (problem.resolvedAt === null) failedChanges.set(problem.id, c);
    }
    c.done?.(c.fails);
  };

  const request = (name: string, done?: (failed: boolean) => void): void => {
    const type = typeNamed(name);
    const fails = type.outcome.next() < type.spec.failureProbability;
    const rollsBack = type.rollbackRng.next() < type.spec.rollbackProbability;
    const rollbackTime = type.rollback.sample(type.rollbackRng);
    const change: Change = { type, fails, rollsBack, rollbackTime, done };
    const now = sim.now;
    const slot = calendar.nextSlot(now, horizon);
    if (slot > unfrozen.nextSlot(now, horizon)) counts.deferred++;
    pending++;
    if (slot === Infinity) return; // waits past the end of the run
    if (slot === now) implement(change);
    else sim.scheduleAt(slot, implement, change);
  };

  // The implementer learns of the failure when monitoring raises its incident, and rolls back.
  desk.openHooks.push((_type, req) => {
    const c = req.problem === null ? undefined : failedChanges.get(req.problem.id);
    if (c === undefined) return 1;
    counts.incidents++;
    if (c.rollsBack) {
      sim.post(c.rollbackTime, (p: Problem) => {
        if (world.problems.resolve(p, 'rollback')) counts.rolledBack++;
      }, req.problem!);
    }
    return 1;
  });
  world.problems.onResolve((p) => void failedChanges.delete(p.id));

  for (const s of spec.schedule ?? []) {
    typeNamed(s.type);
    if (s.at <= horizon) sim.scheduleAt(Math.max(s.at, sim.now), () => request(s.type), undefined);
  }
  for (const t of types.values()) {
    const rate = t.spec.rate;
    if (rate <= 0) continue;
    const rng = world.streams.stream(`changes/${t.spec.name}/arrivals`);
    const gap = exponential(rate);
    const arrive = (): void => {
      request(t.spec.name);
      const next = gap.sample(rng);
      if (sim.now + next <= horizon) sim.post(next, arrive, undefined);
    };
    const first = gap.sample(rng);
    if (first <= horizon) sim.post(first, arrive, undefined);
  }

  const rec = world.recorder;
  const M = CHANGE_METRICS;
  rec.metric(M.implemented, {}, () => counts.implemented);
  rec.metric(M.failed, {}, () => counts.failed);
  rec.metric(M.rolledBack, {}, () => counts.rolledBack);
  rec.metric(M.deferred, {}, () => counts.deferred);
  rec.metric(M.pending, {}, () => pending);
  rec.metric(M.incidents, {}, () => counts.incidents);
  rec.metric(M.successRate, {}, () => (counts.implemented > 0 ? 1 - counts.failed / counts.implemented : NaN));
  return { active: true, request };
}
