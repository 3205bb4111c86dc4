import { describe, expect, it } from 'vitest';
import type { CandidateVerdict } from '../../src/search/certify.js';
import { impliedVerdict, type TestedPoint } from '../../src/search/implication.js';

const v = (decision: CandidateVerdict['decision'], impliedBy?: string): CandidateVerdict => ({ decision, replications: impliedBy === undefined ? 10 : 0, constraints: [], ...(impliedBy !== undefined ? { impliedBy } : {}) });
const t = (name: string, point: number[], verdict: CandidateVerdict): TestedPoint => ({ name, point, verdict });

describe('decisions implied by monotonicity', () => {
  it('a point with no more of any variable than a tested-infeasible point is infeasible, at no replication', () => {
    const tested = [t('a=0,b=3', [0, 3], v('infeasible'))];
    expect(impliedVerdict([0, 1], tested)).toEqual({ decision: 'infeasible', replications: 0, constraints: [], impliedBy: 'a=0,b=3' });
    expect(impliedVerdict([0, 3], tested)?.decision).toBe('infeasible');
    // One variable more than the infeasible point: nothing follows.
    expect(impliedVerdict([1, 1], tested)).toBeNull();
  });
  it('a point with no less of every variable than a tested-feasible point is feasible', () => {
    const tested = [t('a=1,b=2', [1, 2], v('feasible'))];
    expect(impliedVerdict([3, 2], tested)).toMatchObject({ decision: 'feasible', impliedBy: 'a=1,b=2' });
    expect(impliedVerdict([0, 5], tested)).toBeNull();
    expect(impliedVerdict([1, 1], tested)).toBeNull();
  });
  it('never implies from an undecided point or from another implied decision', () => {
    expect(impliedVerdict([0, 0], [t('x', [2, 2], v('undecided'))])).toBeNull();
    expect(impliedVerdict([0, 0], [t('x', [2, 2], v('infeasible', 'y'))])).toBeNull();
  });
});
