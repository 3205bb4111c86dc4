/**
 * Closed-form queueing results: the targets the engine and the models are validated against,
 * and quick capacity estimates. Steady state throughout; every function throws a RangeError
 * for an unstable system (utilisation ≥ 1) or meaningless input rather than return a
 * negative or infinite "result".
 *
 * Units: times are in whatever unit the rates use (rates per hour give hours). Where a
 * function takes `(lambda, mu)`, λ is the arrival rate and μ the service rate of one server;
 * the offered load is a = λ/μ erlangs.
 *
 * Numerics: Erlang C is computed from the Erlang B recursion, never from a^k/k! sums, so it is
 * finite and accurate for thousands of servers (a^k/k! alone overflows a double past a ≈ 700).
 *
 * References:
 *  - L. Kleinrock, Queueing Systems, Vol. 1: Theory (Wiley, 1975), ch. 3 (M/M/1, M/M/m,
 *    M/M/m/m) and ch. 5 (M/G/1).
 *  - L. Kleinrock, Queueing Systems, Vol. 2: Computer Applications (Wiley, 1976), ch. 3
 *    (priority queueing).
 *  - D. Gross, J. F. Shortle, J. M. Thompson, C. M. Harris, Fundamentals of Queueing Theory,
 *    4th ed. (Wiley, 2008).
 *  - A. Cobham, "Priority assignment in waiting line problems", Journal of the Operations
 *    Research Society of America 2(1), 70–76 (1954).
 *  - N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review, and
 *    research prospects", Manufacturing & Service Operations Management 5(2), 79–141 (2003).
 */

function checkServers(fn: string, c: number, min: number): void {
  if (!Number.isInteger(c) || c < min) throw new RangeError(`${fn}: servers must be an integer ≥ ${min}, got ${c}`);
}

