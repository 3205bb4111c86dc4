/**
 * Incident management, request fulfilment and scheduled work: everything operators do.
 * All of it competes for the same team Resources (from models/staffing) through one
 * priority queue per team: incidents by priority (P1 = 1 … P4 = 4), then service requests
 * and scheduled work (5 by default). Work in hand is not preempted.
 *
 * An incident walks its type's escalation path: at each tier an operator diagnoses it and
 * either fixes it or escalates; an escalation time-out moves it on if it is not fixed in
 * time (waiting included). The fix acts on the infrastructure: it resolves the incident's
 * Problem on the board, which runs the problem's undo and restores the capacity it took.
 */
import { Tally, type Distribution, type EventHandle, type Rng } from '../../engine/index.js';
import type { IncidentRecord, Priority } from '../../results/format.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { ImpactSpec, IncidentTypeSpec, UrgencySpec } from './schema.js';
import type { IncidentsConfig, PriorityMatrix } from './compile.js';
import type { Problem } from '../kernel/problems.js';
import { FALSE_ALARM_CAUSE } from '../sla/runtime.js';
import type { IncidentTarget } from '../sla/compile.js';
import type { Team } from '../staffing/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';
import type { World } from '../kernel/world.js';
import { INCIDENT_COLUMNS, INCIDENT_METRICS } from './metrics.js';
import { buildRequests } from './requests.js';
import { buildScheduledWork } from './scheduled-work.js';

/** Queue priority of an incident priority in a team's queue (lower is served first). */
export const QUEUE_PRIORITY: Readonly<Record<Priority, number>> = { P1: 1, P2: 2, P3: 3, P4: 4 };
export { DEFAULT_WORK_PRIORITY } from './routing.js';

interface TierRuntime {
  tier: string;
  diagnosis: Distribution;
  fix: Distribution;
  resolveProbability: number;
  escalateAfter: number;
}

/** One stream per phase of an incident's work: diagnosis, resolve-or-escalate, fix. */
export interface WorkStreams {
  diagnosis: Rng;
  resolve: Rng;
  fix: Rng;
}

interface TypeRuntime {
  spec: IncidentTypeSpec;
  path: TierRuntime[];
  /** This type's work streams (incidents from other sources may bring their own). */
  streams: WorkStreams;
}

/** What one tier of an incident's path will take, drawn when the incident opens. */
interface StepPlan {
  diagnosis: number;
  /** Whether the tier can fix it once diagnosed (the last tier always does). */
  resolves: boolean;
  fix: number;
}

type Phase = 'queued' | 'starting' | 'working' | 'done';

/** An incident in progress: its public record plus where it is on its path. */
export class Incident {
  /** Index of the current step on the escalation path. */
  step = -1;
  /** Team holding or queued for the incident now. */
  team: Team | null = null;
  /** Where the incident is: queued, waiting for an on-call operator, being worked, or done. */
  phase: Phase = 'queued';
  /** Seize handle while queued. */
  queueHandle = -1;
  /** Whether a unit of `team` is held. */
  holding = false;
  /** Pending end of the current phase (start after latency, diagnosis, fix). */
  pending: EventHandle | null = null;
  /** Pending escalation time-out. */
  timeout: EventHandle | null = null;
  /** Repeated events about the same cause while open (deduplicated, not re-raised). */
  duplicates = 0;

  constructor(
    readonly record: IncidentRecord,
    readonly type: TypeRuntime | null,
    readonly problem: Problem | null,
    /** Seconds an operator spends on it when it has no type (false-alarm triage). */
    readonly triage: number | null,
    /** The work of each tier of its path, drawn when it opened (null for a false alarm). */
    readonly plan: readonly StepPlan[] | null,
  ) {}

  /** True once resolved. */
  get closed(): boolean {
    return this.phase === 'done';
  }
}

/** What monitoring gives to open an incident. */
export interface IncidentRequest {
  /** Incident type name (null: the default type). */
  type: string | null;
  /** Cause written on the record, e.g. "lb-misweight" or "monitor:inventory-p95". */
  cause: string;
  /** When the underlying condition began. */
  raisedAt: number;
  /** The problem it is about, if any: its fix is what resolves the problem. */
  problem: Problem | null;
  /** Impact (default: the type's, else moderate). */
  impact?: ImpactSpec | undefined;
  /** Urgency (default: the type's, else medium). */
  urgency?: UrgencySpec | undefined;
  /** Priority, overriding impact × urgency (user-reported streams draw it from their mix). */
  priority?: Priority | undefined;
}

