/**
 * Closed-form staffing: how many agents or servers a stationary queue needs to meet a
 * target, from the Erlang formulas in queueing.ts. These give the search its analytic warm
 * start at zero replications; the simulation then certifies (or corrects) them.
 *
 * References:
 *  - N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
 *    research prospects", MSOM 5(2), 79–141 (2003): Erlang C service level, square-root
 *    staffing.
 *  - S. Halfin, W. Whitt, "Heavy-traffic limits for queues with many exponential servers",
 *    Operations Research 29(3), 567–588 (1981): P(wait) ≈ [1 + βΦ(β)/φ(β)]⁻¹.
 *  - W. A. Massey, W. Whitt, "An analysis of the modified offered-load approximation for the
 *    nonstationary Erlang loss model", Annals of Applied Probability 4(4), 1145–1160 (1994):
 *    the offered load of an M_t/G/∞ queue lags the arrival rate by about one service time.
 */
import { erlangC, erlangCServiceLevel } from './queueing.js';

const MAX_SERVERS = 1_000_000;

/** Smallest c > a for which `ok(c)` holds (ok is monotone in c); throws past a million. */
function smallest(a: number, ok: (c: number) => boolean, fn: string): number {
  let c = Math.max(1, Math.floor(a) + 1);
  while (!ok(c)) {
    c++;
    if (c > MAX_SERVERS) throw new RangeError(`${fn}: no staffing up to ${MAX_SERVERS} meets the target`);
  }
  return c;
}

/** Erlang C staffing: the fewest agents answering at least `target` of calls within `answerTime`, with `a` erlangs offered and handle time `aht` (same time unit). */
export function erlangCAgents(a: number, aht: number, answerTime: number, target: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`erlangCAgents: target must lie in (0, 1), got ${target}`);
  if (a === 0) return 0;
  return smallest(a, (c) => erlangCServiceLevel(c, a, answerTime, aht) >= target, 'erlangCAgents');
}

/** Erlang C staffing for a delay-probability target: the fewest servers with P(wait) ≤ `delayProbability`. */
export function erlangCDelayServers(a: number, delayProbability: number): number {
  if (!(delayProbability > 0 && delayProbability < 1)) throw new RangeError(`erlangCDelayServers: target must lie in (0, 1), got ${delayProbability}`);
  if (a === 0) return 0;
  return smallest(a, (c) => erlangC(c, a) <= delayProbability, 'erlangCDelayServers');
}

function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF (Zelen & Severo 26.2.17, |error| < 7.5e-8). */
function bigPhi(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const upper = phi(x) * poly;
  return x >= 0 ? 1 - upper : upper;
}

/** Halfin–Whitt delay probability for square-root staffing c = a + β√a: [1 + βΦ(β)/φ(β)]⁻¹. */
export function halfinWhittDelay(beta: number): number {
  return 1 / (1 + (beta * bigPhi(beta)) / phi(beta));
}

/** The quality-of-service parameter β > 0 whose Halfin–Whitt delay probability is `delayProbability`. */
export function halfinWhittBeta(delayProbability: number): number {
  if (!(delayProbability > 0 && delayProbability < 1)) throw new RangeError(`halfinWhittBeta: target must lie in (0, 1), got ${delayProbability}`);
  let lo = 1e-9;
  let hi = 10;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (halfinWhittDelay(mid) > delayProbability) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Square-root staffing: ⌈a + β√a⌉ servers for `a` erlangs (Gans, Koole & Mandelbaum 2003). */
export function squareRootStaffing(a: number, beta: number): number {
  if (!(a >= 0)) throw new RangeError(`squareRootStaffing: offered load must be ≥ 0, got ${a}`);
  return Math.ceil(a + beta * Math.sqrt(a));
}

/**
 * P(response time > t) in M/M/c (FCFS): the wait is 0 with probability 1 − C and otherwise
 * exponential with rate θ = cμ − λ, added to an exponential service of rate μ.
 */
export function mmcResponseTail(c: number, lambda: number, mu: number, t: number): number {
  const C = erlangC(c, lambda, mu);
  const theta = c * mu - lambda;
  const service = Math.exp(-mu * t);
  const sum = Math.abs(theta - mu) < 1e-12 ? (1 + mu * t) * Math.exp(-mu * t) : (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t)) / (theta - mu);
  return (1 - C) * service + C * sum;
}

/** The fewest M/M/c servers with P(response > t) ≤ 1 − target (a latency objective "target within t"). */
export function mmcServersForLatency(lambda: number, mu: number, t: number, target: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`mmcServersForLatency: target must lie in (0, 1), got ${target}`);
  if (Math.exp(-mu * t) > 1 - target) throw new RangeError(`mmcServersForLatency: the service time alone exceeds ${t} more often than ${((1 - target) * 100).toFixed(3)} % of the time`);
  return smallest(lambda / mu, (c) => mmcResponseTail(c, lambda, mu, t) <= 1 - target, 'mmcServersForLatency');
}

/** The fewest servers when each has its own queue and traffic is split evenly (c × M/M/1): P(T > t) = e^{−(μ − λ/c)t} ≤ 1 − target. */
export function splitQueueServersForLatency(lambda: number, mu: number, t: number, target: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`splitQueueServersForLatency: target must lie in (0, 1), got ${target}`);
  const need = mu + Math.log(1 - target) / t;
  if (!(need > 0)) throw new RangeError(`splitQueueServersForLatency: the service time alone exceeds ${t} more often than ${((1 - target) * 100).toFixed(3)} % of the time`);
  return Math.max(1, Math.floor(lambda / need) + 1);
}

/**
 * The lagged arrival rate: the offered load of an M_t/G/∞ queue at time t is about
 * λ(t − E[S])·E[S] (Massey & Whitt 1994, first-order lag), so staffing intervals look back
 * by one mean service time.
 */
export function laggedRate(rate: (t: number) => number, t: number, meanService: number): number {
  return rate(Math.max(0, t - meanService));
}
