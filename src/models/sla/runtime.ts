/**
 * SLAs and cost. Each service SLA is checked window by window: a window in which the
 * latency objective is missed (or at any time in it the service had no server) counts as
 * downtime. Across a failover a window judges what the service's customers get: its own
 * requests, wherever they finished (at the service, or at the standby a failover diverted them
 * to, which counts them apart from its own), and whether at any time in it the service serving
 * them, or one it calls down its chain of required `downstream` calls, had no server (the sites'
 * diversions port says which serves). Downtime
 * is summed into attainment, breach episodes, breach minutes and the share of the month's
 * error budget used. Incident targets per priority (response, resolution) are checked by
 * the incidents model with the targets defined here; staffing cost, the capacity costs
 * (servers, network, recovery sites), penalties and revenue at risk are added up into cost.total.
 */
import type { Priority, IncidentRecord, SlaBasis } from '../../results/format.js';
import type { ServiceSlaSpec } from './schema.js';
import type { IncidentTarget, SlaConfig } from './compile.js';
import { staffingCost } from '../staffing/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';
import type { ServiceHandle, World } from '../kernel/world.js';
import type { CapacityCost } from '../kernel/capacity-cost.js';
import type { DiversionsPort } from '../sites/ports.js';
import { SLA_COLUMNS, SLA_METRICS } from './metrics.js';

/** Length of the SLA month: 30 days (99.9 % then allows 43.2 minutes of downtime). */
export const MONTH_SECONDS = 30 * 86400;
// An SLA's period, window, penalties, revenue and delayed-loss share default in its schema
// (schema.ts), the one place they are written.

/** Attainment: share of the observed time that met the objective (NaN when nothing was observed). */
export function attainment(goodSeconds: number, totalSeconds: number): number {
  return totalSeconds > 0 ? goodSeconds / totalSeconds : NaN;
}

/**
 * Share of the error budget used: downtime over the downtime the availability target
 * allows in `periodSeconds` (default a 30-day month). 99.9 % over a month allows 43.2 min,
 * so 21.6 min of downtime uses 0.5. A 100 % target has no budget: any downtime is Infinity.
 */
export function errorBudgetUsed(badSeconds: number, availabilityTarget: number, periodSeconds = MONTH_SECONDS): number {
  if (badSeconds <= 0) return 0;
  const budget = (1 - availabilityTarget) * periodSeconds;
  return budget > 0 ? badSeconds / budget : Infinity;
}

/**
 * What the part of an SLA period outside a shorter horizon is assumed to be:
 * 'like-horizon' (the default, conservative: the whole period is like the simulated span,
 * so the period's error budget is pro-rated to it) or 'met' (the simulated span holds the
 * period's only trouble, e.g. a one-off incident: its downtime is charged against the whole
 * period's budget).
 */
export type RestOfPeriod = 'like-horizon' | 'met';

/** One SLA verdict: attainment, error budget and met, all from one definition. */
export interface SlaVerdict {
  /** Attainment over the judged span (NaN when nothing was observed). */
  attainment: number;
  /** Downtime allowed over the judged span, in seconds. */
  budgetSeconds: number;
  /** Downtime over budget (Infinity with downtime against a zero budget). */
  used: number;
  /** 1 when used ≤ 1, 0 otherwise, NaN when nothing was observed. */
  met: number;
}

/**
 * The judged span of an SLA: the period when the observed span is shorter and the rest of
 * the period is assumed met; otherwise the observed span itself (budget pro-rated to it;
 * a horizon longer than the period is judged as a whole, not period by period).
 */
export function judgedSeconds(observedSeconds: number, periodSeconds: number, restOfPeriod: RestOfPeriod): number {
  return restOfPeriod === 'met' && observedSeconds < periodSeconds ? periodSeconds : observedSeconds;
}

/**
 * The verdict of an SLA from its good and bad observed seconds. Downtime outside the
 * observed span is zero when the span is stretched to the period ('met'), so attainment is
 * 1 − downtime ÷ judged span and met ⇔ downtime ≤ (1 − target) × judged span ⇔ used ≤ 1.
 */
