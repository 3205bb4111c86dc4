/**
 * Decisions implied by monotonicity, the assumption the certificate states (docs/search.md:
 * more capacity never hurts, every constraint monotone in every variable). A point with no more
 * of any variable than a point tested infeasible is infeasible; one with no less of every
 * variable than a point tested feasible is feasible. Such a point needs no replication, and
 * its decision is right whenever the tested one is: a tested point inside the indifference
 * zone can only imply points that are inside it too or on the implied side of it.
 */
import type { CandidateVerdict } from './certify.js';
import type { Point } from './space.js';

/** A tested decision an implication may start from. */
export interface TestedPoint {
  name: string;
  point: Point;
  verdict: CandidateVerdict;
}

/** The verdict monotonicity implies for `p` from the tested points (never from implied ones), or null. */
export function impliedVerdict(p: Point, tested: Iterable<TestedPoint>): CandidateVerdict | null {
  for (const t of tested) {
    const v = t.verdict;
    if (v.impliedBy !== undefined || v.decision === 'undecided') continue;
    if (v.decision === 'infeasible' && p.every((x, i) => x <= t.point[i]!)) return { decision: 'infeasible', replications: 0, constraints: [], impliedBy: t.name };
    if (v.decision === 'feasible' && p.every((x, i) => x >= t.point[i]!)) return { decision: 'feasible', replications: 0, constraints: [], impliedBy: t.name };
  }
  return null;
}
