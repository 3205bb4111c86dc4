/**
 * Overload warnings of the services model: a service offered at least as much work as it can
 * do, over the whole horizon or at its load's peak rate. Not an error (overload can be the
 * question a planner asks), but a planner who reads a 12-hour mean response time should have
 * been told before the run that ρ = 2 makes queues grow without bound.
 *
 * Only figures that are exact or a clear bound are used. The offered rate is the expected
 * arrival rate of the load classes aimed at the service (∫ of their profiles), plus the calls
 * of services that call it when every request of the caller gets through (no timeout, no
 * finite queue, the caller itself not overloaded), so that its arrivals are its callers'.
 * The capacity is that of a healthy pool: servers × concurrency × speed ÷ mean service time,
 * or, behind a balancer that splits by fixed weights, the rate at which its busiest backend is
 * full. Failures, throttling, faults and maintenance only take capacity away, and retries only
 * add work, so a warning is never raised by what the model leaves out: it may only miss one.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { RateProfile } from '../../engine/index.js';
import { classProfile } from '../load/runtime.js';
import { distributionFromSpec } from '../kernel/distribution.js';
import { formatRate, formatSpan, RHO_EPSILON, type ScenarioWarning } from '../kernel/warnings.js';
import type { ServiceSpec } from './schema.js';

/** Most rate changes over the horizon read for the exact peak; past it only the horizon's mean is judged. */
const MAX_BREAKS = 200_000;

/** Offered load against capacity: rates in requests per second. */
export interface OverloadFigures {
  /** Mean offered rate over the horizon. */
  meanRate: number;
  /** Highest offered rate (exact: the profiles are constant between their breaks), or null when not known. */
  peakRate: number | null;
  /** Time the peak first starts (s from time 0). */
  peakAt: number;
  /** Time over the horizon during which the offered rate is at or above the capacity. */
  overloadedSeconds: number;
  /** Requests per second the healthy service can complete. */
  capacity: number;
  /** The backend that fills first behind a balancer with fixed weights (null: the pool as one). */
  busiest: { backend: number; share: number } | null;
  /** Services whose calls are counted in the offered rate. */
  callers: string[];
}

/** A moment of the run: day and time of day (time 0 is Monday 00:00 at UTC offset 0). */
function formatMoment(t: number): string {
  const day = Math.floor(t / 86400);
  const sec = t - day * 86400;
  const hh = String(Math.floor(sec / 3600)).padStart(2, '0');
  const mm = String(Math.floor((sec % 3600) / 60)).padStart(2, '0');
  return `day ${day + 1} ${hh}:${mm}`;
}

/** The healthy capacity of a service in requests per second, and the backend that fills first behind a fixed-weight balancer. */
function capacityOf(v: ServiceSpec): { capacity: number; busiest: { backend: number; share: number } | null } | null {
  const mean = distributionFromSpec(v.serviceTime).mean;
  if (!(mean > 0) || !Number.isFinite(mean)) return null;
  const speeds = Array.from({ length: v.servers }, (_, k) => v.speed?.[k] ?? 1);
  const lb = v.balancer;
  // Least-connections (and no balancer: one shared queue) keep every server busy while work waits.
  if (lb === undefined || lb === 'none' || lb.policy === 'least-connections') {
    return { capacity: (v.concurrency * speeds.reduce((a, x) => a + x, 0)) / mean, busiest: null };
  }
  // Round-robin, weighted and random send backend k the share w_k ÷ Σw whatever its queue.
  const w = lb.weights ?? speeds.map(() => 1);
  const total = w.reduce((a, x) => a + x, 0);
  if (!(total > 0)) return null;
  let best: { capacity: number; busiest: { backend: number; share: number } } | null = null;
  w.forEach((x, k) => {
    if (!(x > 0)) return;
    const cap = (v.concurrency * speeds[k]! * total) / (mean * x);
    if (best === null || cap < best.capacity) best = { capacity: cap, busiest: { backend: k, share: x / total } };
  });
  return best;
}

/** Mean, peak and time over `capacity` of the summed profiles over [0, horizon). */
function offered(profiles: readonly RateProfile[], horizon: number, capacity: number): Pick<OverloadFigures, 'meanRate' | 'peakRate' | 'peakAt' | 'overloadedSeconds'> {
  const meanRate = profiles.reduce((a, p) => a + p.integral(0, horizon), 0) / horizon;
  const none = { meanRate, peakRate: null, peakAt: 0, overloadedSeconds: meanRate >= capacity * (1 - RHO_EPSILON) ? horizon : 0 };
  if (profiles.some((p) => p.breaks === undefined)) return none;
  const cuts: number[] = [0];
  for (const p of profiles) {
    p.breaks!(0, horizon, cuts);
    if (cuts.length > MAX_BREAKS) return none;
  }
  const times = [...new Set(cuts)].sort((a, b) => a - b);
  let peakRate = -1;
  let peakAt = 0;
  let over = 0;
  times.forEach((t, k) => {
    const r = profiles.reduce((a, p) => a + p.rate(t), 0);
    if (r > peakRate) {
      peakRate = r;
      peakAt = t;
    }
    if (r >= capacity * (1 - RHO_EPSILON)) over += (k + 1 < times.length ? times[k + 1]! : horizon) - t;
  });
  return { meanRate, peakRate, peakAt, overloadedSeconds: over };
}