export function slaVerdict(goodSeconds: number, totalSeconds: number, target: number, periodSeconds = MONTH_SECONDS, restOfPeriod: RestOfPeriod = 'like-horizon'): SlaVerdict {
  if (!(totalSeconds > 0)) return { attainment: NaN, budgetSeconds: NaN, used: NaN, met: NaN };
  const bad = Math.max(0, totalSeconds - goodSeconds);
  const span = judgedSeconds(totalSeconds, periodSeconds, restOfPeriod);
  const used = errorBudgetUsed(bad, target, span);
  return { attainment: 1 - bad / span, budgetSeconds: (1 - target) * span, used, met: used <= 1 + 1e-12 ? 1 : 0 };
}

/**
 * How each SLA of a scenario is judged over `observedSeconds` per replication, with the
 * latency objective that decides a window (the SLA's own, else its service's).
 */
export function slaBases(slas: readonly ServiceSlaSpec[], observedSeconds: number, services: readonly { name: string; latencyObjective?: { threshold: number; target: number } }[] = []): SlaBasis[] {
  return slas.map((s) => {
    const latency = s.latency ?? services.find((x) => x.name === s.service)?.latencyObjective;
    const period = s.period;
    const rest: RestOfPeriod = s.restOfPeriod;
    const span = judgedSeconds(observedSeconds, period, rest);
    const basis: SlaBasis['basis'] = observedSeconds >= period ? 'whole-horizon' : rest === 'met' ? 'rest-of-period-met' : 'pro-rated';
    const budgetMinutes = ((1 - s.availabilityTarget) * span) / 60;
    const pct = `${+(s.availabilityTarget * 100).toFixed(4)} %`;
    const days = (x: number): string => `${+(x / 86400).toFixed(2)} d`;
    const allow = `${+budgetMinutes.toPrecision(3)} min`;
    const statement =
      basis === 'whole-horizon'
        ? `${pct} over the whole ${days(observedSeconds)} observed (period ${days(period)}): met when downtime ≤ ${allow}`
        : basis === 'pro-rated'
          ? `${pct} per ${days(period)} period, budget pro-rated to the ${days(observedSeconds)} observed (the rest of the period assumed alike): met when downtime ≤ ${allow}`
          : `${pct} per ${days(period)} period, the rest of the period assumed met (the ${days(observedSeconds)} observed hold its only trouble): met when downtime ≤ ${allow}`;
    const out: SlaBasis = { name: s.name, service: s.service, target: s.availabilityTarget, periodSeconds: period, observedSeconds, basis, budgetMinutes, statement };
    if (latency !== undefined) out.latency = { threshold: latency.threshold, target: latency.target };
    return out;
  });
}

/**
 * Whether one window met a latency objective: the share of requests that were neither slow
 * nor failed must reach `target`. `finished` counts every request that ended (failed ones
 * included), per ServiceHandle.totals. A window without requests meets it.
 */
export function windowMeetsObjective(finished: number, failed: number, slow: number, target: number): boolean {
  if (finished <= 0) return true;
  const bad = Math.min(finished, failed + slow);
  return (finished - bad) / finished >= target - 1e-12;
}

/** Running account of good and bad windows: breach episodes, breach time, first breach. */
export class SlaLedger {
  /** Observed seconds. */
  total = 0;
  /** Seconds in windows that met the objective. */
  good = 0;
  /** Breach episodes: maximal runs of consecutive bad windows. */
  breaches = 0;
  /** Start of the first bad window (NaN when none). */
  firstBreach = NaN;
  private inBreach = false;

  /** Records the window [start, end) as good or bad. */
  record(start: number, end: number, good: boolean): void {
    const span = end - start;
    this.total += span;
    if (good) {
      this.good += span;
      this.inBreach = false;
      return;
    }
    if (!this.inBreach) {
      this.breaches++;
      if (Number.isNaN(this.firstBreach)) this.firstBreach = start;
    }
    this.inBreach = true;
  }

  /** Seconds in bad windows. */
  get bad(): number {
    return this.total - this.good;
  }