function checkNonNegative(fn: string, what: string, x: number): void {
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${fn}: ${what} must be finite and ≥ 0, got ${x}`);
}

function checkPositive(fn: string, what: string, x: number): void {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`${fn}: ${what} must be finite and > 0, got ${x}`);
}

function checkStable(fn: string, rho: number): void {
  if (!(rho < 1)) throw new RangeError(`${fn}: unstable, ρ = ${rho}`);
}

// ---------------------------------------------------------------------------------------------
// M/M/c/c and M/M/c (Erlang)
// ---------------------------------------------------------------------------------------------

/** Erlang B, blocking probability of M/M/c/c with `a` erlangs offered: recursion B_k = a·B_{k−1}/(k + a·B_{k−1}), B_0 = 1 (Kleinrock Vol. 1, ch. 3; Gross et al. 2008). */
export function erlangB(c: number, a: number): number {
  checkServers('erlangB', c, 0);
  checkNonNegative('erlangB', 'offered load', a);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C, P(wait) in M/M/c with a = λ/μ < c (omit μ to pass a directly): C = c·B / (c − a·(1 − B)) from Erlang B (Kleinrock Vol. 1, ch. 3; Gross et al. 2008). */
export function erlangC(c: number, lambda: number, mu = 1): number {
  checkServers('erlangC', c, 1);
  checkNonNegative('erlangC', 'arrival rate', lambda);
  checkPositive('erlangC', 'service rate', mu);
  const a = lambda / mu;
  checkStable('erlangC', a / c);
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/** Mean wait in queue of M/M/c: Wq = C(c, a) / (cμ − λ) (Kleinrock Vol. 1, ch. 3). */
export function mmcWq(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda, mu) / (c * mu - lambda);
}

/** Mean time in system of M/M/c: W = Wq + 1/μ (Kleinrock Vol. 1, ch. 3). */
export function mmcW(c: number, lambda: number, mu: number): number {
  return mmcWq(c, lambda, mu) + 1 / mu;
}

/** Erlang C service level, share answered within `t`: SL(t) = 1 − C(c, a)·e^{−(c − a)·t/AHT}, with a erlangs offered and handle time AHT (Gans, Koole & Mandelbaum 2003). */
export function erlangCServiceLevel(c: number, a: number, t: number, aht: number): number {
  checkNonNegative('erlangCServiceLevel', 'answer time', t);
  checkPositive('erlangCServiceLevel', 'handle time', aht);
  return 1 - erlangC(c, a) * Math.exp((-(c - a) * t) / aht);
}

// ---------------------------------------------------------------------------------------------
// Single server: M/M/1, M/D/1, M/G/1
// ---------------------------------------------------------------------------------------------

/** Mean wait in queue of M/M/1: Wq = ρ/(μ − λ), ρ = λ/μ (Kleinrock Vol. 1, ch. 3). */
export function mm1Wq(lambda: number, mu: number): number {
  checkNonNegative('mm1Wq', 'arrival rate', lambda);
  checkPositive('mm1Wq', 'service rate', mu);
  checkStable('mm1Wq', lambda / mu);
  return lambda / mu / (mu - lambda);
}

/** Mean time in system of M/M/1: W = 1/(μ − λ) (Kleinrock Vol. 1, ch. 3). */
export function mm1W(lambda: number, mu: number): number {
  return mm1Wq(lambda, mu) + 1 / mu;
}

/** Pollaczek–Khinchine mean wait in queue of M/G/1: Wq = λ·E[S²] / (2(1 − ρ)), E[S²] = Var S + (E S)² (Kleinrock Vol. 1, ch. 5). */
export function pollaczekKhinchineWq(lambda: number, serviceMean: number, serviceVariance: number): number {
  checkNonNegative('pollaczekKhinchineWq', 'arrival rate', lambda);
  checkPositive('pollaczekKhinchineWq', 'service mean', serviceMean);
  checkNonNegative('pollaczekKhinchineWq', 'service variance', serviceVariance);
  const rho = lambda * serviceMean;
  checkStable('pollaczekKhinchineWq', rho);
  const es2 = serviceVariance + serviceMean * serviceMean;
  return (lambda * es2) / (2 * (1 - rho));
}

/** Mean time in system of M/G/1: W = Wq (Pollaczek–Khinchine) + E[S] (Kleinrock Vol. 1, ch. 5). */
export function pollaczekKhinchineW(lambda: number, serviceMean: number, serviceVariance: number): number {
  return pollaczekKhinchineWq(lambda, serviceMean, serviceVariance) + serviceMean;
}

/** Mean wait in queue of M/D/1 with constant service time D: Wq = λD² / (2(1 − ρ)), P-K with Var S = 0 (Kleinrock Vol. 1, ch. 5). */
export function md1Wq(lambda: number, serviceTime: number): number {
  return pollaczekKhinchineWq(lambda, serviceTime, 0);
}

// ---------------------------------------------------------------------------------------------
// M/G/1 with priority classes
// ---------------------------------------------------------------------------------------------

/** One priority class of an M/G/1 priority queue (class 0 is served first). */
export interface PriorityClass {
  /** Arrival rate λ_k. */
  lambda: number;
  /** Mean service time E[S_k]. */
  serviceMean: number;
  /** Variance of the service time Var S_k. */
  serviceVariance: number;
}

function checkClasses(fn: string, classes: readonly PriorityClass[]): void {
  for (const k of classes) {
    checkNonNegative(fn, 'arrival rate', k.lambda);
    checkPositive(fn, 'service mean', k.serviceMean);
    checkNonNegative(fn, 'service variance', k.serviceVariance);
  }
}

/** Cobham, mean wait in queue per class under non-preemptive priority M/G/1: Wq_k = W0 / ((1 − σ_{k−1})(1 − σ_k)), W0 = Σ λ_i·E[S_i²]/2, σ_k = Σ_{i≤k} ρ_i (Cobham 1954; Kleinrock Vol. 2, ch. 3). */
export function cobhamWq(classes: readonly PriorityClass[]): number[] {
  checkClasses('cobhamWq', classes);
  const w0 = classes.reduce((s, k) => s + (k.lambda * (k.serviceVariance + k.serviceMean ** 2)) / 2, 0);
  let sigma = 0;
  return classes.map((k) => {
    const before = sigma;
    sigma += k.lambda * k.serviceMean;
    checkStable('cobhamWq', sigma);
    return w0 / ((1 - before) * (1 - sigma));
  });
}

/** Mean time in system per class under preemptive-resume priority M/G/1: W_k = E[S_k]/(1 − σ_{k−1}) + R_k / ((1 − σ_{k−1})(1 − σ_k)), R_k = Σ_{i≤k} λ_i·E[S_i²]/2 (Kleinrock Vol. 2, ch. 3). */
export function preemptiveResumeW(classes: readonly PriorityClass[]): number[] {
  checkClasses('preemptiveResumeW', classes);
  let sigma = 0;
  let r = 0;
  return classes.map((k) => {
    const before = sigma;
    sigma += k.lambda * k.serviceMean;
    r += (k.lambda * (k.serviceVariance + k.serviceMean ** 2)) / 2;
    checkStable('preemptiveResumeW', sigma);
    return k.serviceMean / (1 - before) + r / ((1 - before) * (1 - sigma));
  });
}
