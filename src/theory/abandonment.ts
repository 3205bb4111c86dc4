/**
 * Erlang A (Palm's M/M/c+M): c agents, Poisson arrivals at rate λ, exponential handle times
 * at rate μ, and callers who hang up when their exponential patience (rate θ, mean 1/θ) runs
 * out before an agent answers. Stable for any load (impatience empties the queue); θ → 0 gives
 * Erlang C, and θ = μ behaves like M/M/∞ (everyone leaves at rate μ whether waiting or served).
 *
 * Method: the number in system is a birth–death chain with death rate min(n, c)μ + (n − c)⁺θ;
 * its distribution is normalised in log space (Erlang B below c, the product
 * Π_{k≤j} λ/(cμ + kθ) above) and summed until the tail is below 1e-17 of the mass. A caller
 * who arrives to find j callers waiting starts at place i = j + 1 of a FCFS queue, where each
 * place is left at rate cμ + iθ (an answer or an abandonment ahead moves the caller up, the
 * caller's own patience ends it). By telescoping, P(answered | place i) = cμ/(cμ + iθ) and
 * E[wait | place i] = i/(cμ + iθ); the service level (answered within t) is the absorption
 * probability of that place chain by time t, computed by uniformisation.
 *
 * References:
 *  - C. Palm, "Research on telephone traffic carried by full availability groups",
 *    Tele 1 (1957), the M/M/c+M model.
 *  - O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with impatient
 *    customers", Manufacturing & Service Operations Management 4(3), 208–227 (2002).
 *  - A. Mandelbaum, S. Zeltyn, "The Palm/Erlang-A queue, with applications to call centers",
 *    Technion lecture notes (2007): P(W > 0) = A·B / (1 + (A − 1)·B) with
 *    A(x, y) = x·e^y·y^(−x)·γ(x, y), x = cμ/θ, y = λ/θ, γ the lower incomplete gamma function
 *    and B = Erlang B(c, λ/μ) (tested against this method in test/engine).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { logInverseErlangB } from './finite-queue.js';

/** Steady-state measures of Erlang A (M/M/c+M). Waits are in the unit of the rates. */
export interface ErlangAMeasures {
  /** P(an arrival finds every agent busy and has to wait). */
  waitProbability: number;
  /** P(an arrival hangs up before an answer) = θ·Lq/λ. */
  abandonProbability: number;
  /** Mean number waiting, Lq. */
  queueMean: number;
  /** Mean wait of every arrival (answered or not), Lq/λ (Little). */
  meanWait: number;
  /** Mean wait of the answered callers, E[W | answered]. */
  meanWaitServed: number;
}

interface Chain {
  /** p_{c+j}, j = 0 …: the probabilities of c + j in system (j waiting). */
  tail: Float64Array;
  /** P(N < c). */
  below: number;
  c: number;
  cmu: number;
  theta: number;
}

const MAX_TAIL = 5_000_000;

function checkArgs(fn: string, c: number, lambda: number, mu: number, theta: number): void {
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`${fn}: agents must be an integer ≥ 1, got ${c}`);
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`${fn}: arrival rate must be finite and ≥ 0, got ${lambda}`);
  if (!(mu > 0) || !Number.isFinite(mu)) throw new RangeError(`${fn}: service rate must be finite and > 0, got ${mu}`);
  if (!(theta > 0) || !Number.isFinite(theta)) throw new RangeError(`${fn}: abandonment rate (1 / mean patience) must be finite and > 0, got ${theta} (without abandonment use Erlang C)`);
}

/** The stationary distribution of the number in system, from c on, with the mass below c. */
function chain(c: number, lambda: number, mu: number, theta: number): Chain {
  const cmu = c * mu;
  const logs: number[] = [0];
  let l = 0;
  let peak = 0;
  // Past the mode (cμ + jθ > λ) the terms fall faster than geometrically; stop when negligible.
  for (let j = 1; ; j++) {
    l += Math.log(lambda / (cmu + j * theta));
    logs.push(l);
    if (l > peak) peak = l;
    if (cmu + j * theta > lambda && l < peak - 40) break;
    if (j > MAX_TAIL) throw new RangeError(`erlangA: more than ${MAX_TAIL} callers waiting carry mass (λ/θ = ${lambda / theta}); the model is out of its range`);
  }
  const lInvB = logInverseErlangB(c, lambda / mu);
  const top = Math.max(peak, lInvB);
  // Σ_{n<c} p_n = p_c·(1/B − 1).
  const belowRel = Math.exp(lInvB - top) - Math.exp(-top);
  let z = belowRel;
  const tail = new Float64Array(logs.length);
  for (let j = 0; j < logs.length; j++) {
    tail[j] = Math.exp(logs[j]! - top);
    z += tail[j]!;
  }
  for (let j = 0; j < tail.length; j++) tail[j]! /= z;
  return { tail, below: belowRel / z, c, cmu, theta };
}

