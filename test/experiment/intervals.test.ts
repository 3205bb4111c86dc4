/** Honest intervals: the catalog's feasible ranges and verdict flags decide the interval; warnings say what the figures rest on. */
import { describe, expect, it } from 'vitest';
import { applyMetricSpecs, variantResults } from '../../src/experiment/aggregate.js';
import { seriesCsv, summaryCsv } from '../../src/results/write.js';
import { RESULTS_FORMAT, type ReplicationRecord, type ResultsDocument } from '../../src/results/format.js';
import type { MetricCatalog } from '../../src/results/metrics.js';

function rec(replication: number, metrics: Record<string, number>, rows: (number | null)[][] = []): ReplicationRecord {
  return { variant: 'v', replication, seed: '1', metrics, series: { intervalSeconds: 60, columns: ['t', 'share'], rows }, incidents: [], events: 0 };
}

const CATALOG: MetricCatalog = {
  'incidents.P1.mttr': { name: 'incidents.<P>.mttr', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'MTTR' },
  'incidents.P2.mttr': { name: 'incidents.<P>.mttr', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'MTTR' },
  'failures.server.count': { name: 'failures.<class>.count', unit: 'count', better: 'lower', range: { lo: 0 }, doc: 'failures' },
  'sla.x.met': { name: 'sla.<name>.met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'met' },
  'sla.x.attainment': { name: 'sla.<name>.attainment', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, doc: 'attainment' },
};

function doc(records: ReplicationRecord[], catalog: MetricCatalog | null = CATALOG): ResultsDocument {
  const d: ResultsDocument = {
    format: RESULTS_FORMAT,
    opsimVersion: 't',
    scenario: { name: 's', file: null, hash: 'h' },
    seed: '1',
    horizonSeconds: 600,
    warmupSeconds: 0,
    complete: true,
    variants: [variantResults({ name: 'v', overrides: {}, records })],
    comparisons: [],
    failures: [],
  };
  if (catalog !== null) {
    d.metrics = catalog;
    d.columns = { share: { name: 'share', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, doc: 'share' } };
  }
  return d;
}

describe('applyMetricSpecs', () => {
  // A skewed time: one long repair among short ones, as the flagship's auto-remediation MTTR.
  const skewed = [60, 60, 60, 1800].map((x, r) => rec(r, { 'incidents.P1.mttr': x, 'incidents.P2.mttr': NaN, 'failures.server.count': 0, 'sla.x.met': r === 0 ? 0 : 1, 'sla.x.attainment': r === 0 ? 0.2 : 1 }, [[0, r === 0 ? 0.1 : 1]]));

  it('a t interval past a bound is cut to the feasible range, marked and warned about', () => {
    const d = applyMetricSpecs(doc(skewed));
    const s = d.variants[0]!.metrics['incidents.P1.mttr']!;
    expect(s.ci95[0]).toBe(0);
    expect(s.ci95[1]).toBeGreaterThan(s.mean);
    expect(s.method).toBe('t-clipped');
    expect(d.warnings?.find((w) => w.kind === 'clipped' && w.metric === 'incidents.P1.mttr')?.message).toMatch(/too small or the values too skewed/);
    const a = d.variants[0]!.metrics['sla.x.attainment']!;
    expect(a.ci95[1]).toBe(1);
  });

  it('from 5 replications on, a skewed sample whose t interval leaves the range gets a percentile bootstrap interval, the same bytes every time', () => {
    const six = [60, 60, 60, 60, 60, 3000].map((x, r) => rec(r, { 'incidents.P1.mttr': x }));
    const a = applyMetricSpecs(doc(six)).variants[0]!.metrics['incidents.P1.mttr']!;
    const b = applyMetricSpecs(doc(six)).variants[0]!.metrics['incidents.P1.mttr']!;
    expect(a.method).toBe('bootstrap');
    expect(a.ci95[0]).toBeGreaterThanOrEqual(60);
    expect(a.ci95[1]).toBeLessThanOrEqual(3000);
    expect(a.ci95[0]).toBeLessThan(a.mean);
    expect(a.ci95[1]).toBeGreaterThan(a.mean);
    expect(b.ci95).toEqual(a.ci95);
  });

  it('a verdict gets the Wilson interval of its proportion, inside [0, 1]', () => {
    const s = applyMetricSpecs(doc(skewed)).variants[0]!.metrics['sla.x.met']!;
    expect(s.method).toBe('wilson');
    expect(s.mean).toBe(0.75);
    expect(s.ci95[0]).toBeCloseTo(0.3006, 3);
    expect(s.ci95[1]).toBeCloseTo(0.9544, 3);
  });

  it('warns about few replications, a metric never observed and an event that never occurred', () => {
    const w = applyMetricSpecs(doc(skewed)).warnings ?? [];
    expect(w.find((x) => x.kind === 'small-n')?.message).toMatch(/4 replications/);
    expect(w.find((x) => x.kind === 'never-observed')?.metric).toBe('incidents.P2.mttr');
    expect(w.find((x) => x.kind === 'never-occurred')?.metric).toBe('failures.server.count');
  });

  it('series bands stay inside the column range', () => {
    const d = applyMetricSpecs(doc(skewed));
    expect(d.variants[0]!.series!.lo[0]![1]).toBeGreaterThanOrEqual(0);
    expect(d.variants[0]!.series!.hi[0]![1]).toBeLessThanOrEqual(1);
  });

  it('without a catalog the t intervals stay as they are (no guess from names)', () => {
    const d = applyMetricSpecs(doc(skewed, null));
    expect(d.variants[0]!.metrics['incidents.P1.mttr']!.ci95[0]).toBeLessThan(0);
    expect(d.variants[0]!.metrics['incidents.P1.mttr']!.method).toBeUndefined();
  });
});

describe('precision and CSV outputs', () => {
  const records = [100, 110, 90, 105, 95].map((x, r) => rec(r, { 'incidents.P1.mttr': x, 'sla.x.met': r % 2, 'sla.x.attainment': 0.5 }, [[0, 0.5]]));
  const withKey = (): ResultsDocument => {
    const d = doc(records);
    d.metrics = { ...d.metrics!, 'incidents.P1.mttr': { ...d.metrics!['incidents.P1.mttr']!, key: 1 } };
    return applyMetricSpecs(d);
  };

  it('reports the achieved relative half-width of key metrics and how many replications ±5 % would need', () => {
    const p = withKey().precision!;
    expect(p.target).toBe(0.05);
    const a = p.achieved.find((x) => x.metric === 'incidents.P1.mttr')!;
    // mean 100, sd 7.906, n 5: t(4) = 2.776 → half-width 9.82, ±9.8 %.
    expect(a.relativeHalfWidth).toBeCloseTo(0.0982, 3);
    expect(a.replicationsNeeded).toBe(Math.ceil(5 * (a.relativeHalfWidth! / 0.05) ** 2));
    expect(p.met).toBe(false);
    expect(withKey().warnings?.some((w) => w.kind === 'imprecise' && w.metric === 'incidents.P1.mttr')).toBe(true);
  });

  it('summary.csv has unit, interval, n and P(met) for verdicts; series.csv has lo/hi and units in its headers', () => {
    const d = withKey();
    const rows = summaryCsv(d).trim().split('\n');
    // The label column was added last (CSV columns are only ever added at the end); these specs declare no label: the name.
    expect(rows[0]).toBe('variant,metric,unit,better,mean,lo,hi,n,interval,p_met,label');
    expect(rows.find((r) => r.startsWith('v,sla.x.met,'))).toMatch(/^v,sla\.x\.met,fraction,higher,0\.4,[0-9.]+,[0-9.]+,5,wilson,0\.4,sla\.x\.met$/);
    expect(rows.find((r) => r.startsWith('v,incidents.P1.mttr,'))).toMatch(/^v,incidents\.P1\.mttr,seconds,lower,100,[0-9.]+,[0-9.]+,5,t,,incidents\.P1\.mttr$/);
    const series = seriesCsv(d).trim().split('\n');
    expect(series[0]).toBe('variant,t (seconds),share (fraction),share lo (fraction),share hi (fraction)');
    expect(series[1]).toBe('v,0,0.5,0.5,0.5');
  });
});

describe('a clock time of an event never leaves the run', () => {
  it('the catalog bounds an SLA first breach by the horizon; a t interval past it is cut there', async () => {
    const path = await import('node:path');
    const { metricCatalog } = await import('../../src/models/replication.js');
    const { loadScenarioFileOrThrow } = await import('../../src/scenario/index.js');
    const { ROOT } = await import('./helpers.js');
    const { scenario } = loadScenarioFileOrThrow(path.join(ROOT, 'scenarios', 'globalmart-peak.yaml'));
    expect(scenario.horizon).toBe(86400);
    const catalog = metricCatalog(scenario).metrics;
    const breach = Object.keys(catalog).filter((m) => catalog[m]!.sla === 'first_breach');
    expect(breach.length).toBeGreaterThan(0);
    for (const m of breach) expect(catalog[m]!.range).toEqual({ lo: 0, hi: 86400, hiAtHorizon: true });
    // GlobalMart's freeze-peak-hours with n = 2 breaches read [67,853 s, 98,347 s] with no upper bound.
    const m = breach[0]!;
    const records = [70_000, 80_000].map((x, r) => ({ ...rec(r, { [m]: x }), series: { intervalSeconds: 60, columns: ['t'], rows: [] } }));
    const d: ResultsDocument = { ...doc(records, { [m]: catalog[m]! }), horizonSeconds: 86400 };
    const s = applyMetricSpecs(d).variants[0]!.metrics[m]!;
    expect(s.ci95[1]).toBe(86400);
    expect(s.ci95[0]).toBeCloseTo(75_000 - 12.706 * 5000, -1);
    expect(s.method).toBe('t-clipped');
  });

  it('nor starts before the measured period: the catalog bounds an SLA first breach below by the warm-up; a t interval below it is cut there', async () => {
    const path = await import('node:path');
    const { metricCatalog } = await import('../../src/models/replication.js');
    const { loadScenarioFileOrThrow } = await import('../../src/scenario/index.js');
    const { ROOT } = await import('./helpers.js');
    const { scenario } = loadScenarioFileOrThrow(path.join(ROOT, 'scenarios', 'globalmart-peak.yaml'), { overrides: { warmup: '2h' } });
    expect(scenario.warmup).toBe(7200);
    const catalog = metricCatalog(scenario).metrics;
    const breach = Object.keys(catalog).filter((m) => catalog[m]!.sla === 'first_breach');
    expect(breach.length).toBeGreaterThan(0);
    for (const m of breach) expect(catalog[m]!.range).toEqual({ lo: 7200, hi: 86400, hiAtHorizon: true });
    // Two breaches at 02:30 and 08:00: the t interval reaches back past midnight, before the warm-up ended at 02:00.
    const m = breach[0]!;
    const records = [9000, 28_800].map((x, r) => ({ ...rec(r, { [m]: x }), series: { intervalSeconds: 60, columns: ['t'], rows: [] } }));
    const d: ResultsDocument = { ...doc(records, { [m]: catalog[m]! }), horizonSeconds: 86400, warmupSeconds: 7200 };
    const s = applyMetricSpecs(d).variants[0]!.metrics[m]!;
    expect(s.ci95[0]).toBe(7200);
    expect(s.method).toBe('t-clipped');
    // Variants with their own warm-ups: the catalog's bound is the earliest, which holds for each (in either order).
    const other = loadScenarioFileOrThrow(path.join(ROOT, 'scenarios', 'globalmart-peak.yaml'), { overrides: { warmup: '1h' } }).scenario;
    for (const both of [[scenario, other], [other, scenario]]) for (const b of breach) expect(metricCatalog(...both).metrics[b]!.range).toEqual({ lo: 3600, hi: 86400, hiAtHorizon: true });
  });
});