  /** Forgets everything (warm-up deletion). */
  reset(): void {
    this.total = 0;
    this.good = 0;
    this.breaches = 0;
    this.firstBreach = NaN;
    this.inBreach = false;
  }
}

/** Summary of a sequence of equal windows starting at `start`: the pure form of SlaLedger. */
export function summariseWindows(goodFlags: readonly boolean[], windowSeconds: number, start = 0): { attainment: number; breaches: number; breachSeconds: number; firstBreach: number } {
  const l = new SlaLedger();
  goodFlags.forEach((g, i) => l.record(start + i * windowSeconds, start + (i + 1) * windowSeconds, g));
  return { attainment: attainment(l.good, l.total), breaches: l.breaches, breachSeconds: l.bad, firstBreach: l.firstBreach };
}

/** Penalties of incident response and resolution breaches, over the given records. */
export function incidentPenalties(records: readonly IncidentRecord[], targets: Record<Priority, IncidentTarget>): number {
  let p = 0;
  for (const r of records) {
    if (r.cause === FALSE_ALARM_CAUSE) continue;
    if (r.responseBreached) p += targets[r.priority].responsePenalty;
    if (r.resolutionBreached) p += targets[r.priority].resolutionPenalty;
  }
  return p;
}

/** Cause written on false-alarm incident records (they carry no penalties and no MTTx). */
export const FALSE_ALARM_CAUSE = 'false-alarm';

interface SlaRuntime {
  spec: ServiceSlaSpec;
  handle: ServiceHandle;
  ledger: SlaLedger;
  penalty(): number;
  revenueAtRisk(): number;
}

/** Running totals of a service's own requests: finished, failed, slower than the SLA's threshold. */
interface Counts {
  finished: number;
  failed: number;
  slow: number;
}

