/**
 * The distribution of the network time of an attempt, for the flow level: the time an
 * admitted request spends in a capacity device (M/M/1/K, queue.ts) as weighted points, and
 * the compositions the routes need — a sum over the devices in series, a mixture over the
 * routes of a shared pair.
 *
 * A device's time is exact in law: finding n (0 ≤ n < K, P ∝ ρ^n) the request spends
 * Erlang(n + 1, μ), whose CDF has the closed form (ρ ≠ 1)
 *   F(y) = [1 − ρ^K P(K, μy) − e^{−μ(1−ρ)y} Q(K, ρμy)] / (1 − ρ^K)
 * (P, Q the regularized incomplete gamma functions; split the geometric count at K, and a
 * geometric sum of Exp(μ) is Exp(μ(1 − ρ)); at ρ = 1 see admittedSojournCdfAtOne). It is tabulated and cut into probability
 * strata, each represented by its middle quantile: 40 equal strata up to 0.8, then strata
 * shrinking tenfold every eight points down to 2·10⁻⁸, so a tail probability such as "over 1 s"
 * keeps its relative accuracy (a moment-matched exponential or gamma overstates the tail of
 * a device near a full buffer tenfold: the buffer bounds the wait).
 */
import { logGamma } from '../../engine/index.js';
import type { NetworkDelay } from '../services/request-path.js';

/** Probability bounds of the strata (from 0 to 1). */
const BOUNDS: readonly number[] = (() => {
  const b: number[] = [];
  for (let i = 0; i <= 40; i++) b.push((0.8 * i) / 40);
  for (let k = 1; k <= 56; k++) b.push(1 - 0.2 * 10 ** (-k / 8));
  b.push(1);
  return b;
})();
/** The probability each stratum is represented at (its middle; the last one's at its mass's middle). */
const MIDS: readonly number[] = BOUNDS.slice(1).map((hi, i) => 0.5 * (BOUNDS[i]! + hi));
const WEIGHTS = Float64Array.from(BOUNDS.slice(1).map((hi, i) => hi - BOUNDS[i]!));
/** Cells of the CDF table a device's time is inverted on. */
const CELLS = 400;

let serial = 0;
const make = (mean: number, points: Float64Array, weights: Float64Array): NetworkDelay => ({ id: ++serial, mean, points, weights });

/** No network time. */
export const NO_DELAY: NetworkDelay = make(0, Float64Array.of(0), Float64Array.of(1));

/** ln(1 − e^l) for l ≤ 0, without cancellation. */
const log1mExp = (l: number): number => (l > -Math.LN2 ? Math.log(-Math.expm1(l)) : Math.log1p(-Math.exp(l)));

/**
 * [ln P(a, x), ln Q(a, x)], the regularized lower and upper incomplete gamma functions in logs
 * (so that neither underflows), by Numerical Recipes §6.2: the series below x = a + 1, Lentz's
 * continued fraction above (each converges within about 9√a terms near x = a). Written here
 * rather than taken from @stdlib (which `opsim fit` uses): that would put 250 KB into the code
 * every run loads.
 */
export function lnIncompleteGamma(a: number, x: number): [number, number] {
  if (!(x > 0)) return [-Infinity, 0];
  const lnPre = -x + a * Math.log(x) - logGamma(a);
  const most = 100 + Math.ceil(12 * Math.sqrt(a));
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < most; n++) {
      ap++;
      del *= x / ap;
      sum += del;
      if (del < sum * 1e-17) break;
    }
    const lnP = lnPre + Math.log(sum);
    return [lnP, log1mExp(Math.min(0, lnP))];
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= most; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  const lnQ = lnPre + Math.log(h);
  return [log1mExp(Math.min(0, lnQ)), lnQ];
}

/** P(a, x). */
const lowerGamma = (a: number, x: number): number => Math.exp(lnIncompleteGamma(a, x)[0]);

