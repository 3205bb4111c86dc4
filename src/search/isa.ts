/**
 * The iterative staffing algorithm (ISA) for time-varying arrivals: Z. Feldman,
 * A. Mandelbaum, W. A. Massey, W. Whitt, "Staffing of time-varying queues to achieve
 * time-stable performance", Management Science 54(2), 324–338 (2008).
 *
 * ISA simulates the queue under a staffing function, reads the distribution of the number in
 * system L(t) in every staffing interval, and restaffs each interval with the fewest servers
 * s for which P(L(t) ≥ s) ≤ α (by PASTA, the probability that an arrival at t waits). We read
 * L as the arrivals of the interval saw it, which by PASTA is its time average over the
 * interval and gives many samples per replication instead of one. Starting
 * from ample staffing (no one waits, so L is the infinite-server count), it repeats until the
 * staffing stops changing. The result keeps the delay probability near α all day, lags and
 * transients included, where a pointwise-stationary Erlang C on λ(t) would not.
 *
 * The queue simulated here is M_t/M/s_t: nonhomogeneous Poisson arrivals (thinning), a
 * common exponential service rate, staffing piecewise constant over a grid. When staffing
 * drops below the busy servers, those servers finish their customer first (exhaustive
 * service). Every replication r draws from the stream (seed, r, "isa"), the same in every
 * iteration (common random numbers), which makes the iteration converge cleanly.
 */
import { RandomStreams } from '../engine/random.js';

/** The M_t/M/s_t queue to staff. Times in any one unit (hours, say), rates per that unit. */
export interface TimeVaryingQueue {
  /** Arrival rate λ(t). */
  rate: (t: number) => number;
  /** An upper bound of λ(t) over the horizon (for thinning). */
  rateMax: number;
  /** Service rate μ of one server. */
  mu: number;
  /** Simulated span [0, horizon); the queue starts empty. */
  horizon: number;
  /** Width of one staffing interval (ISA's time grid). */
  step: number;
}

/** What one simulation of a staffing function measured. */
export interface StaffingEvaluation {
  /** Per staffing interval: arrivals that had to wait / arrivals. */
  delayProbability: number[];
  /** Per staffing interval: arrivals observed (over all replications). */
  arrivals: number[];
  /** Per staffing interval: how many arrivals found n customers in system, indexed by n (PASTA: arrivals see time averages). */
  seenByArrivals: number[][];
  /** Per staffing interval: arrivals that waited longer than the wait threshold τ / arrivals (FCFS; the delay probability when τ = 0). */
  waitExceeds: number[];
}

function intervals(q: TimeVaryingQueue): number {
  return Math.ceil(q.horizon / q.step - 1e-9);
}

/** Simulates `replications` days of the queue under `staffing` (one value per interval); waits are FCFS, and `waitThreshold` τ is the one `waitExceeds` counts against. */
export function simulateStaffing(q: TimeVaryingQueue, staffing: readonly number[], replications: number, seed: string | number, waitThreshold = 0): StaffingEvaluation {
  const k = intervals(q);
  if (staffing.length !== k) throw new RangeError(`simulateStaffing: ${k} staffing intervals expected, got ${staffing.length}`);
  const sMax = Math.max(...staffing);
  const delayed = new Array<number>(k).fill(0);
  const arrivals = new Array<number>(k).fill(0);
  const seen: number[][] = Array.from({ length: k }, () => []);
  const late = new Array<number>(k).fill(0);
  for (let r = 0; r < replications; r++) {
    // Waiting customers in FCFS order: arrival time and arrival interval.
    const line: [number, number][] = [];
    let head = 0;
    const start = (at: number): void => {
      const [a, i] = line[head++]!;
      if (at - a > waitThreshold) late[i]!++;
    };
    const rng = new RandomStreams(seed, r).stream('isa');
    let t = 0;
    let n = 0; // in system
    let busy = 0;
    let interval = 0;
    const bound = q.rateMax + q.mu * sMax;
    for (;;) {
      t += -Math.log(1 - rng.next()) / bound;
      // Staffing changes at interval boundaries; more servers start waiting customers at once.
      while (interval < k && (interval + 1) * q.step <= t) {
        interval++;
        if (interval < k) {
          const more = Math.min(n - busy, Math.max(0, staffing[interval]! - busy));
          busy += more;
          for (let j = 0; j < more; j++) start(interval * q.step);
        }
      }
      if (interval >= k || t >= q.horizon) break;
      const u = rng.next() * bound;
      const lambda = q.rate(t);
      if (u < lambda) {
        arrivals[interval]!++;
        const h = seen[interval]!;
        h[n] = (h[n] ?? 0) + 1;
        n++;
        if (busy < staffing[interval]!) busy++;
        else {
          delayed[interval]!++;
          line.push([t, interval]);
        }
      } else if (u < lambda + q.mu * busy) {
        n--;
        busy--;
        // The freed server takes the next in line if staffing still allows.
        if (n > busy && busy < staffing[interval]!) {
          busy++;
          start(t);
        }
      }
    }
    // Still waiting at the end: late when they have already waited longer than τ.
    for (; head < line.length; head++) if (q.horizon - line[head]![0] > waitThreshold) late[line[head]![1]]!++;
  }
  for (const h of seen) for (let i = 0; i < h.length; i++) h[i] ??= 0;
  return { delayProbability: delayed.map((d, i) => (arrivals[i]! > 0 ? d / arrivals[i]! : NaN)), arrivals, seenByArrivals: seen, waitExceeds: late.map((d, i) => (arrivals[i]! > 0 ? d / arrivals[i]! : NaN)) };
}

