/**
 * A capacity-limited network device as an M/M/1/K queue evaluated at the offered rate of the
 * moment (an approximation: the device's queue is not simulated request by request; each
 * request draws what it finds there from the queue's stationary distribution). With λ the offered
 * request rate, μ the device's capacity, ρ = λ/μ and K its buffer:
 *   P(drop) = (1 − ρ) ρ^K / (1 − ρ^(K+1))          (ρ = 1: 1/(K+1))
 *   L       = ρ/(1 − ρ) − (K+1) ρ^(K+1) / (1 − ρ^(K+1))   (ρ = 1: K/2)
 *   W       = L / (λ (1 − P(drop)))                (Little's law on the admitted requests)
 * (Kleinrock, Queueing Systems I, §3.6). Above capacity (ρ > 1) the forms are rewritten in
 * r = 1/ρ so that ρ^K never overflows: P(drop) = (1 − r)/(1 − r^(K+1)) and
 * L = ρ/(1 − ρ) + (K+1)/(1 − r^(K+1)).
 */

/** Drop probability and mean time in the device (seconds) of an M/M/1/K queue. */
export interface DeviceQueueState {
  readonly drop: number;
  readonly delay: number;
}

/** Below this distance from ρ = 1 the ρ = 1 limits are used (the general forms cancel). */
const NEAR_ONE = 1e-7;

/** M/M/1/K at offered rate `lambda` (requests/s), capacity `mu` (requests/s) and buffer `k` (requests in the device, the one in service included). */
export function deviceQueue(lambda: number, mu: number, k: number): DeviceQueueState {
  if (!(lambda > 0)) return { drop: 0, delay: 1 / mu };
  const rho = lambda / mu;
  let drop: number;
  let l: number;
  if (Math.abs(rho - 1) < NEAR_ONE) {
    drop = 1 / (k + 1);
    l = k / 2;
  } else if (rho < 1) {
    const rk = rho ** k;
    const rk1 = rk * rho;
    drop = ((1 - rho) * rk) / (1 - rk1);
    l = rho / (1 - rho) - ((k + 1) * rk1) / (1 - rk1);
  } else {
    const r = 1 / rho;
    const rk1 = r ** (k + 1);
    drop = (1 - r) / (1 - rk1);
    l = rho / (1 - rho) + (k + 1) / (1 - rk1);
  }
  return { drop, delay: l / (lambda * (1 - drop)) };
}

/**
 * The number of requests an arriving request finds in the device, drawn from the
 * stationary distribution of the M/M/1/K queue (arrivals see time averages, PASTA):
 * P(n) = (1 − ρ) ρ^n / (1 − ρ^(K+1)), n = 0..K, by inversion of its CDF
 * F(n) = (1 − ρ^(n+1)) / (1 − ρ^(K+1)) at the uniform `u`. Finding K, the request is dropped;
 * otherwise its time in the device is Erlang(n + 1, μ).
 */
export function seenOnArrival(u: number, rho: number, k: number): number {
  if (!(rho > 0)) return 0;
  let n: number;
  if (Math.abs(rho - 1) < NEAR_ONE) n = Math.floor(u * (k + 1));
  else {
    const lnRho = Math.log(rho);
    let lnT: number;
    if (rho < 1) lnT = Math.log(1 - u * (1 - rho ** (k + 1)));
    else {
      // ln(1 + u(ρ^(K+1) − 1)) = x + ln(u + (1 − u)e^(−x)), x = (K+1) ln ρ, which never overflows.
      const x = (k + 1) * lnRho;
      lnT = x + Math.log(u + (1 - u) * Math.exp(-x));
    }
    n = Math.ceil(lnT / lnRho) - 1;
  }
  return n < 0 ? 0 : n > k ? k : n;
}

/** Most terms summed exactly by `admittedSojournVariance` (beyond, a continuous approximation). */
const MOMENT_TERMS = 200_000;

/**
 * Variance (s²) of the time an admitted request spends in an M/M/1/K device (the flow level
 * shapes the network delay's distribution with it): finding n (0 ≤ n < K, P ∝ ρ^n), it spends
 * Erlang(n + 1, μ), so E[D] = E[n + 1]/μ and E[D²] = E[(n + 1)(n + 2)]/μ². Summed from the
 * heavy end until the terms vanish; a buffer whose terms do not vanish within MOMENT_TERMS
 * (K > 200 000 near ρ = 1) takes n as continuous with density ∝ ρ^x on [0, K).
 */
export function admittedSojournVariance(lambda: number, mu: number, k: number): number {
  const rho = lambda > 0 ? lambda / mu : 0;
  // Weights ρ^n from n = 0 (ρ ≤ 1), or (1/ρ)^(K−1−n) from n = K − 1 (ρ > 1).
  const up = rho <= 1;
  const ratio = up ? rho : 1 / rho;
  let w = 1;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let i = 0;
  for (; i < k && i < MOMENT_TERMS; i++) {
    const n = up ? i : k - 1 - i;
    s0 += w;
    s1 += w * (n + 1);
    s2 += w * (n + 1) * (n + 2);
    w *= ratio;
    if (w < 1e-17 * s0) break;
  }
  let m1: number;
  let m2: number;
  if (i < k && i >= MOMENT_TERMS && w >= 1e-17 * s0) {
    // Continuous n on [0, K) with density ∝ e^{a y}, y = n/K, a = K ln ρ.
    const a = k * Math.log(rho);
    let ey: number;
    let ey2: number;
    if (Math.abs(a) < 1e-2) {
      ey = 0.5;
      ey2 = 1 / 3;
    } else if (a > 0) {
      const e = Math.exp(-a);
      ey = 1 / (1 - e) - 1 / a;
      ey2 = (1 - 2 / a + 2 / (a * a) - (2 * e) / (a * a)) / (1 - e);
    } else {
      const e = Math.exp(a);
      ey = 1 / (1 - 1 / e) - 1 / a;
      ey2 = (e * (1 - 2 / a + 2 / (a * a)) - 2 / (a * a)) / (e - 1);
    }
    const en = k * ey;
    const en2 = k * k * ey2;
    m1 = en + 1;
    m2 = en2 + 3 * en + 2;
  } else {
    m1 = s1 / s0;
    m2 = s2 / s0;
  }
  return Math.max(0, m2 - m1 * m1) / (mu * mu);
}