/**
 * The incident desk: opens incidents, routes them through tiers and teams, and keeps the
 * statistics. Monitoring calls `open` and `openFalseAlarm`; problem resolutions by anyone
 * else (auto-remediation, automatic repair, another incident) close the incident.
 */
export class IncidentDesk {
  private readonly types = new Map<string, TypeRuntime>();
  private readonly byKind = new Map<string, TypeRuntime>();
  private readonly defaultType: TypeRuntime | null;
  private readonly byProblem = new Map<number, Incident>();
  private readonly open_ = new Set<Incident>();
  private readonly targets: Readonly<Record<Priority, IncidentTarget>>;
  private readonly matrix: PriorityMatrix;
  private nextId = 1;
  private statsFrom = 0;
  /** Per priority: detection → acknowledgement, detection → resolution, raise → detection. */
  readonly mtta: Record<Priority, Tally> = { P1: new Tally(), P2: new Tally(), P3: new Tally(), P4: new Tally() };
  readonly mttr: Record<Priority, Tally> = { P1: new Tally(), P2: new Tally(), P3: new Tally(), P4: new Tally() };
  readonly mttd: Record<Priority, Tally> = { P1: new Tally(), P2: new Tally(), P3: new Tally(), P4: new Tally() };
  /** Incidents resolved by each resolver ("L1", "auto-remediation", ...). */
  readonly resolvedBy = new Map<string, number>();
  /** Incidents that found no team at some tier of their path. */
  unrouted = 0;
  /**
   * Called as each incident opens; each returns a factor on its work (1: unchanged). Change
   * management starts rollbacks here, problem management links recurrences and applies a
   * known error's workaround.
   */
  readonly openHooks: ((type: string, req: IncidentRequest) => number)[] = [];

  constructor(
    readonly world: World,
    private readonly teams: TeamsPort,
    config: IncidentsConfig,
  ) {
    this.targets = config.incidentTargets;
    this.matrix = config.priorityMatrix;
    // The compile step has checked that type names are unique and that the default type exists.
    for (const t of config.types) {
      const rt: TypeRuntime = {
        spec: t,
        path: t.path.map((s) => ({
          tier: s.tier,
          diagnosis: durationDist(s.diagnosis),
          fix: durationDist(s.fix),
          resolveProbability: s.resolveProbability,
          escalateAfter: s.escalateAfter ?? Infinity,
        })),
        streams: {
          diagnosis: world.streams.stream(`incidents/${t.name}/diagnosis`),
          resolve: world.streams.stream(`incidents/${t.name}/resolve`),
          fix: world.streams.stream(`incidents/${t.name}/fix`),
        },
      };
      this.types.set(t.name, rt);
      for (const k of t.problemKinds ?? []) if (!this.byKind.has(k)) this.byKind.set(k, rt);
    }
    this.defaultType = config.defaultType === null ? null : this.types.get(config.defaultType)!;
    world.sim.onReset(() => {
      this.statsFrom = world.sim.now;
      for (const p of ['P1', 'P2', 'P3', 'P4'] as const) {
        this.mtta[p].reset();
        this.mttr[p].reset();
        this.mttd[p].reset();
      }
      this.resolvedBy.clear();
      this.unrouted = 0;
      // Incidents detected during warm-up belong to it; the record keeps the rest.
      const keep = world.incidents.filter((r) => r.detectedAt >= this.statsFrom);
      world.incidents.length = 0;
      world.incidents.push(...keep);
    });
    // Whoever resolves a problem (automation, automatic repair) also closes its incident.
    world.problems.onResolve((p) => {
      const inc = this.byProblem.get(p.id);
      if (inc !== undefined && !inc.closed) this.close(inc, p.resolvedBy ?? 'unknown');
    });
  }

  /** Checks that every tier on every path has a team (called once all models are built). */
  validateRouting(): void {
    const teams = [...this.teams.values()];
    for (const t of this.types.values()) {
      for (const s of t.path) {
        if (!teams.some((team) => team.serves(s.tier, t.spec.skill))) {
          throw new Error(`incidents.types.${t.spec.name}: no team at tier "${s.tier}"${t.spec.skill !== undefined ? ` with skill "${t.spec.skill}"` : ''}`);
        }
      }
    }
  }

