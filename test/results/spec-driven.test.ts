/**
 * What a metric or series column means comes from its spec, never from its name: the report's
 * charts follow the specs' `chart` field, `opsim compare` and the ranking follow `better`, and
 * a document without a catalog is read through today's models' name templates.
 */
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/experiment/compare.js';
import { metricDirection } from '../../src/experiment/direction.js';
import { defaultRankMetric, keyPrecision, rankVariants } from '../../src/experiment/aggregate.js';
import { currentCatalog, currentMetricSpec, MODELS } from '../../src/models/index.js';
import { buildCharts } from '../../src/report/index.js';
import { keyMetrics } from '../../src/results/key-metrics.js';
import { fillTemplate, templateLabels, templateMatch, type ChartId, type ColumnSpec, type MetricSpec } from '../../src/results/metrics.js';
import type { MetricSummary, ResultsDocument } from '../../src/results/format.js';
import { makePolicyResults, makeResults } from '../report/fixtures/make.js';

/** Every label of a template filled with `x` (a concrete name today's models could write). */
const instance = (template: string): string => fillTemplate(template, Object.fromEntries(templateLabels(template).map((l) => [l, 'x'])));

describe('name templates', () => {
  it('reads label values through a template, and nothing else', () => {
    expect(templateMatch('service.<service>.response_time.p95', 'service.web-1.response_time.p95')).toEqual({ service: 'web-1' });
    expect(templateMatch('service.<service>.class.<class>.response_time.mean', 'service.web.class.gold.response_time.mean')).toEqual({ service: 'web', class: 'gold' });
    expect(templateMatch('<team>.on_shift', 'noc.on_shift')).toEqual({ team: 'noc' });
    expect(templateMatch('cost.total', 'cost.total')).toEqual({});
    expect(templateMatch('cost.total', 'cost.totals')).toBeNull();
    expect(templateMatch('<team>.on_shift', '.on_shift')).toBeNull();
    expect(templateMatch('service.<service>.utilisation', 'staffing.noc.utilisation')).toBeNull();
  });

  it('finds the most specific current spec of every name the models can write', () => {
    for (const m of MODELS) for (const spec of m.metrics) expect(currentMetricSpec(instance(spec.name)), spec.name).toBe(spec);
  });
});

describe('report charts come from the specs', () => {
  it('draws no spec-driven chart when no spec names a chart, whatever the names say', () => {
    const doc = makePolicyResults();
    const strip = <S extends MetricSpec | ColumnSpec>(c: Record<string, S> | undefined): Record<string, S> =>
      Object.fromEntries(Object.entries(c ?? {}).map(([k, s]) => [k, { ...s, chart: undefined }]));
    const names = buildCharts({ ...doc, metrics: strip(doc.metrics), columns: strip(doc.columns) }).map((c) => c.name);
    // Only the charts drawn from incident records are left.
    expect(names).toEqual(['incident-timeline', 'time-to-resolve']);
  });

  it('draws a new model column on the chart its spec names, labelled from its template', () => {
    const doc = makeResults();
    const v = doc.variants[0]!;
    const s = v.series!;
    v.series = { ...s, columns: [...s.columns, 'pump-7.flow_rate'], mean: s.mean.map((r) => [...r, 3]), lo: s.lo.map((r) => [...r, 2]), hi: s.hi.map((r) => [...r, 4]) };
    doc.columns = { ...doc.columns, 'pump-7.flow_rate': { name: '<pump>.flow_rate', unit: 'per_second', better: 'neutral', chart: 'load', legend: 'flow', doc: 'test column' } };
    const load = buildCharts(doc).find((c) => c.name === 'load')!;
    const series = new Set((load.spec.data as { values: { series: string }[] }).values.map((p) => p.series));
    expect([...series].sort()).toEqual(['checkout', 'inventory', 'pump-7 flow']);
  });

  it('every chart a model spec names is drawn by the report', () => {
    // One concrete column and metric per spec that names a chart, with a value, in one document.
    const cols = MODELS.flatMap((m) => m.columns).filter((c) => c.chart !== undefined);
    const mets = MODELS.flatMap((m) => m.metrics).filter((c) => c.chart !== undefined);
    const base = makeResults();
    const v = base.variants[0]!;
    const names = cols.map((c) => instance(c.name));
    const row = (t: number): number[] => [t, ...names.map(() => 0.5)];
    v.series = { intervalSeconds: 900, columns: ['t', ...names], mean: [row(0), row(900)], lo: [row(0), row(900)], hi: [row(0), row(900)] };
    v.metrics = { ...Object.fromEntries(mets.map((m) => [instance(m.name), v.metrics['cost.total']!])), 'cost.total': v.metrics['cost.total']! };
    const doc: ResultsDocument = { ...base, slas: [{ name: 'x', target: 0.99 } as NonNullable<ResultsDocument['slas']>[number]], ...currentCatalog(Object.keys(v.metrics), names) };
    const drawn = new Set(buildCharts(doc).map((c) => c.name));
    const chartOf: Record<ChartId, string> = {
      load: 'load',
      response_time_p95: 'response-time-p95',
      utilisation: 'utilisation',
      temperature: 'room-temperature',
      open_incidents: 'open-incidents',
      operators: 'staffing',
      sla_windows: 'sla-windows-x',
      sla_attainment: 'sla-attainment',
      mttr: 'mttr',
    };
    for (const spec of [...cols, ...mets]) expect(drawn.has(chartOf[spec.chart!]), `${spec.name} → ${spec.chart}`).toBe(true);
  });
});

