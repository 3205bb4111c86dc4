/**
 * Monitoring and event management. Monitors sample a metric at an evaluation interval and
 * compare it with thresholds; crossings become ITIL events (warning, exception, and an
 * informational event when the metric recovers) that reach the console after a detection
 * delay. Event management then correlates: an exception about a service or room with an
 * open Problem attaches to that problem, one incident per problem; repeated exceptions
 * while its incident is open are counted as duplicates, not raised again. Exceptions no
 * problem explains open one symptom incident per monitor. False alarms arrive as a Poisson
 * stream and cost a triage. Auto-remediation rules try to fix detected problems first.
 */
import { exponential, Tally, type Distribution, type Rng } from '../../engine/index.js';
import type { Priority } from '../../results/format.js';
import type { AutoRemediationSpec, MonitorSpec } from './schema.js';
import type { MonitoringConfig } from './compile.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { Incident, IncidentDesk } from '../incidents/desk.js';
import type { Problem } from '../kernel/problems.js';
import type { World } from '../kernel/world.js';
import { MONITORING_METRICS } from './metrics.js';

/** ITIL event classes. */
export type EventClass = 'informational' | 'warning' | 'exception';

/** Level of a metric against a monitor's thresholds. */
export type Level = 'ok' | 'warning' | 'exception';

// Intervals, windows, quantiles, triage and remediation delays default in the schema (schema.ts).

/** Level of `value` against the thresholds; NaN (no data) counts as ok. */
export function levelOf(value: number, warning: number | undefined, exception: number): Level {
  if (value > exception) return 'exception';
  if (warning !== undefined && value > warning) return 'warning';
  return 'ok';
}

/** Event counts of a replication. */
export interface EventCounts {
  informational: number;
  warning: number;
  exception: number;
  /** Exceptions absorbed by an incident already open for the same cause. */
  deduplicated: number;
  /** False alarms raised. */
  falseAlarms: number;
}

interface MonitorRuntime {
  spec: MonitorSpec;
  interval: number;
  delay: number;
  level: Level;
  /** When the current exception level began (raisedAt of a symptom incident). */
  exceptionSince: number;
  /** Open symptom incident of this monitor. */
  symptom: Incident | null;
  /** Problems already reported by this state monitor. */
  reported: Set<number>;
  /** How far back the metric looks (sliding window, or one interval), for correlation. */
  lookBack: number;
}

/** The event manager: correlation, deduplication, auto-remediation. */
export class EventManager {
  readonly counts: EventCounts = { informational: 0, warning: 0, exception: 0, deduplicated: 0, falseAlarms: 0 };
  /** Time from the start of a problem to its detection. */
  readonly detection = new Tally();
  private readonly rules: readonly AutoRemediationSpec[];
  private readonly ruleDelays: Distribution[];
  private readonly remediationRng: Rng;
  private readonly tried = new Set<number>();
  /** Auto-remediation attempts and successes. */
  remediationAttempts = 0;
  remediationSuccesses = 0;

  constructor(readonly world: World, readonly desk: IncidentDesk, rules: readonly AutoRemediationSpec[]) {
    this.rules = rules;
    this.ruleDelays = this.rules.map((r) => durationDist(r.delay));
    this.remediationRng = world.streams.stream('monitoring/auto-remediation/outcome');
    world.sim.onReset(() => {
      this.counts.informational = this.counts.warning = this.counts.exception = this.counts.deduplicated = this.counts.falseAlarms = 0;
      this.detection.reset();
      this.remediationAttempts = this.remediationSuccesses = 0;
    });
  }

