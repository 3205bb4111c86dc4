/**
 * Closed-form queueing results the engine is validated against. Times are in whatever unit
 * the rates use (rates per hour give hours).
 */

/** Erlang C: probability an arrival waits in M/M/c with offered load a = λ/μ. */
export function erlangC(c: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  const rho = a / c;
  if (!(rho < 1)) throw new RangeError(`erlangC: unstable, ρ = ${rho}`);
  // Build a^k/k! iteratively so large c does not overflow factorials.
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const tail = (term * a) / c / (1 - rho);
  return tail / (sum + tail);
}

/** Erlang B blocking probability (used to cross-check Erlang C). */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Mean wait in queue of M/M/c. */
export function mmcWq(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda, mu) / (c * mu - lambda);
}

/** Pollaczek–Khinchine mean wait in queue of M/G/1 from the service mean and variance. */
export function pollaczekKhinchineWq(lambda: number, serviceMean: number, serviceVariance: number): number {
  const rho = lambda * serviceMean;
  if (!(rho < 1)) throw new RangeError(`P-K: unstable, ρ = ${rho}`);
  const es2 = serviceVariance + serviceMean * serviceMean;
  return (lambda * es2) / (2 * (1 - rho));
}

/** One priority class of an M/G/1 priority queue (class 0 is served first). */
export interface PriorityClass {
  lambda: number;
  serviceMean: number;
  serviceVariance: number;
}

/** Cobham: mean wait in queue of each class under non-preemptive priority M/G/1. */
export function cobhamWq(classes: readonly PriorityClass[]): number[] {
  const w0 = classes.reduce((s, k) => s + (k.lambda * (k.serviceVariance + k.serviceMean ** 2)) / 2, 0);
  let sigma = 0;
  return classes.map((k) => {
    const before = sigma;
    sigma += k.lambda * k.serviceMean;
    if (!(sigma < 1)) throw new RangeError(`cobham: unstable at ρ = ${sigma}`);
    return w0 / ((1 - before) * (1 - sigma));
  });
}

/** Mean time in system of each class under preemptive-resume priority M/G/1. */
export function preemptiveResumeW(classes: readonly PriorityClass[]): number[] {
  let sigma = 0;
  let r = 0;
  return classes.map((k) => {
    const before = sigma;
    sigma += k.lambda * k.serviceMean;
    r += (k.lambda * (k.serviceVariance + k.serviceMean ** 2)) / 2;
    if (!(sigma < 1)) throw new RangeError(`preemptive: unstable at ρ = ${sigma}`);
    return k.serviceMean / (1 - before) + r / ((1 - before) * (1 - sigma));
  });
}
