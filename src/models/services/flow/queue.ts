/**
 * The queueing formulas of a flow-level station: Poisson counts, and the response-time
 * distribution of a station in one regime (a stationary M/G/c queue, or a fluid backlog
 * that delays every request by the same wait).
 *
 * Stationary M/G/c, by the Allen–Cunneen approximation (Allen 1990; Hopp & Spearman,
 * "Factory Physics", §8.4): P(wait > 0) is Erlang C of the M/M/c queue with the same λ, c,
 * μ, and the conditional wait is exponential with mean (ca² + cs²)/2 ÷ (cμ − λ), where ca²
 * and cs² are the squared coefficients of variation of the interarrival and service times.
 * With exponential service and Poisson arrivals (ca² = cs² = 1) this is exact M/M/c:
 * R = W + S with W = 0 w.p. 1 − C, else Exp(cμ − λ), S ~ Exp(μ). A single-server backend fed
 * by round-robin (ca² < 1) uses the GI/M/1 result instead (see stationaryRegime).
 *
 * The response time is R = shift + W + S. Its CDF is closed form for exponential S; for any
 * other service time it is tabulated once per regime from stratified points of S (the
 * service-time shape, drawn once per pool from its own stream).
 */
import type { Rng } from '../../../engine/index.js';
import { erlangC } from '../../../theory/queueing.js';
import type { NetworkDelay } from '../request-path.js';

