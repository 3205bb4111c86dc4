/**
 * Failures and repairs per component class. Every component instance (a server, one of a
 * server's disks, a load-balancer unit, a CRAC unit, a network device, a PDU or rack group)
 * alternates between up and down: a time to failure (exponential from an AFR or MTBF, or any
 * duration distribution such as Weibull), then a repair. The instances are offered by the
 * models that own them through the failure-targets port (ports.ts); correlated groups are
 * this model's own. Each failure opens a Problem; its fix puts the component back, so
 * whoever resolves the problem — the auto-repair timer here, or an operator in the
 * operations models — restores the capacity the failure took.
 *
 * Conventions:
 *  - AFR follows the Backblaze definition, failures per component-year of operation, so
 *    the failure rate is AFR / 8760 h and only up time is exposed to failure.
 *  - Repair times default to lognormal (Schroeder & Gibson, DSN 2006: repair times are
 *    lognormal, means from under an hour to over a day); mean 6 h, sd 6 h is a placeholder.
 *  - `repair: operators`: nothing here repairs the component; the operations model owns
 *    the delay and resolving the problem restores the component at once. Spares are not
 *    drawn in that mode.
 *  - Spares: each repair takes one part from the stock and orders a replacement that
 *    arrives after the lead time (a base-stock policy); with the shelf empty the repair
 *    starts when a part arrives.
 */
import { Container, exponential, type Distribution, type EventHandle, type Rng } from '../../engine/index.js';
import type { ComponentClassName, FailureClassSpec } from './schema.js';
import { distributionFromSpec } from '../kernel/distribution.js';
import type { Problem } from '../kernel/problems.js';
import type { ServicePool } from '../services/pool.js';
import type { ServicesPort } from '../services/ports.js';
import type { FailureTarget, FailureTargetsPort } from './ports.js';
import type { World } from '../kernel/world.js';
import type { RecurrencePort, RecurrenceStop } from '../problems/ports.js';
import { FAILURE_METRICS } from './metrics.js';
import type { FailuresConfig } from './compile.js';

/** Hours in the year used to turn an AFR into a rate (AFR ≈ 8760 h / MTBF). */
export const HOURS_PER_YEAR = 8760;

/** Per-class totals reported as metrics. */
interface ClassStats {
  count: number;
  /** Down component-seconds closed since the last reset. */
  downtime: number;
  readonly instances: Instance[];
}

/** One component that fails and gets repaired. */
interface Instance {
  readonly id: string;
  readonly cls: ComponentClassName;
  readonly service: string | null;
  readonly room: string | null;
  /** Applies (down = true) or removes the failure's effect. */
  readonly effect: (down: boolean) => void;
  readonly ttfRng: Rng;
  readonly repairRng: Rng;
  down: boolean;
  downSince: number;
  generation: number;
  repairHandle: EventHandle;
  problem: Problem | null;
}

/** Failure and repair behaviour of one class entry, shared by its instances. */
interface ClassRule {
  readonly spec: FailureClassSpec;
  /** Where errors about its scripted failures point. */
  readonly scriptWhere: string;
  /** Random times to failure (null: scripted failures only). */
  readonly ttf: Distribution | null;
  readonly repair: Distribution;
  readonly stock: Container | null;
  readonly stats: ClassStats;
}

/** Time-to-failure distribution of a class entry (null: the entry has only scripted failures). */
export function timeToFailure(spec: FailureClassSpec, where: string): Distribution | null {
  const given = [spec.afr, spec.mtbf, spec.timeToFailure].filter((v) => v !== undefined).length;
  if (given > 1 || (given === 0 && (spec.scripted ?? []).length === 0)) throw new Error(`${where}: give one of afr, mtbf or timeToFailure, or scripted failures`);
  if (given === 0) return null;
  if (spec.afr !== undefined) {
    if (!(spec.afr > 0)) throw new Error(`${where}.afr: must be above 0`);
    return exponential(spec.afr / (HOURS_PER_YEAR * 3600));
  }
  if (spec.mtbf !== undefined) return exponential(1 / spec.mtbf);
  return distributionFromSpec(spec.timeToFailure!);
}

