/**
 * The analytic warm start: a first candidate from closed forms, at zero replications.
 *
 * - A team headcount (constant, or one shift of a roster) serving requests with an answer
 *   target, under a constraint on `requests.<name>.service_level`: Erlang C per staffing hour
 *   on the lagged arrival rate, the largest need over the hours the headcount covers. When
 *   the callers hang up (`patience`), Erlang A (M/M/c+M, exponential patience of the same
 *   mean) instead, for the service level and for a bound on `requests.<name>.abandoned_fraction`.
 * - The servers of a pool with a latency objective: the fewest that meet it over the period,
 *   arrival-weighted over its intervals at their lagged rates (M/M/c, or one M/M/1 queue per
 *   server when a balancer splits the traffic).
 * - Anything else (thresholds, CRAC units, teams working incidents): the most expensive
 *   value, a start that is most likely feasible; the descent then walks down.
 * The simulation certifies or corrects the start; it only saves replications.
 */
import { constantRate, sumRates, type RateProfile } from '../engine/arrivals.js';
import { classProfile } from '../models/load/runtime.js';
import { distributionFromSpec } from '../models/kernel/distribution.js';
import { parseFieldPath } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { DurationDistSpec } from '../scenario/schema/distribution.js';
import { erlangCAgents, laggedRate, mmcResponseTail, mmcServersForLatency, splitQueueServersForLatency } from '../theory/staffing.js';
import { erlangAAbandonAgents, erlangAAgents } from '../theory/abandonment.js';
import type { ConstraintTest } from './certify.js';
import { indexAtLeast, readPath, type Variable } from './space.js';
import { isaShiftHeadcount } from './isa-start.js';

/** The warm start of one variable. */
export interface WarmStartNote {
  variable: string;
  /** The value the closed form asks for (before clamping into the variable's values); null when none applies. */
  analytic: number | null;
  /** The value the search starts from. */
  start: unknown;
  method: string;
}

interface RequestSpecLike {
  name: string;
  team: string;
  rate: number;
  handleTime: DurationDistSpec;
  answerTarget?: number;
  patience?: DurationDistSpec;
}

/** The bound of a mean constraint on `requests.<request>.<metric>` in the given sense, if any. */
function requestBound(tests: readonly ConstraintTest[], request: string, metric: string, sense: 'atLeast' | 'atMost'): number | undefined {
  const t = tests.find((c) => c.kind === 'mean' && c.metric === `requests.${request}.${metric}` && c.sense === sense);
  return t?.kind === 'mean' ? t.threshold : undefined;
}

function serviceLevelTarget(tests: readonly ConstraintTest[], r: RequestSpecLike): number | undefined {
  return r.answerTarget === undefined ? undefined : requestBound(tests, r.name, 'service_level', 'atLeast');
}

function abandonTarget(tests: readonly ConstraintTest[], r: RequestSpecLike): number | undefined {
  return r.patience === undefined ? undefined : requestBound(tests, r.name, 'abandoned_fraction', 'atMost');
}

/** Erlang C agents for a team's requests over [from, to), staffing hour by hour on the lagged rate. */
function agentsFor(scenario: Scenario, team: string, tests: readonly ConstraintTest[], from: number, to: number): { need: number; method: string } | null {
  const reqs = ((scenario as { requests?: RequestSpecLike[] }).requests ?? []).filter((r) => r.team === team);
  const judged = reqs.filter((r) => serviceLevelTarget(tests, r) !== undefined || abandonTarget(tests, r) !== undefined);
  if (judged.length === 0) return null;
  let need = 0;
  const why: string[] = [];
  for (const r of judged) {
    const aht = distributionFromSpec(r.handleTime).mean;
    const profile = constantRate(r.rate);
    const sl = serviceLevelTarget(tests, r);
    const ab = abandonTarget(tests, r);
    // Erlang A takes the patience as exponential with the drawn distribution's mean.
    const theta = r.patience === undefined ? 0 : 1 / distributionFromSpec(r.patience).mean;
    for (let t = from; t < Math.max(to, from + 1); t += 3600) {
      const lambda = laggedRate((x) => profile.rate(x), t, aht);
      if (sl !== undefined) need = Math.max(need, theta > 0 ? erlangAAgents(lambda, 1 / aht, theta, r.answerTarget!, sl) : erlangCAgents(lambda * aht, aht, r.answerTarget!, sl));
      if (ab !== undefined) need = Math.max(need, erlangAAbandonAgents(lambda, 1 / aht, theta, ab));
    }
    const targets = [sl === undefined ? null : `${sl} within the answer target`, ab === undefined ? null : `abandoned fraction ≤ ${ab}`].filter((x) => x !== null);
    why.push(`${theta > 0 ? `Erlang A (M/M/c+M, mean patience ${+(1 / theta).toFixed(3)} s)` : 'Erlang C'} on the lagged arrival rate per hour (${r.name}: ${targets.join(', ')})`);
  }
  return { need, method: why.join('; ') };
}