  /**
   * An event reaches the console. `evaluatedAt` is when the monitor saw it: an exception
   * about a problem resolved since then (or within the monitor's look-back window before
   * then, while the window still holds the fault's slow requests) is the tail of that
   * cause, not a new one.
   */
  event(cls: EventClass, monitor: MonitorRuntime, raisedAt: number, evaluatedAt: number): void {
    this.counts[cls]++;
    if (cls !== 'exception') return;
    const spec = monitor.spec;
    if (spec.metric === 'state') return; // state monitors report problems one by one (reportProblem)
    const scope = (p: Problem): boolean =>
      spec.metric === 'temperature' ? p.room === spec.room : p.service === spec.service;
    const problems = this.world.problems.active(scope);
    const fresh = problems.find((p) => this.desk.incidentFor(p) === undefined);
    if (fresh !== undefined) {
      this.openFor(fresh, monitor);
      return;
    }
    if (problems.length > 0 || (monitor.symptom !== null && !monitor.symptom.closed) || this.recentlyResolved(scope, evaluatedAt - monitor.lookBack)) {
      this.counts.deduplicated++;
      return;
    }
    const type = this.desk.typeFor(null, spec.incidentType ?? null);
    monitor.symptom = this.desk.open({ type, cause: `monitor:${spec.name}`, raisedAt: Math.min(raisedAt, monitor.exceptionSince), problem: null, impact: spec.impact, urgency: spec.urgency });
  }

  /** True if a problem in scope was resolved at or after `since`. */
  private recentlyResolved(scope: (p: Problem) => boolean, since: number): boolean {
    const all = this.world.problems.history();
    for (let i = all.length - 1; i >= 0; i--) {
      const p = all[i]!;
      if (p.resolvedAt !== null && p.resolvedAt >= since && scope(p)) return true;
    }
    return false;
  }

  /** A state monitor's exception about one problem. */
  reportProblem(problem: Problem, monitor: MonitorRuntime): void {
    this.counts.exception++;
    if (problem.resolvedAt !== null) return;
    if (this.desk.incidentFor(problem) !== undefined) {
      this.counts.deduplicated++;
      return;
    }
    this.openFor(problem, monitor);
  }

  private openFor(problem: Problem, monitor: MonitorRuntime): void {
    const spec = monitor.spec;
    const type = this.desk.typeFor(problem, spec.incidentType ?? null);
    this.detection.add(this.world.sim.now - problem.startedAt);
    this.desk.open({ type, cause: problem.kind, raisedAt: problem.startedAt, problem, impact: spec.impact, urgency: spec.urgency });
    this.tryRemediation(problem);
  }

  /** Runs the first enabled rule for the problem's kind, once per problem. */
  private tryRemediation(problem: Problem): void {
    if (this.tried.has(problem.id)) return;
    const i = this.rules.findIndex((r) => r.problemKinds.includes(problem.kind) || r.problemKinds.includes('*'));
    if (i < 0) return;
    this.tried.add(problem.id);
    const rule = this.rules[i]!;
    const rng = this.world.streams.stream(`monitoring/auto-remediation/${rule.name}/delay`);
    this.world.sim.post(this.ruleDelays[i]!.sample(rng), (p: Problem) => {
      if (p.resolvedAt !== null) return;
      this.remediationAttempts++;
      if (this.remediationRng.next() < rule.successProbability) {
        this.remediationSuccesses++;
        this.world.problems.resolve(p, 'auto-remediation');
      }
    }, problem);
  }
}

function monitorPriority(spec: MonitorSpec, desk: IncidentDesk): Priority {
  return desk.priorityFor(desk.typeFor(null, spec.incidentType ?? null), spec.impact, spec.urgency);
}

/** Reads the monitor's metric now. */
function sampler(world: World, spec: MonitorSpec): () => number {
  switch (spec.metric) {
    case 'latency': {
      const svc = world.services.get(spec.service);
      if (svc === undefined) throw new Error(`monitoring.monitors.${spec.name}: no service named "${spec.service}"`);
      const q = spec.quantile;
      const w = spec.window;
      svc.reserveWindow(w);
      return () => svc.recentLatencyQuantile(q, w);
    }
    case 'error-rate': {
      const svc = world.services.get(spec.service);
      if (svc === undefined) throw new Error(`monitoring.monitors.${spec.name}: no service named "${spec.service}"`);
      const w = spec.window;
      svc.reserveWindow(w);
      return () => svc.recentErrorRate(w);
    }
    case 'temperature': {
      const room = world.rooms.get(spec.room);
      if (room === undefined) throw new Error(`monitoring.monitors.${spec.name}: no room named "${spec.room}"`);
      return () => room.temperature();
    }
    case 'state':
      return () => NaN;
  }
}