/** Settings of ISA. */
export interface IsaOptions {
  /** Target probability α that an arrival waits (longer than `waitThreshold`, when given). */
  delayProbability: number;
  /**
   * ISA(τ) for a waiting-time-tail target P(W > τ) ≤ α (a service level "answered within τ"),
   * in the queue's time unit; default 0, the delay probability. An arrival that finds n ≥ s in
   * system waits longer than τ when fewer than n − s + 1 services end within τ, all s servers
   * busy: P(W > τ | n) = P(Poisson(sμτ) ≤ n − s). Staffing s is read off Σ_n P(L = n)·that.
   */
  waitThreshold?: number;
  /** Replications per iteration. */
  replications: number;
  seed: string | number;
  /**
   * How a staffing level is picked from the distribution of L: `conservative` (FMMW's rule),
   * the fewest s with P(L ≥ s) ≤ α, so every interval's delay probability stays at or below α
   * and sits about half a server's worth of probability under it; `nearest` (default), the s
   * whose P(L ≥ s) is closest to α, which centres the delay probability on α.
   */
  rounding?: 'conservative' | 'nearest';
  /** Give up after this many iterations (default 20). */
  maxIterations?: number;
}

/** What ISA returns. */
export interface IsaResult {
  /** Servers per staffing interval. */
  staffing: number[];
  iterations: number;
  /** True when the last iteration moved no interval's staffing by more than one server. */
  converged: boolean;
}

/** P(Poisson(m) ≤ j), summed term by term (j is small: the queue length beyond s). */
function poissonCdf(j: number, m: number): number {
  if (j < 0) return 0;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i <= j; i++) {
    term *= m / i;
    sum += term;
    if (term < 1e-15 * sum && i > m) break;
  }
  return Math.min(1, sum);
}

/** Share of arrivals that would wait longer than τ with s servers, from the counts of L they saw (τ = 0: P(L ≥ s)). */
function tail(seen: readonly number[], total: number, s: number, mu: number, tau: number): number {
  let late = 0;
  for (let n = s; n < seen.length; n++) late += (seen[n] ?? 0) * (tau > 0 ? poissonCdf(n - s, s * mu * tau) : 1);
  return late / total;
}

/** Picks the staffing of one interval from the counts of L seen by its arrivals. */
function restaff(seen: readonly number[], total: number, alpha: number, rounding: 'conservative' | 'nearest', mu = 1, tau = 0): number {
  if (total === 0) return 0;
  // The fewest s whose tail is ≤ α (the tail falls as s grows).
  let s = 0;
  while (s < seen.length && tail(seen, total, s, mu, tau) > alpha) s++;
  if (rounding === 'conservative' || s === 0) return s;
  // One server fewer leaves the tail above α: take it when it is closer.
  const above = tail(seen, total, s - 1, mu, tau) - alpha;
  const below = alpha - tail(seen, total, s, mu, tau);
  return above < below ? s - 1 : s;
}

/** Runs ISA (Feldman, Mandelbaum, Massey & Whitt 2008) to a staffing function with P(wait) ≈ α at all times. */
export function isaStaffing(q: TimeVaryingQueue, o: IsaOptions): IsaResult {
  const k = intervals(q);
  // Ample start: far more servers than the infinite-server count can reach.
  const ample = Math.ceil(q.rateMax / q.mu + 10 * Math.sqrt(q.rateMax / q.mu) + 10);
  let staffing = new Array<number>(k).fill(ample);
  const max = o.maxIterations ?? 20;
  for (let it = 1; it <= max; it++) {
    const ev = simulateStaffing(q, staffing, o.replications, o.seed);
    const next = ev.seenByArrivals.map((h, i) => restaff(h, ev.arrivals[i]!, o.delayProbability, o.rounding ?? 'nearest', q.mu, o.waitThreshold ?? 0));
    // FMMW's stopping rule: no interval's staffing moves by more than one server.
    const same = next.every((s, i) => Math.abs(s - staffing[i]!) <= 1);
    staffing = next;
    if (same) return { staffing, iterations: it, converged: true };
  }
  return { staffing, iterations: max, converged: false };
}