/**
 * P(response > t) of one interval's arrivals with c servers at rate λ: M/M/c, or with a
 * balancer c × M/M/1 (exact for random dispatch; an upper bound for round-robin and
 * least-connections, whose per-server arrivals are less bursty than a Poisson split).
 */
function responseTail(c: number, lambda: number, mu: number, t: number, split: boolean): number {
  if (lambda <= 0) return Math.exp(-mu * t);
  if (lambda >= c * mu) return 1;
  return split ? Math.exp(-(mu - lambda / c) * t) : mmcResponseTail(c, lambda, mu, t);
}

/**
 * Servers for a service's latency objective ("target within threshold") over the period: the
 * fewest c whose arrival-weighted share of responses over `threshold`, summed over the period's
 * intervals (after the warm-up) each at its lagged rate, is at most 1 − target. An SLA's latency
 * attainment and a period's response-time quantile are shares of the period's requests, so
 * sizing every interval for its peak (the start before 2026-11-30) asks for more than they
 * measure. Rounded up; failures and incidents are not in it (certification corrects the start).
 */
function serversFor(scenario: Scenario, service: string): { need: number; method: string } | null {
  const svc = readPath(scenario, ['services', service]) as { serviceTime: DurationDistSpec; latencyObjective?: { threshold: number; target: number }; balancer?: unknown } | undefined;
  if (svc?.latencyObjective === undefined) return null;
  const profiles: RateProfile[] = (scenario.load ?? []).filter((l) => l.service === service).map((l) => classProfile(l));
  if (profiles.length === 0) return null;
  const total = sumRates(profiles);
  const s = distributionFromSpec(svc.serviceTime).mean;
  const step = Math.min(scenario.interval ?? 900, 900);
  const rates: number[] = [];
  for (let t = scenario.warmup ?? 0; t < scenario.horizon; t += step) rates.push(laggedRate((x) => total.rate(x), t, s));
  const peak = Math.max(...rates);
  const arrivals = rates.reduce((a, r) => a + r, 0);
  const { threshold, target } = svc.latencyObjective;
  const split = svc.balancer !== undefined;
  // The peak-rate answer bounds the search from above (every interval then meets the objective).
  const atPeak = split ? splitQueueServersForLatency(peak, 1 / s, threshold, target) : mmcServersForLatency(peak, 1 / s, threshold, target);
  const overPeriod = (c: number): number => (arrivals > 0 ? rates.reduce((a, r) => a + r * responseTail(c, r, 1 / s, threshold, split), 0) / arrivals : 0);
  let need = 1;
  while (need < atPeak && overPeriod(need) > 1 - target) need++;
  return { need, method: `${split ? 'one M/M/1 queue per server' : 'M/M/c'} per ${step / 60}-min interval at the lagged arrival rate (peak ${peak.toFixed(2)}/s), ${(target * 100).toFixed(2)} % within ${threshold} s over the period, arrival-weighted (${atPeak} at the peak)` };
}

/** The warm-start point and how each coordinate was found. */
export function warmStart(vars: readonly Variable[], scenario: Scenario, tests: readonly ConstraintTest[]): { point: number[]; notes: WarmStartNote[] } {
  const notes: WarmStartNote[] = [];
  const point = vars.map((v) => {
    let found: { need: number; method: string } | null = null;
    try {
      const segs = parseFieldPath(v.path);
      if (segs[0] === 'teams' && typeof segs[1] === 'string' && segs[segs.length - 1] === 'headcount') {
        if (segs.length === 3) found = agentsFor(scenario, segs[1], tests, 0, scenario.horizon);
        else if (segs.length === 6 && segs[2] === 'roster') {
          const shift = readPath(scenario, segs.slice(0, 5)) as { start: number; length: number } | undefined;
          if (shift !== undefined) found = isaShiftHeadcount(scenario, segs[1], String(segs[4]), tests) ?? agentsFor(scenario, segs[1], tests, shift.start, shift.start + shift.length);
        }
      } else if (segs[0] === 'services' && typeof segs[1] === 'string' && segs[2] === 'servers' && segs.length === 3) {
        found = serversFor(scenario, segs[1]);
      }
    } catch (err) {
      found = null;
      notes.push({ variable: v.label, analytic: null, start: v.values[v.values.length - 1], method: `closed form failed (${err instanceof Error ? err.message : String(err)}); starting from the most expensive value` });
      return v.values.length - 1;
    }
    if (found === null) {
      notes.push({ variable: v.label, analytic: null, start: v.values[v.values.length - 1], method: 'no closed form applies; starting from the most expensive value' });
      return v.values.length - 1;
    }
    const i = indexAtLeast(v, found.need);
    notes.push({ variable: v.label, analytic: found.need, start: v.values[i], method: found.method });
    return i;
  });
  return { point, notes };
}
