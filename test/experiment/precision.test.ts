/** Precision-driven runs: without a replication count, replications are added until every key metric is within ±5 %. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/index.js';
import { keyHalfWidth } from '../../src/experiment/precision.js';
import { input, ROOT } from './helpers.js';

describe('precision-driven runs by default', () => {
  it('a scenario without replications runs until its key metrics are within ±5 % (or 20 replications), and says so', async () => {
    const doc = await runExperiment(input(path.join(ROOT, 'scenarios/mmc-validation.yaml'), { horizon: '6h' }), { workers: 1 });
    const s = doc.stopping!;
    expect(s.metric).toBe('key');
    expect(s.relative).toBe(true);
    expect(s.halfWidth).toBe(0.05);
    expect(s.replications).toBeGreaterThanOrEqual(4);
    expect(s.replications).toBeLessThanOrEqual(20);
    for (const v of doc.variants) {
      expect(v.replications).toBe(s.replications);
      // The stopping rule and the reported precision agree.
      if (s.met) expect(s.achieved[v.name]).toBeLessThanOrEqual(0.05);
    }
    if (s.met) expect(doc.precision?.achieved.every((a) => a.relativeHalfWidth === null || a.relativeHalfWidth <= 0.05 + 1e-12)).toBe(true);
    else expect(s.replications).toBe(20);
  }, 120_000);

  it('an explicit replication count is kept as asked', async () => {
    const doc = await runExperiment(input(path.join(ROOT, 'scenarios/mmc-validation.yaml'), { horizon: '2h' }), { workers: 1, replications: 2 });
    expect(doc.stopping).toBeUndefined();
    expect(doc.variants[0]!.replications).toBe(2);
  });

  it('the widest key metric decides; fewer than two values are not yet precise', () => {
    const rec = (m: Record<string, number>) => ({ variant: 'v', replication: 0, seed: '1', metrics: m, series: { intervalSeconds: 1, columns: ['t'], rows: [] }, incidents: [], events: 0 });
    const cat = {
      a: { name: 'a', unit: 'seconds' as const, better: 'lower' as const, key: 1, doc: '' },
      b: { name: 'b', unit: 'seconds' as const, better: 'lower' as const, key: 2, doc: '' },
      c: { name: 'c', unit: 'seconds' as const, better: 'lower' as const, doc: 'not key' },
    };
    expect(keyHalfWidth([rec({ a: 10, b: 1 })], cat)).toBe(Infinity);
    const wide = keyHalfWidth([rec({ a: 10, b: 1, c: 0 }), rec({ a: 10.1, b: 3, c: 100 })], cat);
    expect(wide).toBeGreaterThan(1);
    expect(keyHalfWidth([rec({ a: 10, b: 2 }), rec({ a: 10, b: 2 })], cat)).toBe(0);
  });
});