function buildServiceSla(world: World, spec: ServiceSlaSpec, diversions: DiversionsPort): SlaRuntime {
  const handle = world.services.get(spec.service);
  if (handle === undefined) throw new Error(`sla.services.${spec.name}: no service named "${spec.service}" (known: ${[...world.services.keys()].join(', ') || 'none'})`);
  const sim = world.sim;
  const window = spec.window;
  const ledger = new SlaLedger();
  // One rule whatever the threshold: a window is good when the share of its requests that
  // were neither slower than the SLA's threshold (its own, else the service's objective)
  // nor failed reaches the target. The service counts slow successes per threshold.
  const objective = spec.latency ?? handle.latencyObjective;
  const thresholdId = (h: ServiceHandle): number => (objective === null ? -1 : h.trackThreshold(objective.threshold));
  const ownId = thresholdId(handle);
  // A failover diverts the service's new requests to a standby (or the standby's own standby),
  // where they share the servers and the queue with its own load; each service counts the
  // requests diverted to it apart, by the service they were sent to (divertedTotals). So the
  // service's own requests are those finished at it, less any diverted to it from another,
  // plus its own diverted to each of its standbys, wherever and whenever they finish there
  // (a backlog that drains after the failback included). Read at window ends and by the
  // metrics, never per request.
  const standbys = diversions.standbysOf(spec.service).map((h) => ({ handle: h, id: thresholdId(h) }));
  const ownTotals = (): Counts => {
    const t = handle.totals();
    const into = handle.divertedTotals(null, ownId);
    const c = { finished: t.finished - into.finished, failed: t.failed - into.failed, slow: (ownId < 0 ? 0 : handle.slowerThan(ownId)) - into.slow };
    for (const s of standbys) {
      const d = s.handle.divertedTotals(handle, s.id);
      c.finished += d.finished;
      c.failed += d.failed;
      c.slow += d.slow;
    }
    return c;
  };
  /** The totals at the last window's end. */
  let prev: Counts = { finished: 0, failed: 0, slow: 0 };
  // A window is bad when, at any time in it, nothing served the service's requests: the service
  // serving them (itself, or the standby a failover diverts them to), or a service it calls
  // (downstream, and theirs in turn, each where its calls are served then), had no server able
  // to serve, whatever the cause (every server failed or offline, its room or site without
  // power, its load balancer down, the network in front of it cutting it off). A call is required: a request succeeds only when its call
  // does (no fallback), so a caller whose callee has no server serves nothing either, though its
  // own requests may wait (no timeout) and none fails in the window. Each service keeps its
  // spells without a server (hadNoServerSince), so the window asks the services that served over
  // each stretch of it: from the window's start or the last switch to the next switch or the
  // window's end. A spell that begins at the window's end is the next window's; one that ended
  // at its start, the last one's.
  let serving = servingChain(diversions, spec.service);
  /** Start of the current stretch: the window's start or the last switch in it. */
  let servingFrom = sim.now;
  /** Some time of the current window had nothing serving. */
  let noneInWindow = false;
  let lastEnd = sim.now;
  /** Closes the stretch served by `serving` at now: was any of its services without a server at some time? */
  const closeStretch = (): void => {
    for (const h of serving) if (h.hadNoServerSince(servingFrom)) noneInWindow = true;
    servingFrom = sim.now;
  };
  /** After a switch of any site: the stretch served so far ends when the requests (or a call of theirs) go elsewhere. */
  const note = (): void => {
    const chain = servingChain(diversions, spec.service);
    if (chain.length === serving.length && chain.every((h, i) => h === serving[i])) return;
    closeStretch();
    serving = chain;
  };
  // Every service's SLA listens: a standby's own site may fail over, moving where its requests are served.
  diversions.onChange(note);
  let sampleGood = 0;
  let sampleTotal = 0;
  sim.onReset(() => {
    ledger.reset();
    prev = { finished: 0, failed: 0, slow: 0 };
    lastEnd = sim.now;
    servingFrom = sim.now;
    noneInWindow = false;
    sampleGood = 0;
    sampleTotal = 0;
  });
  const evaluate = (): void => {
    const now = sim.now;
    const t = ownTotals();
    const d = { finished: t.finished - prev.finished, failed: t.failed - prev.failed, slow: t.slow - prev.slow };
    prev = t;
    note();
    closeStretch();
    let good: boolean;
    if (noneInWindow) good = false;
    else if (objective === null) good = true;
    else good = windowMeetsObjective(d.finished, d.failed, d.slow, objective.target);
    if (now > lastEnd) {
      ledger.record(lastEnd, now, good);
      sampleTotal += now - lastEnd;
      if (good) sampleGood += now - lastEnd;
    }
    noneInWindow = false;
    lastEnd = now;
    next(now);
  };
  /**
   * Books the end of the window starting at `now`: a whole window later, or the horizon when
   * that comes first (a horizon off the windows' grid, or shorter than a window): the last part
   * of the run is judged too, and the verdict covers the whole observed span.
   */
  const next = (now: number): void => {
    // Priority 900: after the requests finishing at the same instant, before the recorder.
    if (now + window <= world.horizon + 1e-9) sim.post(window, evaluate, undefined, 900);
    else if (world.horizon > now + 1e-9) sim.postAt(world.horizon, evaluate, undefined, 900);
  };
  next(sim.now);

  const n = spec.name;
  const rec = world.recorder;
  const verdict = (): SlaVerdict => slaVerdict(ledger.good, ledger.total, spec.availabilityTarget, spec.period, spec.restOfPeriod);
  const penalty = (): number => ledger.breaches * spec.penaltyPerBreach + (ledger.bad / 60) * spec.penaltyPerBreachMinute;
  const revenueAtRisk = (): number => {
    const rev = spec.revenuePerTransaction;
    const t = ownTotals();
    return rev * (t.failed + spec.delayedLossFraction * t.slow);
  };
  const L = SLA_METRICS;
  rec.metric(L.attainment, { sla: n }, () => verdict().attainment);
  rec.metric(L.met, { sla: n }, () => verdict().met);
  rec.metric(L.breaches, { sla: n }, () => ledger.breaches);
  rec.metric(L.breachMinutes, { sla: n }, () => ledger.bad / 60);
  rec.metric(L.firstBreach, { sla: n }, () => ledger.firstBreach);
  rec.metric(L.errorBudget, { sla: n }, () => verdict().used);
  rec.metric(L.budgetMinutes, { sla: n }, () => verdict().budgetSeconds / 60);
  rec.metric(L.observedAttainment, { sla: n }, () => attainment(ledger.good, ledger.total));
  rec.metric(L.penalty, { sla: n }, penalty);
  rec.metric(L.latencyAttainment, { sla: n }, () => {
    const t = ownTotals();
    return t.finished > 0 ? 1 - Math.min(t.finished, t.failed + t.slow) / t.finished : NaN;
  });
  rec.metric(L.revenueAtRisk, { sla: n }, revenueAtRisk);
  rec.column(SLA_COLUMNS.attainment, { sla: n }, () => {
    const v = attainment(sampleGood, sampleTotal);
    sampleGood = 0;
    sampleTotal = 0;
    return v;
  });
  return { spec, handle, ledger, penalty, revenueAtRisk };
}