/** Erlang A measures for c agents, arrival rate λ, service rate μ and abandonment rate θ (1 / mean patience). */
export function erlangA(c: number, lambda: number, mu: number, theta: number): ErlangAMeasures {
  checkArgs('erlangA', c, lambda, mu, theta);
  if (lambda === 0) return { waitProbability: 0, abandonProbability: 0, queueMean: 0, meanWait: 0, meanWaitServed: 0 };
  const { tail, cmu } = chain(c, lambda, mu, theta);
  let wait = 0;
  let lq = 0;
  let abandon = 0;
  let servedWait = 0;
  // H = Σ_{k≤i} 1/(cμ + kθ): the mean time to climb from place i to an agent, given no abandonment.
  let h = 0;
  for (let j = 0; j < tail.length; j++) {
    const p = tail[j]!;
    const i = j + 1;
    const ri = cmu + i * theta;
    h += 1 / ri;
    wait += p;
    lq += j * p;
    abandon += (p * i * theta) / ri;
    servedWait += ((p * cmu) / ri) * h;
  }
  const served = 1 - abandon;
  return { waitProbability: wait, abandonProbability: abandon, queueMean: lq, meanWait: lq / lambda, meanWaitServed: served > 0 ? servedWait / served : NaN };
}

/**
 * Erlang A service level: P(an arrival is answered within t), over every arrival (callers who
 * hang up, before or after t, count as not answered within t). t in the unit of the rates.
 */
export function erlangAServiceLevel(c: number, lambda: number, mu: number, theta: number, t: number): number {
  checkArgs('erlangAServiceLevel', c, lambda, mu, theta);
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`erlangAServiceLevel: answer time must be finite and ≥ 0, got ${t}`);
  if (lambda === 0) return 1;
  const { tail, below, cmu } = chain(c, lambda, mu, theta);
  if (t === 0) return below;
  // Uniformisation of the place chain (places 1 … M, then answered or abandoned).
  const M = tail.length;
  const big = cmu + M * theta;
  const lt = big * t;
  const last = Math.ceil(lt + 12 * Math.sqrt(lt) + 30);
  if (last * M > 2e9) throw new RangeError(`erlangAServiceLevel: the answer time ${t} is too long for these rates to compute`);
  let v = Float64Array.from(tail);
  let next = new Float64Array(M);
  let answered = 0;
  let level = 0;
  const logLt = Math.log(lt);
  for (let n = 0; n <= last; n++) {
    level += Math.exp(-lt + n * logLt - gammaln(n + 1)) * answered;
    // One step: place i moves up with (cμ + (i − 1)θ)/Λ, hangs up with θ/Λ, else stays.
    let moved = 0;
    for (let k = 0; k < M; k++) {
      const p = v[k]!;
      if (p === 0) continue;
      const up = (cmu + k * theta) / big;
      const stay = 1 - up - theta / big;
      next[k] = next[k]! + p * stay;
      if (k === 0) moved += p * up;
      else next[k - 1] = next[k - 1]! + p * up;
    }
    answered += moved;
    const swap = v;
    v = next;
    next = swap;
    next.fill(0);
  }
  return below + level;
}

/** The fewest agents (≥ 1) for which `ok` holds (ok is monotone in c), by doubling then bisection; throws past a million. */
function fewest(ok: (c: number) => boolean, fn: string): number {
  let hi = 1;
  while (!ok(hi)) {
    hi *= 2;
    if (hi > 1_000_000) throw new RangeError(`${fn}: no staffing up to 1,000,000 agents meets the target`);
  }
  let lo = Math.floor(hi / 2); // fails (or is 0)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Erlang A staffing: the fewest agents answering at least `target` of all callers within `answerTime`. */
export function erlangAAgents(lambda: number, mu: number, theta: number, answerTime: number, target: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`erlangAAgents: target must lie in (0, 1), got ${target}`);
  if (lambda === 0) return 0;
  return fewest((c) => erlangAServiceLevel(c, lambda, mu, theta, answerTime) >= target, 'erlangAAgents');
}

/** Erlang A staffing: the fewest agents with P(abandon) ≤ `abandonProbability`. */
export function erlangAAbandonAgents(lambda: number, mu: number, theta: number, abandonProbability: number): number {
  if (!(abandonProbability > 0 && abandonProbability < 1)) throw new RangeError(`erlangAAbandonAgents: target must lie in (0, 1), got ${abandonProbability}`);
  if (lambda === 0) return 0;
  return fewest((c) => erlangA(c, lambda, mu, theta).abandonProbability <= abandonProbability, 'erlangAAbandonAgents');
}
