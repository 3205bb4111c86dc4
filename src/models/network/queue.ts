/**
 * A capacity-limited network device as an M/M/1/K queue evaluated at the offered rate of the
 * moment (a fluid approximation: packets are not simulated one by one). With λ the offered
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