/** Builds the monitors, false-alarm streams and auto-remediation. Runs after incidents. */
export function buildMonitoring(world: World, desk: IncidentDesk, config: MonitoringConfig | null): EventManager | undefined {
  if (config === null) return undefined;
  const sim = world.sim;
  const mgr = new EventManager(world, desk, config.rules);
  const triage = durationDist(config.triageTime);
  const names = new Set<string>();
  for (const { spec: m, interval, delay, lookBack } of config.monitors) {
    if (names.has(m.name)) throw new Error(`monitoring.monitors: "${m.name}" is declared twice`);
    names.add(m.name);
    if (!m.enabled) continue;
    const rt: MonitorRuntime = { spec: m, interval, delay, level: 'ok', exceptionSince: 0, symptom: null, reported: new Set(), lookBack };
    const read = sampler(world, m);
    const deliver = (cls: EventClass, raisedAt: number): void => {
      const at = sim.now;
      if (rt.delay > 0) sim.schedule(rt.delay, () => mgr.event(cls, rt, raisedAt, at), undefined);
      else mgr.event(cls, rt, raisedAt, at);
    };
    const evaluate = (): void => {
      const now = sim.now;
      if (m.metric === 'state') {
        const kinds = m.kinds;
        const any = kinds.includes('*');
        for (const p of world.problems.active((p) => any || kinds.includes(p.kind))) {
          if (rt.reported.has(p.id)) continue;
          rt.reported.add(p.id);
          if (rt.delay > 0) sim.schedule(rt.delay, (q: Problem) => mgr.reportProblem(q, rt), p);
          else mgr.reportProblem(p, rt);
        }
      } else {
        const level = levelOf(read(), m.warning, m.exception);
        if (level === 'exception') {
          if (rt.level !== 'exception') rt.exceptionSince = now;
          // Every evaluation above the threshold raises an exception; event management dedups.
          deliver('exception', rt.exceptionSince);
        } else if (level === 'warning' && rt.level !== 'warning') {
          deliver('warning', now);
        } else if (level === 'ok' && rt.level !== 'ok') {
          deliver('informational', now);
        }
        rt.level = level;
      }
      if (now + rt.interval <= world.horizon) sim.schedule(rt.interval, evaluate, undefined);
    };
    sim.post(rt.interval, evaluate, undefined);
    const rate = m.falseAlarmRate;
    if (rate > 0) {
      const rng = world.streams.stream(`monitoring/${m.name}/false-alarms`);
      // Triage times from the monitor's own stream: its false alarms never shift another draw.
      const triageRng = world.streams.stream(`monitoring/${m.name}/triage`);
      const gap = exponential(rate);
      const priority = monitorPriority(m, desk);
      const tier = desk.firstTier(desk.typeFor(null, m.incidentType ?? null));
      const raise = (): void => {
        mgr.counts.falseAlarms++;
        mgr.counts.exception++;
        desk.openFalseAlarm(priority, triage.sample(triageRng), tier);
      };
      const arrive = (): void => {
        if (rt.delay > 0) sim.schedule(rt.delay, raise, undefined);
        else raise();
        const next = gap.sample(rng);
        if (sim.now + next <= world.horizon) sim.schedule(next, arrive, undefined);
      };
      const first = gap.sample(rng);
      if (first <= world.horizon) sim.schedule(first, arrive, undefined);
    }
  }
  const rec = world.recorder;
  const M = MONITORING_METRICS;
  rec.metric(M.informational, {}, () => mgr.counts.informational);
  rec.metric(M.warning, {}, () => mgr.counts.warning);
  rec.metric(M.exception, {}, () => mgr.counts.exception);
  rec.metric(M.deduplicated, {}, () => mgr.counts.deduplicated);
  rec.metric(M.falseAlarms, {}, () => mgr.counts.falseAlarms);
  rec.metric(M.detection, {}, () => mgr.detection.mean);
  rec.metric(M.remediationAttempts, {}, () => mgr.remediationAttempts);
  rec.metric(M.remediationSuccesses, {}, () => mgr.remediationSuccesses);
  return mgr;
}
