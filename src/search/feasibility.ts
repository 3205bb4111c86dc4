/**
 * Fully sequential feasibility check for a mean constraint: Procedure F_B of Batur & Kim,
 * "Finding feasible systems in the presence of constraints on multiple performance
 * measures", ACM TOMACS 20(3), Article 13 (2010), for one system and one constraint.
 *
 * The constraint is E[Y] ≤ q (a "≥" constraint is checked on −Y against −q). With tolerance
 * (indifference zone) ε > 0, the procedure declares the system feasible with probability at
 * least 1 − β when E[Y] ≤ q − ε and infeasible with probability at least 1 − β when
 * E[Y] ≥ q + ε; between the two either answer is acceptable. After n0 first observations
 * with sample variance S², it adds one observation at a time and stops at the first r with
 *
 *     Σ_{j≤r} (Y_j − q) ≤ −R(r)  → feasible,      Σ_{j≤r} (Y_j − q) ≥ R(r)  → infeasible,
 *     R(r) = max{0, h²S²/(2cε) − ε·r/(2c)},          h² = 2cη(n0 − 1),
 *
 * where η solves g(η) = β with (Batur & Kim 2010, eq. 1–2, after Fabian 1974)
 *
 *     g(η) = Σ_{ℓ=1}^{c} (−1)^{ℓ+1} (1 − ½·𝟙[ℓ = c]) (1 + 2η(2c − ℓ)ℓ/c)^{−(n0−1)/2}.
 *
 * With c = 1 (the paper's recommended default and ours) g(η) = ½(1 + 2η)^{−(n0−1)/2}, so
 * η = ½[(2β)^{−2/(n0−1)} − 1] in closed form; the region is a triangle that closes at
 * r = ⌈h²S²/ε²⌉, so the procedure always stops. β is the per-(system, constraint) error:
 * β = α/(k·s) for k systems and s constraints (Bonferroni; the paper's choice for systems
 * that are not independent, which is our case under common random numbers).
 */

/** Which side of the threshold is feasible. */
export type Sense = 'atMost' | 'atLeast';

/** A decision of a sequential test. */
export type Decision = 'feasible' | 'infeasible' | 'undecided';

/** g(η) of Batur & Kim (2010), eq. 1, for n0 first-stage observations and the triangle parameter c. */
export function batturKimG(eta: number, n0: number, c = 1): number {
  let g = 0;
  for (let l = 1; l <= c; l++) {
    const sign = l % 2 === 1 ? 1 : -1;
    const half = l === c ? 0.5 : 1;
    g += sign * half * Math.pow(1 + (2 * eta * (2 * c - l) * l) / c, -(n0 - 1) / 2);
  }
  return g;
}

/** η with g(η) = β (Batur & Kim 2010, eq. 2): closed form for c = 1, bisection otherwise. */
export function batturKimEta(beta: number, n0: number, c = 1): number {
  if (!(beta > 0 && beta < 0.5)) throw new RangeError(`batturKimEta: β must lie in (0, 0.5), got ${beta}`);
  if (!Number.isInteger(n0) || n0 < 2) throw new RangeError(`batturKimEta: n0 must be an integer ≥ 2, got ${n0}`);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`batturKimEta: c must be an integer ≥ 1, got ${c}`);
  if (c === 1) return 0.5 * (Math.pow(2 * beta, -2 / (n0 - 1)) - 1);
  // g decreases in η from g(0) = ½ to 0; bracket, then bisect.
  let lo = 0;
  let hi = 1;
  while (batturKimG(hi, n0, c) > beta) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (batturKimG(mid, n0, c) > beta) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Parameters of one mean-constraint check. */
export interface MeanCheck {
  /** The threshold q. */
  threshold: number;
  /** `atMost`: feasible when E[Y] ≤ q; `atLeast`: feasible when E[Y] ≥ q. */
  sense: Sense;
  /** Tolerance ε > 0 in the metric's unit (the indifference zone is q ± ε). */
  tolerance: number;
  /** Error allowed for this system and constraint (already split, e.g. α/(k·s)). */
  beta: number;
  /** First-stage sample size n0 ≥ 2 (the variance is estimated from these). */
  n0: number;
  /** Triangle parameter c (default 1). */
  c?: number;
}

/** The outcome of a mean check on the observations so far. */
export interface MeanCheckResult {
  decision: Decision;
  /** Observations used: where the decision fell, or all of them when undecided. */
  n: number;
  /** Mean of the first n observations. */
  mean: number;
  /** First-stage sample variance S² (NaN with fewer than n0 observations). */
  s2: number;
  /** h² = 2cη(n0 − 1). */
  h2: number;
  /** The observation count at which the region closes: ⌈h²S²/ε²⌉ (Infinity before n0). */
  maxN: number;
}

/** h² of the check: 2cη(n0 − 1). */
export function batturKimH2(beta: number, n0: number, c = 1): number {
  return 2 * c * batturKimEta(beta, n0, c) * (n0 - 1);
}

/**
 * Runs F_B over the observations in order (a pure function: the same observations give the
 * same answer, so observations can arrive in batches). Undecided until the boundary is crossed.
 */
export function checkMean(observations: readonly number[], p: MeanCheck): MeanCheckResult {
  if (!(p.tolerance > 0)) throw new RangeError(`checkMean: tolerance must be > 0, got ${p.tolerance}`);
  const c = p.c ?? 1;
  const h2 = batturKimH2(p.beta, p.n0, c);
  const sign = p.sense === 'atMost' ? 1 : -1;
  const mean = (n: number): number => {
    let s = 0;
    for (let j = 0; j < n; j++) s += observations[j]!;
    return n > 0 ? s / n : NaN;
  };
  if (observations.length < p.n0) return { decision: 'undecided', n: observations.length, mean: mean(observations.length), s2: NaN, h2, maxN: Infinity };
  const m0 = mean(p.n0);
  let ss = 0;
  for (let j = 0; j < p.n0; j++) ss += (observations[j]! - m0) ** 2;
  const s2 = ss / (p.n0 - 1);
  const eps = p.tolerance;
  const maxN = Math.max(p.n0, Math.ceil((h2 * s2) / (eps * eps)));
  let sum = 0;
  for (let j = 0; j < p.n0 - 1; j++) sum += sign * (observations[j]! - p.threshold);
  for (let r = p.n0; r <= observations.length; r++) {
    sum += sign * (observations[r - 1]! - p.threshold);
    const R = Math.max(0, (h2 * s2) / (2 * c * eps) - (eps * r) / (2 * c));
    if (sum <= -R) return { decision: 'feasible', n: r, mean: mean(r), s2, h2, maxN };
    if (sum >= R) return { decision: 'infeasible', n: r, mean: mean(r), s2, h2, maxN };
  }
  return { decision: 'undecided', n: observations.length, mean: mean(observations.length), s2, h2, maxN };
}