describe('directions come from the specs', () => {
  /** Two runs in which auto-remediation successes and an undeclared metric both double. */
  const twoRuns = (catalog: boolean): [ResultsDocument, ResultsDocument] => {
    const [a, b] = [makeResults(), makeResults()];
    const at = (mean: number): MetricSummary => ({ n: 10, mean, sd: 0.7, ci95: [mean - 0.5, mean + 0.5], min: mean - 1, max: mean + 1, p05: mean - 0.8, p50: mean, p95: mean + 0.8 });
    for (const [d, mean] of [[a, 10], [b, 20]] as const) {
      d.variants[0]!.metrics['monitoring.auto_remediation.successes'] = at(mean);
      d.variants[0]!.metrics['mystery.gauge'] = at(mean);
      if (catalog) Object.assign(d, currentCatalog(Object.keys(d.variants[0]!.metrics), []));
      else delete d.metrics;
    }
    return [a, b];
  };

  it('counts more auto-remediation successes as an improvement, with or without a catalog in the file', () => {
    for (const catalog of [true, false]) {
      const [a, b] = twoRuns(catalog);
      const r = compareResults(a, b, { metrics: ['monitoring.auto_remediation.successes', 'mystery.gauge'] });
      const by = Object.fromEntries(r.verdicts.map((v) => [v.metric, v]));
      expect(by['monitoring.auto_remediation.successes']!.direction).toBe('higher');
      expect(by['monitoring.auto_remediation.successes']!.verdict).toBe('improvement');
      // A metric no spec declares has no direction: a change, never a regression.
      expect(by['mystery.gauge']!.direction).toBe('neutral');
      expect(by['mystery.gauge']!.verdict).toBe('changed');
    }
  });

  it('follows the document catalog over any name', () => {
    const spec: MetricSpec = { name: 'service.<service>.response_time.p95', unit: 'seconds', better: 'higher', doc: 'a contrary declaration' };
    expect(metricDirection('service.web.response_time.p95', { 'service.web.response_time.p95': spec })).toBe('higher');
    expect(metricDirection('service.web.response_time.p95')).toBe('lower');
    const doc = makePolicyResults();
    expect(rankVariants(doc.variants, 'service.checkout.response_time.p95').direction).toBe('lower');
    expect(rankVariants(doc.variants, 'sla.checkout-latency.attainment').direction).toBe('higher');
    // The default ranking metric is the first key metric with a direction.
    expect(defaultRankMetric(Object.keys(doc.variants[0]!.metrics), doc.metrics)).toMatch(/^sla\.[^.]+\.attainment$/);
  });

  it('orders key metrics by the catalog; a document without one gets its first metrics by name', () => {
    const doc = makeResults();
    const keyOf = (m: string): number => doc.metrics![m]?.key ?? Infinity;
    const keys = keyMetrics(doc);
    expect(keys.length).toBeGreaterThanOrEqual(6);
    expect(keys.map(keyOf)).toEqual(keys.map(keyOf).sort((x, y) => x - y));
    expect(keyOf(keys[0]!)).toBe(Math.min(...Object.keys(doc.metrics!).map(keyOf)));
    delete doc.metrics;
    expect(keyMetrics(doc, 24)).toEqual(Object.keys(doc.variants[0]!.metrics).sort().slice(0, 6));
  });

  it('orders key metrics of one key position by name in code-unit order, whatever the locale', () => {
    // A locale's collation puts "api" before "Web" and ignores punctuation first; code units put
    // upper case and "-" first, as results.json and summary.csv do (Array.prototype.sort).
    const doc = makeResults();
    const names = ['service.web.failed_fraction', 'service.api.failed_fraction', 'service.Web.failed_fraction', 'service.web-api.failed_fraction', 'service.webapi.failed_fraction', 'service.b.failed_fraction', 'service.B.failed_fraction'];
    const spec: MetricSpec = { name: 'service.<service>.failed_fraction', unit: 'fraction', better: 'lower', doc: 'a tie', key: 0.5 };
    for (const n of names) {
      doc.metrics![n] = { ...spec };
      for (const v of doc.variants) v.metrics[n] = { n: 10, mean: 0.1, sd: 0.01, ci95: [0.09, 0.11], min: 0.08, max: 0.12, p05: 0.08, p50: 0.1, p95: 0.12 };
    }
    const expected = [...names].sort();
    expect(expected).not.toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(keyMetrics(doc, 100).filter((m) => names.includes(m))).toEqual(expected);
    const precision = keyPrecision(doc)!.achieved.filter((a) => a.variant === doc.variants[0]!.name && names.includes(a.metric));
    expect(precision.map((a) => a.metric)).toEqual(expected);
  });
});