/** True when target `id` is selected by a scripted failure's `target` (the id itself or an id prefix ending before a "/"). */
export function targetSelected(id: string, target: string | undefined): boolean {
  return target === undefined || id === target || id.startsWith(`${target}/`);
}

/** Builds the failure model (after every model that offers failure targets). */
export function buildFailures(world: World, registry: FailureTargetsPort, services: ServicesPort, config: FailuresConfig | null): RecurrencePort {
  // Permanent fixes (problem management) end a cause's random failures; the clocks keep running.
  const stops: RecurrenceStop[] = [];
  const port: RecurrencePort = { stopRecurrence: (stop) => void stops.push(stop) };
  if (config === null) return port;
  const sim = world.sim;
  const stats = new Map<ComponentClassName, ClassStats>();
  let resetAt = sim.now;
  const statsOf = (cls: ComponentClassName): ClassStats => {
    let s = stats.get(cls);
    if (s === undefined) {
      s = { count: 0, downtime: 0, instances: [] };
      stats.set(cls, s);
    }
    return s;
  };

  const rules = new Map<ComponentClassName, ClassRule[]>();
  for (const { spec: c, where, scriptWhere } of config.classes) {
    const stock = c.spares === undefined ? null : new Container(sim, c.spares.stock + 1e9, c.spares.stock, `spares/${c.class}`);
    const rule: ClassRule = {
      spec: c,
      scriptWhere,
      ttf: timeToFailure(c, where),
      repair: distributionFromSpec(c.repairTime),
      stock,
      stats: statsOf(c.class),
    };
    const list = rules.get(c.class) ?? [];
    list.push(rule);
    rules.set(c.class, list);
  }

  // ------------------------------------------------------------ life cycle

  const scheduleFailure = (inst: Instance, rule: ClassRule): void => {
    if (rule.ttf === null) return;
    // A scripted failure meanwhile (then its restore) makes this draw stale.
    const gen = inst.generation;
    sim.post(rule.ttf.sample(inst.ttfRng), () => {
      if (inst.down || inst.generation !== gen) return;
      const stop = stops.find((x) => x.matches(`${inst.cls}-failure`, inst.service));
      if (stop === undefined) fail(inst, rule, undefined);
      else {
        stop.avoided();
        scheduleFailure(inst, rule);
      }
    }, undefined);
  };

  const restore = (inst: Instance, rule: ClassRule): void => {
    if (!inst.down) return;
    inst.down = false;
    inst.generation++;
    inst.problem = null;
    if (inst.repairHandle >= 0) sim.cancel(inst.repairHandle);
    inst.repairHandle = -1;
    rule.stats.downtime += sim.now - Math.max(inst.downSince, resetAt);
    inst.effect(false);
    scheduleFailure(inst, rule);
  };

  const startRepair = (inst: Instance, rule: ClassRule): void => {
    inst.repairHandle = sim.schedule(rule.repair.sample(inst.repairRng), () => {
      inst.repairHandle = -1;
      if (inst.problem !== null) world.problems.resolve(inst.problem, 'auto-repair');
      else restore(inst, rule);
    }, undefined);
  };

  /** `inst` fails now; a scripted failure with a `duration` comes back by itself after it. */
  const fail = (inst: Instance, rule: ClassRule, duration: number | undefined): void => {
    inst.down = true;
    inst.downSince = sim.now;
    rule.stats.count++;
    inst.effect(true);
    inst.problem = world.problems.open({
      kind: `${inst.cls}-failure`,
      target: inst.id,
      service: inst.service,
      room: inst.room,
      incidentType: rule.spec.incidentType ?? null,
      fix: () => restore(inst, rule),
    });
    if (duration !== undefined) {
      const problem = inst.problem;
      sim.post(duration, () => {
        if (inst.problem === problem) world.problems.resolve(problem, 'auto-repair');
      }, undefined);
      return;
    }
    if (rule.spec.repair === 'operators') return;
    const stock = rule.stock;
    if (stock === null) {
      startRepair(inst, rule);
      return;
    }
    // Base stock: every repair orders a replacement part at once.
    const lead = rule.spec.spares!.leadTime;
    sim.post(lead, () => void stock.put(1), undefined);
    if (stock.tryGet(1)) {
      startRepair(inst, rule);
      return;
    }
    const gen = inst.generation;
    stock.get(1).onTrigger(() => {
      if (inst.down && inst.generation === gen) startRepair(inst, rule);
      else stock.put(1); // repaired meanwhile (by an operator): the part goes back on the shelf
    });
  };

  const add = (rule: ClassRule, target: FailureTarget): Instance => {
    const cls = rule.spec.class;
    const id = target.id;
    const inst: Instance = {
      id,
      cls,
      service: target.service,
      room: target.room,
      effect: target.effect,
      ttfRng: world.streams.stream(`failures/${cls}/${id}/ttf`),
      repairRng: world.streams.stream(`failures/${cls}/${id}/repair`),
      down: false,
      downSince: 0,
      generation: 0,
      repairHandle: -1,
      problem: null,
    };
    rule.stats.instances.push(inst);
    scheduleFailure(inst, rule);
    return inst;
  };

  /** Schedules an entry's scripted failures on the instances it created. */
  const script = (rule: ClassRule, instances: readonly Instance[], where: string): void => {
    (rule.spec.scripted ?? []).forEach((sc, k) => {
      const chosen = instances.filter((inst) => targetSelected(inst.id, sc.target));
      if (chosen.length === 0) throw new Error(`${where}.scripted[${k}].target: "${sc.target}" names none of the entry's targets`);
      sim.scheduleAt(sc.at, () => {
        for (const inst of chosen) if (!inst.down) fail(inst, rule, sc.duration);
      }, undefined);
    });
  };

  // ------------------------------------------------------------ instances

  // Every offered class, in the order the owning models registered (catalog order), each
  // entry of the class in scenario order.
  const created = new Map<ClassRule, Instance[]>();
  const addTo = (rule: ClassRule, target: FailureTarget): void => {
    const list = created.get(rule) ?? [];
    list.push(add(rule, target));
    created.set(rule, list);
  };
  for (const offer of registry.offers()) {
    for (const rule of rules.get(offer.cls) ?? []) {
      for (const t of offer.targets(rule.spec)) addTo(rule, t);
    }
  }

  for (const g of config.groups) {
    const members = g.members.map((m): [ServicePool, number] => [services.poolList[m.service]!, m.server]);
    // The compile step has checked that a class entry gives the group's failure rate.
    for (const rule of rules.get(g.spec.class)!) {
      addTo(rule, {
        id: g.spec.name,
        service: g.service,
        room: g.room,
        effect: (down) => {
          for (const [pool, s] of members) {
            if (down) pool.failServer(s);
            else pool.repairServer(s);
          }
        },
      });
    }
  }

  rules.forEach((list) => list.forEach((rule) => {
    if ((rule.spec.scripted ?? []).length > 0) script(rule, created.get(rule) ?? [], rule.scriptWhere);
  }));

  // ------------------------------------------------------------ metrics

  sim.onReset(() => {
    resetAt = sim.now;
    for (const s of stats.values()) {
      s.count = 0;
      s.downtime = 0;
    }
  });
  for (const [cls, s] of stats) {
    world.recorder.metric(FAILURE_METRICS.count, { class: cls }, () => s.count);
    world.recorder.metric(FAILURE_METRICS.downtime, { class: cls }, () => {
      let open = 0;
      for (const inst of s.instances) if (inst.down) open += sim.now - Math.max(inst.downSince, resetAt);
      return (s.downtime + open) / 3600;
    });
  }
  return port;
}