  /** The priority of an alert raising type `typeName`: its impact and urgency (default: the type's, else moderate and medium) through the priority matrix. */
  priorityFor(typeName: string | null, impact: ImpactSpec | undefined, urgency: UrgencySpec | undefined): Priority {
    const type = typeName === null ? undefined : this.types.get(typeName)?.spec;
    return this.matrix[impact ?? type?.impact ?? 'moderate'][urgency ?? type?.urgency ?? 'medium'];
  }

  /** The first tier of type `typeName`'s path (L1 for no type). */
  firstTier(typeName: string | null): string {
    return (typeName === null ? undefined : this.types.get(typeName)?.path[0]?.tier) ?? 'L1';
  }

  /** The type a problem of this kind raises: its own, one listing the kind, else `fallback`, else the default. */
  typeFor(problem: Problem | null, fallback: string | null): string | null {
    if (problem?.incidentType != null && this.types.has(problem.incidentType)) return problem.incidentType;
    if (problem !== null) {
      const byKind = this.byKind.get(problem.kind);
      if (byKind !== undefined) return byKind.spec.name;
    }
    if (fallback !== null && this.types.has(fallback)) return fallback;
    return this.defaultType?.spec.name ?? null;
  }

  /** The open incident about this problem, if any. */
  incidentFor(problem: Problem): Incident | undefined {
    const inc = this.byProblem.get(problem.id);
    return inc !== undefined && !inc.closed ? inc : undefined;
  }

  /** Incidents open now. */
  openIncidents(): ReadonlySet<Incident> {
    return this.open_;
  }

  /** Opens an incident now and sends it to the first tier of its type's path; its work is drawn from `streams` (default: the type's). */
  open(req: IncidentRequest, streams?: WorkStreams): Incident {
    const typeName = req.type ?? this.defaultType?.spec.name ?? null;
    const type = typeName === null ? undefined : this.types.get(typeName);
    if (type === undefined) throw new Error(`incidents: no incident type "${String(typeName)}" (declare incidents.types)`);
    const impact = req.impact ?? type.spec.impact ?? 'moderate';
    const urgency = req.urgency ?? type.spec.urgency ?? 'medium';
    // Every tier's work is drawn now, from the type's own streams and in the order incidents of
    // the type open, so false alarms, other types or a different staffing policy never shift it.
    const s = streams ?? type.streams;
    let factor = 1;
    for (const hook of this.openHooks) factor *= hook(type.spec.name, req);
    const plan = type.path.map((t) => ({ diagnosis: t.diagnosis.sample(s.diagnosis) * factor, resolves: s.resolve.next() < t.resolveProbability, fix: t.fix.sample(s.fix) * factor }));
    const priority = req.priority ?? this.matrix[impact][urgency];
    const inc = this.create(type.spec.name, req.cause, priority, req.raisedAt, type, req.problem, null, plan);
    if (req.problem !== null) this.byProblem.set(req.problem.id, inc);
    this.toStep(inc, 0);
    return inc;
  }

  /** Opens a false alarm: it looks like a real incident until an operator triages and closes it. */
  openFalseAlarm(priority: Priority, triageSeconds: number, tier: string): Incident {
    const inc = this.create('false-alarm', FALSE_ALARM_CAUSE, priority, this.world.sim.now, null, null, triageSeconds, null);
    const team = this.route(tier, undefined);
    if (team === null) {
      this.unrouted++;
      return inc;
    }
    inc.step = 0;
    this.enqueue(inc, team);
    return inc;
  }

  private create(type: string, cause: string, priority: Priority, raisedAt: number, rt: TypeRuntime | null, problem: Problem | null, triage: number | null, plan: readonly StepPlan[] | null): Incident {
    const now = this.world.sim.now;
    const record: IncidentRecord = {
      id: this.nextId++,
      type,
      cause,
      priority,
      raisedAt: Math.min(raisedAt, now),
      detectedAt: now,
      acknowledgedAt: null,
      resolvedAt: null,
      resolvedBy: null,
      responseBreached: false,
      resolutionBreached: false,
    };
    const inc = new Incident(record, rt, problem, triage, plan);
    this.open_.add(inc);
    this.world.incidents.push(record);
    if (cause !== FALSE_ALARM_CAUSE) {
      this.mttd[priority].add(now - record.raisedAt);
      // Targets are checked when they fall due, so open incidents breach on time, not at the end.
      const target = this.targets[priority];
      this.world.sim.post(target.response, (i: Incident) => {
        // Closed unacknowledged before the target (automation) is not a breach.
        if (i.record.acknowledgedAt === null && !i.closed) i.record.responseBreached = true;
      }, inc);
      this.world.sim.post(target.resolution, (i: Incident) => {
        if (!i.closed) i.record.resolutionBreached = true;
      }, inc);
    }
    return inc;
  }