/** A Poisson(mean) count: inversion below mean 30, Hörmann's PTRS (1993) above. */
export function poisson(mean: number, rng: Rng): number {
  if (!(mean > 0)) return 0;
  if (mean < 30) {
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = rng.next();
    while (u > s && k < 1000) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hörmann, "The transformed rejection method for
  // generating Poisson random variables", Insurance: Mathematics and Economics 12, 1993).
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) return k;
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  // Stirling's series.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}

/** The shape of a pool's service time at speed 1: exponential (closed form) or stratified points. */
export interface ServiceShape {
  readonly mean: number;
  /** Squared coefficient of variation, variance ÷ mean². */
  readonly cs2: number;
  /** Sorted stratified points of S (equal probability each). */
  readonly points: Float64Array;
  /** Exponential S: the stationary regimes use the closed form. */
  readonly exponential: boolean;
}

/** Points used to tabulate a non-exponential service time. */
const SHAPE_POINTS = 256;

/** The shape of a service-time distribution: sample it `SHAPE_POINTS × 16` times, keep stratum medians. */
export function serviceShape(dist: { mean: number; variance: number; label: string; sample(rng: Rng): number }, rng: Rng): ServiceShape {
  const cs2 = dist.variance / (dist.mean * dist.mean);
  if (dist.label.startsWith('exponential')) {
    // Stratum medians of the exponential, exactly.
    const pts = Float64Array.from({ length: SHAPE_POINTS }, (_, j) => -Math.log(1 - (j + 0.5) / SHAPE_POINTS) * dist.mean);
    return { mean: dist.mean, cs2: 1, points: pts, exponential: true };
  }
  if (dist.variance === 0) return { mean: dist.mean, cs2: 0, points: Float64Array.of(dist.mean), exponential: false };
  const m = SHAPE_POINTS * 16;
  const xs = new Float64Array(m);
  for (let i = 0; i < m; i++) xs[i] = dist.sample(rng);
  xs.sort();
  const pts = new Float64Array(SHAPE_POINTS);
  for (let j = 0; j < SHAPE_POINTS; j++) pts[j] = xs[j * 16 + 8]!;
  // Rescale so the points' mean is the analytic mean (sampling noise must not bias E[S]).
  let s = 0;
  for (const p of pts) s += p;
  const k = dist.mean / (s / SHAPE_POINTS);
  for (let j = 0; j < SHAPE_POINTS; j++) pts[j]! *= k;
  return { mean: dist.mean, cs2, points: pts, exponential: false };
}

/** Grid of the tabulated CDFs: log-spaced from 10⁻⁴ to 10³ mean service times. */
const GRID = 512;
const GRID_LO = Math.log(1e-4);
const GRID_HI = Math.log(1e3);

/**
 * The response-time distribution of one regime: R = shift + W + S·scale, W = 0 w.p.
 * 1 − pWait, else Exp(theta); or, for a backlog held at its timeout cap (`back` > 0),
 * R = shift − X + S·scale with X ~ Exp(back) truncated to [0, shift]: the virtual wait of
 * an overloaded queue with impatient requests sits just below the timeout, at an
 * exponential distance (the reflected diffusion's stationary law, rate 2δ/σ²). Immutable.
 *
 * A network path in front of the service adds its time D before all of that: the client's
 * timeout starts when the attempt reaches the service (as at request level), so D is in the
 * response time but not judged by the timeout. D is independent of the rest and given as
 * weighted points (network/delay.ts).
 */
export class Regime {
  /** P(R ≤ timeout): the share of attempts that succeed (1 without a timeout). */
  readonly okFraction: number;
  /** Mean response time of the successes. */
  readonly okMean: number;
  /** Mean wait of every attempt served (shift + E[W]). */
  readonly waitMean: number;
  private readonly table: Float64Array | null;

  constructor(
    private readonly shape: ServiceShape,
    /** Service-time multiplier (1 ÷ speed × throttle factor). */
    readonly scale: number,
    readonly pWait: number,
    readonly theta: number,
    readonly shift: number,
    readonly timeout: number,
    readonly back = 0,
    /** Network time before the service (null: none). */
    readonly net: NetworkDelay | null = null,
  ) {
    this.table = shape.exponential && back === 0 ? null : this.tabulate();
    // Below 10⁻⁹ the miss is the table's rounding, not a timeout.
    const ok = timeout > 0 ? this.cdf(timeout) : 1;
    this.okFraction = ok > 1 - 1e-9 ? 1 : ok;
    const trunc = back > 0 ? 1 - Math.exp(-back * shift) : 1;
    const backMean = back > 0 ? 1 / back - (shift * Math.exp(-back * shift)) / trunc : 0;
    const waitAll = shift - backMean + (pWait > 0 ? pWait / theta : 0);
    const all = waitAll + shape.mean * scale;
    this.waitMean = waitAll;
    if (timeout > 0 && this.okFraction < 1) {
      // E[R; R ≤ T] = T·F(T) − ∫₀ᵀ F(t) dt (Simpson, 256 panels).
      const n = 256;
      const h = timeout / n;
      let s = this.cdf(0) + this.cdf(timeout);
      for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * this.cdf(i * h);
      const integral = (s * h) / 3;
      this.okMean = (net === null ? 0 : net.mean) + (this.okFraction > 0 ? (timeout * this.okFraction - integral) / this.okFraction : timeout);
    } else {
      this.okMean = (net === null ? 0 : net.mean) + all;
    }
  }

  /** P(R ≤ t). */
  cdf(t: number): number {
    const tab = this.table;
    if (tab !== null) {
      const x = this.back > 0 ? t : t - this.shift;
      if (x <= 0) return 0;
      const m = this.shape.mean * this.scale;
      const g = ((Math.log(x / m) - GRID_LO) / (GRID_HI - GRID_LO)) * (GRID - 1);
      if (g <= 0) return tab[0]!;
      if (g >= GRID - 1) return tab[GRID - 1]!;
      const i = Math.floor(g);
      const f = g - i;
      return tab[i]! * (1 - f) + tab[i + 1]! * f;
    }
    const x = t - this.shift;
    return x <= 0 ? 0 : this.exactCdf(x);
  }

  /** P(W + S ≤ x) for exponential S. */
  private exactCdf(x: number): number {
    const mu = 1 / (this.shape.mean * this.scale);
    const fs = 1 - Math.exp(-mu * x);
    if (this.pWait <= 0) return fs;
    const th = this.theta;
    let conv: number;
    if (Math.abs(th - mu) < 1e-9 * mu) conv = 1 - Math.exp(-mu * x) * (1 + mu * x);
    else conv = 1 - (th * Math.exp(-mu * x) - mu * Math.exp(-th * x)) / (th - mu);
    return (1 - this.pWait) * fs + this.pWait * conv;
  }

  /**
   * Tabulates on the log grid, from the stratified points of S: P(W + S ≤ x) (x measured
   * after the shift), or with `back`, P(shift − X + S ≤ x) (x from 0).
   */
  private tabulate(): Float64Array {
    const pts = this.shape.points;
    const n = pts.length;
    const m = this.shape.mean * this.scale;
    const tab = new Float64Array(GRID);
    const k = this.back;
    const d = this.shift;
    const trunc = k > 0 ? 1 - Math.exp(-k * d) : 1;
    for (let g = 0; g < GRID; g++) {
      const x = m * Math.exp(GRID_LO + ((GRID_HI - GRID_LO) * g) / (GRID - 1));
      let s = 0;
      for (let j = 0; j < n; j++) {
        const r = x - pts[j]! * this.scale;
        if (r < 0) break;
        if (k > 0) {
          // P(X ≥ d − r) for X ~ Exp(k) on [0, d].
          const y = d - r;
          s += y <= 0 ? 1 : y >= d ? 0 : (Math.exp(-k * y) - Math.exp(-k * d)) / trunc;
        } else s += this.pWait <= 0 ? 1 : 1 - this.pWait * Math.exp(-this.theta * r);
      }
      tab[g] = s / n;
    }
    return tab;
  }

  /** P(R ≤ t, success) without the network's time: the successes' sub-distribution. */
  private okSub(t: number): number {
    if (this.okFraction <= 0) return t >= this.timeout ? 1 : 0;
    return this.timeout > 0 && t >= this.timeout ? this.okFraction : this.cdf(t);
  }

  /** P(R ≤ t | success): the CDF of the successes' response times. */
  okCdf(t: number): number {
    const net = this.net;
    const scale = this.okFraction > 0 ? this.okFraction : 1;
    if (net === null) return this.okSub(t) / scale;
    // Thresholds (objectives, SLAs) are read at every step: the last few are kept.
    const mt = this.memoT;
    for (let k = 0; k < mt.length; k++) if (mt[k] === t) return this.memoV[k]!;
    const v = this.netCdf(t) / scale;
    const k = this.memoNext;
    mt[k] = t;
    this.memoV[k] = v;
    this.memoNext = (k + 1) % mt.length;
    return v;
  }

  /** okCdf for a quantile search: a regime searched often (by monitors and series) is tabulated once and read between points. */
  searchCdf(t: number): number {
    if (this.net === null) return this.okCdf(t);
    const tab = this.netTable;
    if (tab !== null) {
      const g = (Math.log(t) - this.netLo) * this.netStep;
      if (g >= 0) {
        if (g >= NET_GRID - 1) return tab[NET_GRID - 1]!;
        const i = Math.floor(g);
        const f = g - i;
        return tab[i]! * (1 - f) + tab[i + 1]! * f;
      }
    } else if (++this.netReads === NET_TABULATE_AFTER) this.tabulateNet();
    return this.netCdf(t) / (this.okFraction > 0 ? this.okFraction : 1);
  }

  private readonly memoT = [NaN, NaN, NaN, NaN];
  private readonly memoV = [0, 0, 0, 0];
  private memoNext = 0;

  /** Quantile-search reads before the network's convolution is tabulated. */
  private netReads = 0;
  private netTable: Float64Array | null = null;
  private netLo = 0;
  private netStep = 0;

  /** okCdf on a log grid from 10⁻⁴ of the mean response time to `upper()`, linear between points. */
  private tabulateNet(): void {
    const lo = Math.log(1e-4 * this.okMean);
    const hi = Math.log(this.upper());
    const tab = new Float64Array(NET_GRID);
    const scale = this.okFraction > 0 ? this.okFraction : 1;
    for (let i = 0; i < NET_GRID; i++) tab[i] = this.netCdf(Math.exp(lo + ((hi - lo) * i) / (NET_GRID - 1))) / scale;
    this.netLo = lo;
    this.netStep = (NET_GRID - 1) / (hi - lo);
    this.netTable = tab;
  }

  /** P(D + X ≤ t, success) for the network time D (independent of the time X at the service), over D's points. */
  private netCdf(t: number): number {
    const net = this.net!;
    const pts = net.points;
    const ws = net.weights;
    let c = 0;
    for (let j = 0; j < pts.length; j++) {
      const x = t - pts[j]!;
      if (x <= 0) break;
      c += ws[j]! * this.okSub(x);
    }
    return c;
  }

  /** A time past which (almost) no success lies, for quantile searches. */
  upper(): number {
    const net = this.net === null ? 0 : this.net.points[this.net.points.length - 1]!;
    if (this.timeout > 0) return net + this.timeout;
    const tail = this.pWait > 0 ? 40 / this.theta : 0;
    const s = this.shape.exponential ? 40 * this.shape.mean : this.shape.points[this.shape.points.length - 1]! * 2;
    return net + this.shift + tail + s * this.scale;
  }
}

/** Points of a network regime's tabulated CDF (log-spaced: 1.6 % apart over seven decades), and the reads before it is built. */
const NET_GRID = 1024;
const NET_TABULATE_AFTER = 64;

/**
 * Stationary regime of a station (λ < cμ). Poisson arrivals: Erlang C and the Allen–Cunneen
 * conditional wait (exact M/M/c for exponential service). Smoother arrivals (a round-robin
 * share: interarrival SCV ca² < 1) at a single-unit station: the GI/M/1 result with gamma
 * interarrivals of shape k = 1/ca² — P(wait > 0) = σ, the root of σ = (kλ/(kλ + μ(1 − σ)))^k,
 * and the conditional wait Exp(μ(1 − σ)) (Kleinrock Vol. 1, §6.4) — exact for exponential
 * service; for other service times σ is kept and the conditional mean is Allen–Cunneen's.
 */
export function stationaryRegime(shape: ServiceShape, scale: number, c: number, lambda: number, ca2: number, shift: number, timeout: number, net: NetworkDelay | null = null): Regime {
  const mu = 1 / (shape.mean * scale);
  if (!(lambda > 0)) return new Regime(shape, scale, 0, 1, shift, timeout, 0, net);
  // Callers keep λ below cμ; rounding must not tip it over.
  lambda = Math.min(lambda, c * mu * (1 - 1e-9));
  const ac = (ca2 + shape.cs2) / 2;
  if (c === 1 && ca2 < 1) {
    const k = 1 / ca2;
    let sigma = 0;
    for (let i = 0; i < 500; i++) {
      const next = Math.pow((k * lambda) / (k * lambda + mu * (1 - sigma)), k);
      if (Math.abs(next - sigma) < 1e-12) {
        sigma = next;
        break;
      }
      sigma = next;
    }
    const rho = lambda / mu;
    const theta = shape.exponential ? mu * (1 - sigma) : sigma / ((rho / (mu - lambda)) * ac);
    return new Regime(shape, scale, sigma, theta, shift, timeout, 0, net);
  }
  const pWait = c >= 1 && Number.isInteger(c) ? erlangC(c, lambda, mu) : erlangCReal(c, lambda / mu);
  const theta = (c * mu - lambda) / Math.max(1e-9, ac);
  return new Regime(shape, scale, pWait, theta, shift, timeout, 0, net);
}

/** Erlang C for a non-integer number of servers (speeds that differ): interpolated between ⌊c⌋ and ⌈c⌉. */
function erlangCReal(c: number, a: number): number {
  const lo = Math.max(1, Math.floor(c));
  const hi = lo + 1;
  const at = (k: number): number => (a < k ? erlangC(k, a) : 1);
  const f = c - lo;
  return at(lo) * (1 - f) + at(hi) * f;
}

/**
 * Fluid regime: every request waits `wait` (the backlog ahead of it) then is served; with
 * `back` > 0 the backlog is held at the timeout cap and the wait is `wait` − Exp(back).
 */
export function fluidRegime(shape: ServiceShape, scale: number, wait: number, timeout: number, back = 0, net: NetworkDelay | null = null): Regime {
  return new Regime(shape, scale, 0, 1, wait, timeout, back, net);
}

/** The q-quantile of a mixture of regimes weighted by `weights` (successes only); NaN when empty. */
export function mixtureQuantile(regimes: readonly Regime[], weights: readonly number[], q: number): number {
  let total = 0;
  let hi = 0;
  for (let i = 0; i < regimes.length; i++) {
    if (weights[i]! <= 0) continue;
    total += weights[i]!;
    hi = Math.max(hi, regimes[i]!.upper());
  }
  if (!(total > 0)) return NaN;
  const target = q * total;
  let lo = 0;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    let c = 0;
    for (let i = 0; i < regimes.length; i++) if (weights[i]! > 0) c += weights[i]! * regimes[i]!.searchCdf(mid);
    if (c >= target) hi = mid;
    else lo = mid;
    if (hi - lo <= 1e-7 * hi) break;
  }
  return hi;
}
