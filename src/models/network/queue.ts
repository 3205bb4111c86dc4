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