  /** First team at this tier with this skill, preferring one with a free operator. */
  private route(tier: string, skill: string | undefined): Team | null {
    let first: Team | null = null;
    for (const t of this.teams.values()) {
      if (!t.serves(tier, skill)) continue;
      if (t.resource.free > 0) return t;
      first ??= t;
    }
    return first;
  }

  private toStep(inc: Incident, step: number): void {
    const type = inc.type!;
    const path = type.path;
    if (step >= path.length) step = path.length - 1; // the last tier keeps it until fixed
    inc.step = step;
    const tier = path[step]!;
    const team = this.route(tier.tier, type.spec.skill);
    if (team === null) {
      this.unrouted++;
      if (step + 1 < path.length) this.toStep(inc, step + 1);
      return;
    }
    if (step < path.length - 1 && Number.isFinite(tier.escalateAfter)) {
      inc.timeout = this.world.sim.schedule(tier.escalateAfter, (i: Incident) => this.onTimeout(i), inc);
    }
    this.enqueue(inc, team);
  }

  private enqueue(inc: Incident, team: Team): void {
    inc.team = team;
    inc.phase = 'queued';
    inc.holding = false;
    const h = team.resource.seize((i: Incident) => this.onGranted(i), inc, QUEUE_PRIORITY[inc.record.priority]);
    if (h < 0) this.onGranted(inc);
    else inc.queueHandle = h;
  }

  private onGranted(inc: Incident): void {
    inc.queueHandle = -1;
    inc.holding = true;
    const latency = inc.team!.startLatency();
    if (latency > 0) {
      inc.phase = 'starting';
      inc.pending = this.world.sim.schedule(latency, (i: Incident) => this.startWork(i), inc);
    } else {
      this.startWork(inc);
    }
  }

  private startWork(inc: Incident): void {
    const now = this.world.sim.now;
    inc.phase = 'working';
    if (inc.record.acknowledgedAt === null) {
      inc.record.acknowledgedAt = now;
      // Like MTTR: an incident detected during warm-up belongs to it, even if acknowledged later.
      if (inc.record.cause !== FALSE_ALARM_CAUSE && inc.record.detectedAt >= this.statsFrom) this.mtta[inc.record.priority].add(now - inc.record.detectedAt);
    }
    if (inc.type === null) {
      inc.pending = this.world.sim.schedule(inc.triage!, (i: Incident) => this.finish(i, i.team!.tier), inc);
      return;
    }
    const tier = inc.type.path[inc.step]!;
    const last = inc.step === inc.type.path.length - 1;
    const work = inc.plan![inc.step]!;
    // The last tier always fixes it eventually (vendor or L3 is where the buck stops).
    if (last || work.resolves) {
      inc.pending = this.world.sim.schedule(work.diagnosis + work.fix, (i: Incident) => this.finish(i, tier.tier), inc);
    } else {
      inc.pending = this.world.sim.schedule(work.diagnosis, (i: Incident) => this.escalate(i), inc);
    }
  }

  /** Drops the operator (or the place in the queue) without closing the incident. */
  private letGo(inc: Incident): void {
    if (inc.pending !== null) {
      this.world.sim.cancel(inc.pending);
      inc.pending = null;
    }
    if (inc.timeout !== null) {
      this.world.sim.cancel(inc.timeout);
      inc.timeout = null;
    }
    if (inc.queueHandle >= 0) {
      inc.team!.resource.withdraw(inc.queueHandle);
      inc.queueHandle = -1;
    }
    if (inc.holding) {
      inc.holding = false;
      inc.team!.resource.release();
    }
  }

  private escalate(inc: Incident): void {
    inc.pending = null;
    this.letGo(inc);
    this.toStep(inc, inc.step + 1);
  }

  private onTimeout(inc: Incident): void {
    inc.timeout = null;
    if (inc.closed) return;
    this.letGo(inc);
    this.toStep(inc, inc.step + 1);
  }

  /** The operator's fix: resolve the problem (restoring capacity), then close. */
  private finish(inc: Incident, by: string): void {
    inc.pending = null;
    this.close(inc, by);
    if (inc.problem !== null) this.world.problems.resolve(inc.problem, by);
  }

