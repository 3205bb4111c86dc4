import { describe, expect, it } from 'vitest';
import { pairedComparisons, rankVariants, slaProbabilities, summarizeSeries, variantResults } from '../../src/experiment/aggregate.js';
import { checkResultsDocument, compareResults } from '../../src/experiment/compare.js';
import { resultsJson } from '../../src/results/write.js';
import { RESULTS_FORMAT, type ReplicationRecord, type ResultsDocument } from '../../src/results/format.js';
import type { MetricCatalog } from '../../src/results/metrics.js';

function rec(replication: number, metrics: Record<string, number>, rows: (number | null)[][] = []): ReplicationRecord {
  return { variant: 'v', replication, seed: '1', metrics, series: { intervalSeconds: 60, columns: ['t', 'x'], rows }, incidents: [], events: 0 };
}

describe('verdict probabilities', () => {
  const catalog = {
    'sla.inventory.met': { name: 'sla.<sla>.met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, sla: 'met', doc: 'met' },
    'site.dr.rto_met': { name: 'site.<site>.rto_met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'rto met' },
    'service.inventory.latency_objective_met': { name: 'service.<service>.latency_objective_met', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, doc: 'share' },
  } satisfies MetricCatalog;
  it('counts the metrics whose spec is a verdict, whatever their names', () => {
    const records = [1, 0, 1, 1].map((v, r) => rec(r, { 'sla.inventory.met': v, 'site.dr.rto_met': 1 - v, 'service.inventory.latency_objective_met': v }));
    const sla = slaProbabilities(records, catalog);
    expect(sla.map((s) => s.metric).sort()).toEqual(['site.dr.rto_met', 'sla.inventory.met']);
    expect(sla.find((s) => s.metric === 'sla.inventory.met')).toMatchObject({ met: 3, n: 4, p: 0.75 });
    expect(sla.find((s) => s.metric === 'site.dr.rto_met')).toMatchObject({ met: 1, n: 4 });
  });
  it('a 0/1 metric named like a verdict but without a verdict spec is not one', () => {
    const records = [1, 0, 1].map((v, r) => rec(r, { 'sla.decoy.met': v, 'service.inventory.latency_objective_met': v }));
    expect(slaProbabilities(records, catalog)).toEqual([]);
    expect(slaProbabilities(records)).toEqual([]);
  });
  it('a verdict with a value other than 0 or 1 is skipped, not rounded', () => {
    const records = [1, 0.97, 1].map((v, r) => rec(r, { 'sla.inventory.met': v }));
    expect(slaProbabilities(records, catalog)).toEqual([]);
  });
});

describe('metrics without observations', () => {
  const a = { name: 'a', overrides: {}, records: [rec(0, { 'incidents.P1.mtta': NaN, w: 5 }), rec(1, { 'incidents.P1.mtta': NaN, w: 6 })] };
  const b = { name: 'b', overrides: {}, records: [rec(0, { 'incidents.P1.mtta': 600, w: 4 }), rec(1, { 'incidents.P1.mtta': 900, w: 5 })] };

  it('n = 0 is null in results.json, never 0', () => {
    const v = variantResults(a);
    const s = v.metrics['incidents.P1.mtta']!;
    expect(s.n).toBe(0);
    expect(Number.isNaN(s.mean)).toBe(true);
    const json = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
    expect(json).toEqual({ n: 0, mean: null, sd: null, ci95: [null, null], min: null, max: null, p05: null, p50: null, p95: null });
  });
  it('ranking leaves out a variant with n = 0 instead of ranking it a perfect 0', () => {
    const r = rankVariants([variantResults(a), variantResults(b)], 'incidents.P1.mtta');
    expect(r.order.map((o) => o.variant)).toEqual(['b']);
  });
  it('paired comparisons leave out metrics with no pair', () => {
    const c = pairedComparisons([a, b], 'a');
    expect(c.map((x) => x.metric)).toEqual(['w']);
  });
  it('opsim compare calls a metric with n = 0 on one side inconclusive (observed in one run only), never a regression from "0", also after a JSON round trip', () => {
    const doc = (v: ReturnType<typeof variantResults>): ResultsDocument => ({
      format: RESULTS_FORMAT, opsimVersion: 't', scenario: { name: 's', file: null, hash: 'h' }, seed: '1', horizonSeconds: 1, warmupSeconds: 0,
      complete: true, variants: [v], comparisons: [], failures: [],
    });
    // Baseline with no P1 at all, current with P1 incidents: not a regression from "0".
    const base = checkResultsDocument(JSON.parse(resultsJson(doc(variantResults(a)))), 'base.json');
    const cur = checkResultsDocument(JSON.parse(resultsJson(doc(variantResults({ ...b, name: 'a' })))), 'cur.json');
    expect(Number.isNaN(base.variants[0]!.metrics['incidents.P1.mtta']!.mean)).toBe(true);
    const r = compareResults(base, cur);
    expect(r.verdicts.map((v) => v.metric)).toEqual(['w', 'incidents.P1.mtta']);
    expect(r.verdicts[1]).toMatchObject({ verdict: 'inconclusive', observedOnlyIn: 'current' });
    expect(r.skipped).toEqual([]);
    expect(r.regressions).toBe(0);
  });
  it('one replication gives no interval (null), not a zero-width one', () => {
    const v = variantResults({ name: 'a', overrides: {}, records: [rec(0, { w: 5 }, [[0, 3]])] });
    expect(v.metrics.w!.mean).toBe(5);
    expect(v.metrics.w!.ci95.every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(v.metrics.w!.sd)).toBe(true);
    const s = summarizeSeries([rec(0, {}, [[0, 3]])])!;
    expect(s.mean[0]).toEqual([0, 3]);
    expect(s.lo[0]).toEqual([0, null]);
    expect(s.hi[0]).toEqual([0, null]);
  });
});

describe('compare directions from the metric specs', () => {
  it('a metric whose name reads like a cost but whose spec says higher is better regresses when it falls', () => {
    const mk = (xs: number[]): ResultsDocument => ({
      format: RESULTS_FORMAT,
      opsimVersion: 't',
      scenario: { name: 's', file: null, hash: 'h' },
      seed: '1',
      horizonSeconds: 1,
      warmupSeconds: 0,
      complete: true,
      variants: [variantResults({ name: 'base', overrides: {}, records: xs.map((x, r) => rec(r, { 'monitoring.auto_remediation.successes': x })) })],
      comparisons: [],
      failures: [],
      metrics: { 'monitoring.auto_remediation.successes': { name: 'monitoring.auto_remediation.successes', unit: 'count', better: 'higher', range: { lo: 0 }, doc: 'successes' } },
    });
    const r = compareResults(mk([10, 11, 12, 10, 11]), mk([5, 6, 5, 6, 5]));
    expect(r.verdicts[0]).toMatchObject({ direction: 'higher', verdict: 'regression' });
  });
});

