/**
 * A mean constraint's shown interval never leaves what its metric can take (the MetricSpec
 * range); the decision is the sequential test's and does not read the range.
 */
import { describe, expect, it } from 'vitest';
import { judge, type ConstraintTest } from '../../src/search/certify.js';

describe('judge: the shown interval of a mean constraint', () => {
  // Ten replications of an attainment near 1: the plain t-interval reaches past 100 %.
  const values = [1, 1, 1, 1, 1, 1, 0.94, 1, 0.95, 1];
  const records = values.map((v) => ({ attainment: v }));
  const base: ConstraintTest = { kind: 'mean', name: 'attainment', metric: 'attainment', sense: 'atLeast', threshold: 0.95, tolerance: 0.01 };
  const settings = { alpha: 0.05, candidatesCovered: 10, n0: 10 };

  it('is cut to the range; estimate and decision are unchanged', () => {
    const plain = judge(records, [base], settings);
    const cut = judge(records, [{ ...base, range: { lo: 0, hi: 1 } }], settings);
    expect(plain.constraints[0]!.ci95[1]).toBeGreaterThan(1);
    expect(cut.constraints[0]!.ci95).toEqual([plain.constraints[0]!.ci95[0], 1]);
    expect(cut.decision).toBe(plain.decision);
    expect({ ...cut.constraints[0], ci95: null }).toEqual({ ...plain.constraints[0], ci95: null });
  });

  it('cuts the lower end at a lower bound (a wait ≥ 0)', () => {
    const waits = [0, 0, 0, 0, 0, 0, 0, 0, 30, 0].map((v) => ({ wait: v }));
    const t: ConstraintTest = { kind: 'mean', name: 'wait', metric: 'wait', sense: 'atMost', threshold: 10, tolerance: 1 };
    const plain = judge(waits, [t], settings).constraints[0]!;
    const cut = judge(waits, [{ ...t, range: { lo: 0 } }], settings).constraints[0]!;
    expect(plain.ci95[0]).toBeLessThan(0);
    expect(cut.ci95).toEqual([0, plain.ci95[1]]);
    expect(cut.decision).toBe(plain.decision);
  });
});