  private close(inc: Incident, by: string): void {
    if (inc.closed) return;
    this.letGo(inc);
    inc.phase = 'done';
    this.open_.delete(inc);
    const now = this.world.sim.now;
    const r = inc.record;
    r.resolvedAt = now;
    r.resolvedBy = by;
    if (inc.problem !== null) this.byProblem.delete(inc.problem.id);
    if (r.cause === FALSE_ALARM_CAUSE || r.detectedAt < this.statsFrom) return;
    this.mttr[r.priority].add(now - r.detectedAt);
    this.resolvedBy.set(by, (this.resolvedBy.get(by) ?? 0) + 1);
  }

  /** Records counted in statistics: detected after warm-up, not false alarms. */
  counted(): IncidentRecord[] {
    return this.world.incidents.filter((r) => r.cause !== FALSE_ALARM_CAUSE && r.detectedAt >= this.statsFrom);
  }
}

/**
 * Share of the incidents of priority `p` that met their response (or resolution) target,
 * over those whose outcome is decided: acknowledged (resolved) or past the target. An open
 * incident whose target has not yet fallen due at the horizon is left out. NaN without any.
 */
export function withinTarget(records: readonly IncidentRecord[], p: Priority, which: 'response' | 'resolution'): number {
  let decided = 0;
  let within = 0;
  for (const r of records) {
    if (r.priority !== p) continue;
    const breached = which === 'response' ? r.responseBreached : r.resolutionBreached;
    const done = which === 'response' ? r.acknowledgedAt !== null : r.resolvedAt !== null;
    if (!breached && !done) continue;
    decided++;
    if (!breached) within++;
  }
  return decided > 0 ? within / decided : NaN;
}

/** 1 when every decided incident of priority `p` met both targets, 0 when one missed either, NaN without any. */
export function targetsMet(records: readonly IncidentRecord[], p: Priority): number {
  const resp = withinTarget(records, p, 'response');
  const res = withinTarget(records, p, 'resolution');
  if (Number.isNaN(resp) && Number.isNaN(res)) return NaN;
  return (Number.isNaN(resp) || resp === 1) && (Number.isNaN(res) || res === 1) ? 1 : 0;
}

/** Builds incident management, service requests and scheduled work. Runs after staffing. */
export function buildIncidents(world: World, teams: TeamsPort, config: IncidentsConfig): IncidentDesk {
  const desk = new IncidentDesk(world, teams, config);
  desk.validateRouting();
  buildRequests(world, teams, config.requests);
  buildScheduledWork(world, teams, config.scheduledWork);
  // Scenarios without incident management (a plain queueing station) get no incident columns.
  if (!config.measured) return desk;
  const rec = world.recorder;
  for (const p of ['P1', 'P2', 'P3', 'P4'] as const) {
    rec.metric(INCIDENT_METRICS.count, { priority: p }, () => desk.counted().filter((r) => r.priority === p).length);
    rec.metric(INCIDENT_METRICS.mtta, { priority: p }, () => desk.mtta[p].mean);
    rec.metric(INCIDENT_METRICS.mttr, { priority: p }, () => desk.mttr[p].mean);
    rec.metric(INCIDENT_METRICS.mttd, { priority: p }, () => desk.mttd[p].mean);
    rec.metric(INCIDENT_METRICS.unresolved, { priority: p }, () => desk.counted().filter((r) => r.priority === p && r.resolvedAt === null).length);
    rec.metric(INCIDENT_METRICS.responseWithinTarget, { priority: p }, () => withinTarget(desk.counted(), p, 'response'));
    rec.metric(INCIDENT_METRICS.resolutionWithinTarget, { priority: p }, () => withinTarget(desk.counted(), p, 'resolution'));
    rec.metric(INCIDENT_METRICS.targetsMet, { priority: p }, () => targetsMet(desk.counted(), p));
    rec.column(INCIDENT_COLUMNS.open, { priority: p }, () => {
      let n = 0;
      for (const i of desk.openIncidents()) if (i.record.priority === p && i.record.cause !== FALSE_ALARM_CAUSE) n++;
      return n;
    });
  }
  rec.metric(INCIDENT_METRICS.responseBreaches, {}, () => desk.counted().filter((r) => r.responseBreached).length);
  rec.metric(INCIDENT_METRICS.resolutionBreaches, {}, () => desk.counted().filter((r) => r.resolutionBreached).length);
  rec.metric(INCIDENT_METRICS.unresolvedTotal, {}, () => desk.counted().filter((r) => r.resolvedAt === null).length);
  rec.metric(INCIDENT_METRICS.autoRemediated, {}, () => desk.resolvedBy.get('auto-remediation') ?? 0);
  return desk;
}