/**
 * The services a request of `service` needs now, in call order: the service serving it (itself,
 * or the standby a failover diverts it to), then the service its calls go to (the callee's
 * standby while the callee's site has failed over), and so on down the chain. Calls have no
 * cycles (the services' checks); a diversion back into the chain ends it.
 */
export function servingChain(diversions: DiversionsPort, service: string): ServiceHandle[] {
  const chain: ServiceHandle[] = [];
  for (let at: ServiceHandle | null = diversions.servedAt(service); at !== null && !chain.includes(at); at = at.downstream === null ? null : diversions.servedAt(at.downstream.name)) chain.push(at);
  return chain;
}

/** The diversions of a world without failovers: every service serves its own requests. */
function servedAtHome(world: World): DiversionsPort {
  return {
    servedAt: (name) => world.services.get(name)!,
    standbysOf: () => [],
    onChange: () => {},
  };
}

/**
 * Builds the SLA checks and the cost metrics. Runs last, after every model whose cost it sums.
 * `capacity`: the capacity-cost ports (servers, network, recovery sites), summed into cost.total;
 * `diversions`: where each service's requests are served across a failover (the sites'; default
 * none, every service serving itself).
 */
export function buildSla(world: World, teams: TeamsPort, capacity: readonly CapacityCost[], config: SlaConfig, diversions: DiversionsPort = servedAtHome(world)): void {
  const capacityCost = (): number => capacity.reduce((a, c) => a + c.cost(), 0);
  if (!config.measured) {
    // An infrastructure-only scenario stays free of operations metrics, but priced capacity
    // still has a total: what the servers and devices cost (docs call them part of cost.total).
    if (capacity.some((c) => c.priced)) world.recorder.metric(SLA_METRICS.total, {}, capacityCost);
    return;
  }
  const slas = config.services.map((s) => buildServiceSla(world, s, diversions));
  const targets = config.incidentTargets;
  const rec = world.recorder;
  const penalties = (): number => slas.reduce((a, s) => a + s.penalty(), 0) + incidentPenalties(world.incidents, targets);
  // Several SLAs on one service value the same transactions: count the service once, at
  // its largest SLA figure, so cost.revenue_at_risk does not double-count.
  const byService = new Map<string, SlaRuntime[]>();
  for (const s of slas) byService.set(s.spec.service, [...(byService.get(s.spec.service) ?? []), s]);
  const revenue = (): number => {
    let sum = 0;
    for (const list of byService.values()) sum += Math.max(...list.map((s) => s.revenueAtRisk()));
    return sum;
  };
  rec.metric(SLA_METRICS.penalties, {}, penalties);
  rec.metric(SLA_METRICS.revenue, {}, revenue);
  rec.metric(SLA_METRICS.total, {}, () => staffingCost(teams) + capacityCost() + penalties() + revenue());
  if (world.services.size > 0) {
    rec.metric(SLA_METRICS.delayed, {}, () => sumTotals(world, 'slow'));
    rec.metric(SLA_METRICS.failed, {}, () => sumTotals(world, 'failed'));
  }
}

function sumTotals(world: World, key: 'slow' | 'failed'): number {
  let n = 0;
  for (const s of world.services.values()) n += s.totals()[key];
  return n;
}