/** Offered load and capacity of every service with load (null for one whose figures are not known), by index. */
export function serviceOverloads(s: Scenario): (OverloadFigures | null)[] {
  const services = s.services ?? [];
  const memo = new Map<number, { figures: OverloadFigures | null; profiles: RateProfile[] }>();
  const judge = (i: number): { figures: OverloadFigures | null; profiles: RateProfile[] } => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    const v = services[i]!;
    const profiles = (s.load ?? []).filter((c) => c.service === v.name).map((c) => classProfile(c));
    const callers: string[] = [];
    services.forEach((u, j) => {
      if (u.downstream !== v.name) return;
      const up = judge(j);
      const f = up.figures;
      // Every request of the caller calls this service once it has been served: its arrivals are ours, if it loses none.
      const lossless = u.timeout === undefined && u.queueCapacity === undefined;
      const keepsUp = f !== null && f.meanRate < f.capacity * (1 - RHO_EPSILON) && (f.peakRate === null || f.peakRate < f.capacity * (1 - RHO_EPSILON));
      if (lossless && keepsUp && up.profiles.length > 0) {
        profiles.push(...up.profiles);
        callers.push(u.name, ...f.callers);
      }
    });
    const cap = capacityOf(v);
    const figures = cap === null || profiles.length === 0 ? null : { ...offered(profiles, s.horizon, cap.capacity), ...cap, callers };
    const out = { figures, profiles };
    memo.set(i, out);
    return out;
  };
  return services.map((_, i) => judge(i).figures);
}

/** What overload does to a service: queues without bound, or (with a finite queue or a timeout) requests lost. */
function consequence(v: ServiceSpec, rho: number, whole: boolean): string {
  const lossy = v.queueCapacity !== undefined || v.timeout !== undefined;
  if (!lossy) return whole ? 'queues grow without bound' : 'queues build for as long as it lasts';
  const lost = 1 - 1 / rho;
  if (lost < 0.001) return `it is saturated${whole ? '' : ' then'}: expect blocking${v.timeout !== undefined ? ' and timeouts' : ''}`;
  return `at least ${(lost * 100).toPrecision(2)} % of requests${whole ? '' : ' then'} cannot be served (${v.queueCapacity !== undefined ? 'blocked' : 'timed out'})`;
}

/**
 * A warning per service whose offered load is at or above its healthy capacity over the whole
 * horizon (mean rate) or, failing that, at its load's peak rate, with the figures.
 */
export function overloadWarnings(s: Scenario): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const services = s.services ?? [];
  let all: (OverloadFigures | null)[];
  try {
    all = serviceOverloads(s);
  } catch {
    // A warning must never stop a valid scenario: figures that cannot be computed give none.
    return out;
  }
  all.forEach((f, i) => {
    if (f === null) return;
    const v = services[i]!;
    const limit = f.capacity * (1 - RHO_EPSILON);
    const against = `against a capacity of ${formatRate(f.capacity)} with every server up${f.busiest === null ? '' : ` (where backend ${f.busiest.backend}, sent ${+(f.busiest.share * 100).toFixed(1)} % by the balancer's weights, is full)`}`;
    const from = f.callers.length > 0 ? `, calls from ${f.callers.join(', ')} included` : '';
    if (f.meanRate >= limit) {
      const rho = f.meanRate / f.capacity;
      out.push({ path: ['services', i, 'servers'], message: `"${v.name}" is overloaded over the whole horizon: offered ${formatRate(f.meanRate)} on average${from} ${against} (ρ = ${rho.toFixed(2)}): ${consequence(v, rho, true)}` });
    } else if (f.peakRate !== null && f.peakRate >= limit) {
      const rho = f.peakRate / f.capacity;
      out.push({
        path: ['services', i, 'servers'],
        message: `"${v.name}" is overloaded at its peak: offered ${formatRate(f.peakRate)} from ${formatMoment(f.peakAt)}${from} ${against} (ρ = ${rho.toFixed(2)}; ${(f.meanRate / f.capacity).toFixed(2)} over the horizon) for ${formatSpan(f.overloadedSeconds)} of the ${formatSpan(s.horizon)}: ${consequence(v, rho, false)}`,
      });
    }
  });
  return out;
}
