/**
 * A mean constraint's shown interval never leaves what its metric can take (the MetricSpec
 * range); the decision is the sequential test's and does not read the range.
 */
import { describe, expect, it } from 'vitest';
import { judge, type ConstraintTest, type Observe } from '../../src/search/certify.js';
import { selectionStage, type SelectionStageSettings } from '../../src/search/select-stage.js';

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

describe('selectionStage: the shown interval of an expected total cost', () => {
  // Penalties per replication: "cheap" (known cost 600) rarely breaches, so its plain
  // t-interval reaches below 600, a total it can never have; "dear" (500) breaches often.
  const penalties: Record<string, number[]> = {
    cheap: Array.from({ length: 60 }, (_, i) => (i % 4 === 3 ? 100 : 0)),
    dear: Array.from({ length: 60 }, (_, i) => 300 + ((i * 37) % 11) * 10),
  };
  const feasible = new Map([['cheap', 600], ['dear', 500]]);
  const observe: Observe = async (ids, upTo) => ({ records: new Map(ids.map((id) => [id, penalties[id]!.slice(0, upTo).map((v) => ({ 'cost.penalties': v }))])), simulated: 0 });
  const settings: SelectionStageSettings = { metric: 'cost.penalties', alpha: 0.025, delta: 50, n0: 10, batch: 10, maxReplications: 60 };

  it('is cut at the known cost when the random cost is ≥ 0; the decision, n and means are unchanged', async () => {
    const plain = await selectionStage(feasible, observe, settings, () => 1000);
    const cut = await selectionStage(feasible, observe, { ...settings, range: { lo: 0 } }, () => 1000);
    const cheapPlain = plain.systems.find((x) => x.candidate === 'cheap')!;
    expect(cheapPlain.ci95[0]).toBeLessThan(600);
    expect(cut.systems.find((x) => x.candidate === 'cheap')!.ci95).toEqual([600, cheapPlain.ci95[1]]);
    // dear's plain interval lies above 500 already: untouched.
    const dearPlain = plain.systems.find((x) => x.candidate === 'dear')!;
    expect(dearPlain.ci95[0]).toBeGreaterThan(500);
    expect(cut.systems.find((x) => x.candidate === 'dear')!.ci95).toEqual(dearPlain.ci95);
    expect(cut.decision).toBe('selected');
    expect(cut.best).toBe('cheap');
    const noCi = (s: typeof plain): unknown => ({ ...s, systems: s.systems.map((x) => ({ ...x, ci95: null })) });
    expect(noCi(cut)).toEqual(noCi(plain));
  });

  it('leaves the interval alone when the random cost has no lower bound', async () => {
    const plain = await selectionStage(feasible, observe, settings, () => 1000);
    const upper = await selectionStage(feasible, observe, { ...settings, range: { hi: 1e6 } }, () => 1000);
    expect(upper).toEqual(plain);
  });
});