/** P(D ≤ y) for the time D an admitted request spends in an M/M/1/K device (offered rate λ, capacity μ, buffer K). */
export function admittedSojournCdf(y: number, lambda: number, mu: number, k: number): number {
  if (!(y > 0)) return 0;
  const rho = lambda / mu;
  if (!(rho > 0)) return 1 - Math.exp(-mu * y);
  const x = rho * mu * y;
  let f: number;
  if (Math.abs(rho - 1) < 1e-9) {
    f = admittedSojournCdfAtOne(mu * y, k);
  } else if (rho < 1) {
    const rk = rho ** k;
    f = (1 - rk * lowerGamma(k, mu * y) - Math.exp(-mu * (1 - rho) * y + lnIncompleteGamma(k, x)[1])) / (1 - rk);
  } else {
    // Divided through by ρ^K, which would overflow: [ρ^−K − P(K, μy) − ρ^−K e^{(ρ−1)μy} Q(K, ρμy)] / (ρ^−K − 1).
    const lnr = -k * Math.log(rho);
    const r = Math.exp(lnr);
    f = (r - lowerGamma(k, mu * y) - Math.exp(lnr + (rho - 1) * mu * y + lnIncompleteGamma(k, x)[1])) / (r - 1);
  }
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

/**
 * The CDF at ρ = 1 (x = μy): n is uniform on 0..K−1, so F = (1/K) Σ_{n=1..K} P(n, x), and as
 * P(n, x) = Pr(N ≥ n) for N ~ Poisson(x) the sum is E[min(N, K)] = x·Pr(N ≤ K − 2) + K·Pr(N ≥ K):
 * F = [x Q(K − 1, x) + K P(K, x)] / K, two incomplete gammas instead of K (the sum cost ~K^1.5
 * per cell: a buffer of 10⁶ took a minute).
 */
export function admittedSojournCdfAtOne(x: number, k: number): number {
  if (!(x > 0)) return 0;
  const below = k > 1 ? x * Math.exp(lnIncompleteGamma(k - 1, x)[1]) : 0;
  return (below + k * lowerGamma(k, x)) / k;
}

/**
 * The time an admitted request spends in an M/M/1/K device as weighted points. `mean` is its
 * exact mean W (deviceQueue(lambda, mu, k).delay, which the caller has already computed for
 * the drop share) and `variance` its variance (admittedSojournVariance).
 */
export function deviceDelay(lambda: number, mu: number, k: number, mean: number, variance: number): NetworkDelay {
  // Far enough for the last stratum (10⁻⁷): 20 standard deviations past the mean (an exponential's 1 − F there is e^−21).
  const top = mean + 20 * Math.sqrt(variance);
  const ys = new Float64Array(CELLS + 1);
  const fs = new Float64Array(CELLS + 1);
  for (let i = 0; i <= CELLS; i++) {
    ys[i] = (top * i) / CELLS;
    fs[i] = admittedSojournCdf(ys[i]!, lambda, mu, k);
  }
  for (let i = 1; i <= CELLS; i++) if (fs[i]! < fs[i - 1]!) fs[i] = fs[i - 1]!;
  const points = new Float64Array(MIDS.length);
  let c = 0;
  for (let j = 0; j < MIDS.length; j++) {
    const p = MIDS[j]!;
    while (c < CELLS && fs[c + 1]! < p) c++;
    if (c >= CELLS) {
      points[j] = top;
      continue;
    }
    // Interpolated in ln(1 − F), which is close to linear in an exponential tail.
    const a = Math.log(Math.max(1e-300, 1 - fs[c]!));
    const b = Math.log(Math.max(1e-300, 1 - fs[c + 1]!));
    const t = a === b ? 0.5 : (a - Math.log(1 - p)) / (a - b);
    points[j] = ys[c]! + Math.min(1, Math.max(0, t)) * (ys[c + 1]! - ys[c]!);
  }
  // The points' mean is the strata's; the mean reported (and added to response times) is W.
  return make(mean, points, WEIGHTS);
}

/** The sum of independent network times (devices in series): all pairs of points, cut back into the strata. */
export function sumDelays(a: NetworkDelay, b: NetworkDelay): NetworkDelay {
  if (a === NO_DELAY) return b;
  if (b === NO_DELAY) return a;
  const n = a.points.length * b.points.length;
  const xs = new Float64Array(n);
  const ws = new Float64Array(n);
  let i = 0;
  for (let p = 0; p < a.points.length; p++)
    for (let q = 0; q < b.points.length; q++) {
      xs[i] = a.points[p]! + b.points[q]!;
      ws[i++] = a.weights[p]! * b.weights[q]!;
    }
  return restrata(a.mean + b.mean, xs, ws);
}

/** A mixture of network times with probabilities `shares` (the routes of shared pairs). */
export function mixDelays(parts: readonly NetworkDelay[], shares: readonly number[]): NetworkDelay {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const s of shares) total += s;
  let mean = 0;
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    mean += (shares[i]! / total) * parts[i]!.mean;
    n += parts[i]!.points.length;
  }
  const xs = new Float64Array(n);
  const ws = new Float64Array(n);
  let k = 0;
  parts.forEach((d, i) => {
    for (let p = 0; p < d.points.length; p++) {
      xs[k] = d.points[p]!;
      ws[k++] = (d.weights[p]! * shares[i]!) / total;
    }
  });
  return restrata(mean, xs, ws);
}

/** Weighted points cut back into the strata: each stratum's point is the weighted point at its middle probability. */
function restrata(mean: number, xs: Float64Array, ws: Float64Array): NetworkDelay {
  const order = Array.from(xs.keys()).sort((p, q) => xs[p]! - xs[q]!);
  const points = new Float64Array(MIDS.length);
  let cum = 0;
  let j = 0;
  for (const o of order) {
    cum += ws[o]!;
    while (j < MIDS.length && cum >= MIDS[j]! - 1e-12) points[j++] = xs[o]!;
  }
  for (; j < MIDS.length; j++) points[j] = xs[order[order.length - 1]!]!;
  return make(mean, points, WEIGHTS);
}
