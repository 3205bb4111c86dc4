/**
 * Queues with room for only so many: M/M/c/K (c servers, at most K in the system, arrivals
 * that find it full are blocked and lost). K = c is Erlang's loss system M/M/c/c (Erlang B);
 * K → ∞ is M/M/c (Erlang C). Steady state; stable for any load since the queue is finite.
 *
 * Numerics: the birth–death probabilities are normalised in log space from the Erlang B
 * recursion (1/B_k = 1 + (k/a)/B_{k−1}), so neither a^n/n! nor ρ^(K−c) overflows.
 *
 * References:
 *  - L. Kleinrock, Queueing Systems, Vol. 1 (Wiley, 1975), ch. 3 (M/M/m/K, M/M/m/m).
 *  - D. Gross, J. F. Shortle, J. M. Thompson, C. M. Harris, Fundamentals of Queueing Theory,
 *    4th ed. (Wiley, 2008), §2.5 (M/M/c/K).
 */

/** log(1/B(c, a)) where B is Erlang B, by the recursion 1/B_k = 1 + (k/a)/B_{k−1}, B_0 = 1, kept in logs. */
export function logInverseErlangB(c: number, a: number): number {
  if (!Number.isInteger(c) || c < 0) throw new RangeError(`logInverseErlangB: servers must be an integer ≥ 0, got ${c}`);
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`logInverseErlangB: offered load must be finite and > 0, got ${a}`);
  let l = 0;
  for (let k = 1; k <= c; k++) {
    const x = Math.log(k / a) + l;
    // log(1 + e^x), without overflow for large x.
    l = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
  return l;
}

/** Steady-state measures of an M/M/c/K queue. */
export interface FiniteQueueMeasures {
  /** P(an arrival is blocked) = p_K (PASTA). */
  blocking: number;
  /** P(an admitted arrival has to wait) = Σ_{n=c}^{K−1} p_n ÷ (1 − p_K). */
  waitProbability: number;
  /** Mean number waiting, Lq = Σ_{n>c} (n − c)·p_n. */
  queueMean: number;
  /** Mean wait of admitted arrivals, Wq = Lq ÷ (λ(1 − p_K)) (Little). */
  meanWait: number;
  /** Mean time in system of admitted arrivals, W = Wq + 1/μ. */
  meanResponse: number;
  /** Throughput of admitted arrivals, λ(1 − p_K). */
  throughput: number;
}

/**
 * M/M/c/K with arrival rate λ, service rate μ per server, c servers and room for K ≥ c in the
 * system (K − c waiting places): p_n ∝ a^n/n! for n ≤ c and p_c·ρ^(n−c) above, a = λ/μ,
 * ρ = a/c (Kleinrock Vol. 1, ch. 3; Gross et al. 2008, §2.5).
 */
export function mmcK(c: number, K: number, lambda: number, mu: number): FiniteQueueMeasures {
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`mmcK: servers must be an integer ≥ 1, got ${c}`);
  if (!Number.isInteger(K) || K < c) throw new RangeError(`mmcK: capacity K must be an integer ≥ c = ${c}, got ${K}`);
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`mmcK: arrival rate must be finite and ≥ 0, got ${lambda}`);
  if (!(mu > 0) || !Number.isFinite(mu)) throw new RangeError(`mmcK: service rate must be finite and > 0, got ${mu}`);
  if (lambda === 0) return { blocking: 0, waitProbability: 0, queueMean: 0, meanWait: 0, meanResponse: 1 / mu, throughput: 0 };
  const a = lambda / mu;
  const logRho = Math.log(a / c);
  // In units of p_c: Σ_{n<c} p_n = 1/B − 1, and p_{c+j} = ρ^j for j = 0 … K − c.
  const lInvB = logInverseErlangB(c, a);
  const top = Math.max(lInvB, (K - c) * logRho, 0);
  let z = Math.exp(lInvB - top) - Math.exp(-top);
  let lq = 0;
  let waitMass = 0;
  for (let j = 0; j <= K - c; j++) {
    const p = Math.exp(j * logRho - top);
    z += p;
    lq += j * p;
    if (j < K - c) waitMass += p;
  }
  const blocking = Math.exp((K - c) * logRho - top) / z;
  const queueMean = lq / z;
  const throughput = lambda * (1 - blocking);
  const meanWait = throughput > 0 ? queueMean / throughput : 0;
  return { blocking, waitProbability: waitMass / z / (1 - blocking), queueMean, meanWait, meanResponse: meanWait + 1 / mu, throughput };
}
