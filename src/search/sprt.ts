/**
 * Wald's sequential probability ratio test for a chance constraint: P(the period meets the
 * SLA) ≥ p0, observed as one 0/1 verdict per replication (A. Wald, "Sequential tests of
 * statistical hypotheses", Annals of Mathematical Statistics 16(2), 117–186, 1945).
 *
 * With indifference zone δ the test decides between p = p0 − δ (infeasible) and p = p0 + δ
 * (feasible), with error at most β each way: boundaries ±ln(1/β). Wald's inequalities give
 * P(wrong way) ≤ (1 − β′)·e^{−A} ≤ β for A = ln(1/β); the textbook A = ln((1 − β)/β) only
 * bounds it by β/(1 − β), a hair above β. Between p0 − δ and p0 + δ either answer is
 * acceptable, and the error falls further away (the OC function is monotone). The test is
 * truncated by the budget: it may end undecided, never wrong where the untruncated test is right.
 */
import type { Decision } from './feasibility.js';

/** Parameters of one chance-constraint test. */
export interface ChanceCheck {
  /** Required probability p0 of meeting the SLA in a period. */
  probability: number;
  /** Indifference zone δ > 0: p0 ± δ must lie strictly inside (0, 1). */
  tolerance: number;
  /** Error allowed for this system and constraint (already split). */
  beta: number;
}

/** The outcome of an SPRT on the verdicts so far. */
export interface ChanceCheckResult {
  decision: Decision;
  /** Verdicts used: where the decision fell, or all of them when undecided. */
  n: number;
  /** Periods met among the first n. */
  met: number;
  /** The log-likelihood ratio at n. */
  llr: number;
  /** The boundary A = ln(1/β); the test stops at llr ≥ A (feasible) or ≤ −A (infeasible). */
  bound: number;
}

/** Checks p0 ± δ and β; throws a RangeError naming what is wrong. */
export function checkChanceParameters(p: ChanceCheck): void {
  if (!(p.tolerance > 0)) throw new RangeError(`chance constraint: the indifference zone must be > 0, got ${p.tolerance}`);
  if (!(p.probability - p.tolerance > 0 && p.probability + p.tolerance < 1)) {
    throw new RangeError(`chance constraint: p0 ± δ = ${p.probability} ± ${p.tolerance} must lie strictly between 0 and 1`);
  }
  if (!(p.beta > 0 && p.beta < 0.5)) throw new RangeError(`chance constraint: β must lie in (0, 0.5), got ${p.beta}`);
}

/** Runs the SPRT over the verdicts in order (any value ≥ 0.5 counts as met); a pure function. */
export function checkChance(verdicts: readonly number[], p: ChanceCheck): ChanceCheckResult {
  checkChanceParameters(p);
  const p1 = p.probability + p.tolerance;
  const p0 = p.probability - p.tolerance;
  const up = Math.log(p1 / p0);
  const down = Math.log((1 - p1) / (1 - p0));
  const bound = Math.log(1 / p.beta);
  let llr = 0;
  let met = 0;
  for (let i = 0; i < verdicts.length; i++) {
    const x = verdicts[i]! >= 0.5;
    if (x) met++;
    llr += x ? up : down;
    if (llr >= bound) return { decision: 'feasible', n: i + 1, met, llr, bound };
    if (llr <= -bound) return { decision: 'infeasible', n: i + 1, met, llr, bound };
  }
  return { decision: 'undecided', n: verdicts.length, met, llr, bound };
}
