/**
 * From replication records to results.json. Everything here iterates in (variant,
 * replication) order over records sorted that way, so floating-point sums and therefore the
 * output bytes do not depend on which worker finished first.
 */
import type {
  FailedReplication,
  IncidentRecord,
  MetricSummary,
  PairedComparison,
  Ranking,
  ReplicationRecord,
  AchievedPrecision,
  PrecisionReport,
  ResultsDocument,
  ResultsWarning,
  SeriesSummary,
  SlaProbability,
  VariantResults,
} from '../results/format.js';
import type { MetricCatalog, MetricSpec } from '../results/metrics.js';
import { currentMetricSpec } from '../models/index.js';
import { byKeyPosition } from '../results/key-metrics.js';
import { metricDirection } from './direction.js';
import { bootstrapMeanInterval, pairedTTest, summarize, tHalfWidth, wilsonInterval } from './stats.js';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';

/** The records of one variant, sorted by replication. */
export interface VariantRecords {
  name: string;
  overrides: Record<string, unknown>;
  /** The variant's own horizon (seconds), when it differs from the document's. */
  horizonSeconds?: number;
  records: ReplicationRecord[];
}

/** Summaries of every metric that appears in any record (sorted by name). */
export function summarizeMetrics(records: readonly ReplicationRecord[]): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  for (const name of metricNames(records)) out[name] = summarize(records.map((r) => r.metrics[name] ?? NaN));
  return out;
}

/** Every metric name in the records, sorted. */
export function metricNames(records: readonly ReplicationRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.metrics)) names.add(k);
  return [...names].sort();
}

/** Per-interval mean and t-interval of every series column across replications. */
export function summarizeSeries(records: readonly ReplicationRecord[]): SeriesSummary | null {
  if (records.length === 0) return null;
  const first = records[0]!.series;
  const columns = first.columns;
  const rows = Math.max(...records.map((r) => r.series.rows.length));
  const mean: (number | null)[][] = [];
  const lo: (number | null)[][] = [];
  const hi: (number | null)[][] = [];
  for (let i = 0; i < rows; i++) {
    const m: (number | null)[] = [];
    const l: (number | null)[] = [];
    const h: (number | null)[] = [];
    for (let c = 0; c < columns.length; c++) {
      const xs: number[] = [];
      for (const r of records) {
        const v = r.series.rows[i]?.[c];
        if (typeof v === 'number' && Number.isFinite(v)) xs.push(v);
      }
      if (xs.length === 0) {
        m.push(null);
        l.push(null);
        h.push(null);
        continue;
      }
      const mu = ssMean(xs);
      m.push(mu);
      // Column 0 is the interval start: identical in every replication, no band. One value
      // gives no interval at all (null), not a zero-width one.
      if (c !== 0 && xs.length < 2) {
        l.push(null);
        h.push(null);
        continue;
      }
      const hw = c === 0 ? 0 : tHalfWidth(sampleStandardDeviation(xs), xs.length);
      l.push(mu - hw);
      h.push(mu + hw);
    }
    mean.push(m);
    lo.push(l);
    hi.push(h);
  }
  return { intervalSeconds: first.intervalSeconds, columns: [...columns], mean, lo, hi };
}

/**
 * Verdict probabilities: each metric whose spec declares it a 0/1 verdict (`flag: true`, e.g.
 * `sla.<sla>.met`, `site.<site>.rto_met`) and whose every value is exactly 0 or 1 counts the
 * replications that met it. What is a verdict is read from the catalog, never guessed from
 * the name; without a catalog there are none. Intervals are Wilson score intervals, which stay
 * inside [0, 1] and behave at p = 0 or 1 where the Wald interval collapses.
 */
export function slaProbabilities(records: readonly ReplicationRecord[], catalog: MetricCatalog = {}): SlaProbability[] {
  const out: SlaProbability[] = [];
  for (const name of metricNames(records)) {
    if (catalog[name]?.flag !== true) continue;
    const values = records.map((r) => r.metrics[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    // A verdict the replications did not all decide as 0/1 (a damaged record) is not counted.
    if (values.length === 0 || !values.every((v) => v === 0 || v === 1)) continue;
    const met = values.filter((v) => v === 1).length;
    const n = values.length;
    out.push({ metric: name, met, n, p: met / n, ci95: wilsonInterval(met, n) });
  }
  return out;
}

/** Every metric's per-replication values, aligned with the replication indices. */
export function perReplication(records: readonly ReplicationRecord[]): NonNullable<VariantResults['perReplication']> {
  const metrics: Record<string, (number | null)[]> = {};
  for (const name of metricNames(records)) {
    metrics[name] = records.map((r) => {
      const v = r.metrics[name];
      return v !== undefined && Number.isFinite(v) ? v : null;
    });
  }
  return { replications: records.map((r) => r.replication), metrics };
}

/** One variant's results; `catalog` says which metrics are verdicts. */
export function variantResults(v: VariantRecords, catalog: MetricCatalog = {}): VariantResults {
  const sampleIncidents: IncidentRecord[] = v.records[0]?.incidents ?? [];
  return {
    name: v.name,
    overrides: v.overrides,
    ...(v.horizonSeconds !== undefined ? { horizonSeconds: v.horizonSeconds } : {}),
    replications: v.records.length,
    metrics: summarizeMetrics(v.records),
    series: summarizeSeries(v.records),
    sampleIncidents,
    slaProbabilities: slaProbabilities(v.records, catalog),
    perReplication: perReplication(v.records),
  };
}

/**
 * Paired comparisons of each variant against the reference: replication r of both used the
 * same random streams, so the difference cancels the shared noise. Only replications present
 * in both (a failed one drops its pair) enter; a metric with no such pair is left out, and
 * with one pair the interval is NaN (null in JSON).
 */
export function pairedComparisons(variants: readonly VariantRecords[], reference: string): PairedComparison[] {
  const ref = variants.find((v) => v.name === reference);
  if (ref === undefined) return [];
  const refByRep = new Map(ref.records.map((r) => [r.replication, r]));
  const out: PairedComparison[] = [];
  for (const v of variants) {
    if (v.name === reference) continue;
    const pairs = v.records.filter((r) => refByRep.has(r.replication)).map((r) => [refByRep.get(r.replication)!, r] as const);
    const names = metricNames(v.records).filter((n) => ref.records.some((r) => n in r.metrics));
    for (const metric of names) {
      const a = pairs.map(([x]) => x.metrics[metric] ?? NaN);
      const b = pairs.map(([, y]) => y.metrics[metric] ?? NaN);
      const t = pairedTTest(a, b);
      // No replication has the metric on both sides: there is no difference to report.
      if (t.n === 0) continue;
      out.push({ metric, variant: v.name, reference, meanDifference: t.difference, ci95: t.ci95, n: t.n });
    }
  }
  return out;
}

/**
 * Picks the default ranking metric: the key metric (lowest `key`) that has a direction in the
 * metric catalog (without one: in today's models' specs), else the first metric.
 */
export function defaultRankMetric(names: readonly string[], catalog?: MetricCatalog): string | undefined {
  const spec = (n: string): MetricSpec | undefined => (catalog !== undefined ? catalog[n] : currentMetricSpec(n));
  const keyed = names.filter((n) => spec(n)?.key !== undefined && spec(n)!.better !== 'neutral').sort((a, b) => spec(a)!.key! - spec(b)!.key!);
  if (keyed.length > 0) return keyed[0];
  return names[0];
}

/** Ranks variants by one metric's mean (ties keep declaration order); variants with no observation of it (n = 0) are left out. */
export function rankVariants(results: readonly VariantResults[], metric: string, direction?: 'lower' | 'higher'): Ranking {
  const dir = direction ?? (metricDirection(metric) === 'higher' ? 'higher' : 'lower');
  const rows = results
    .map((v, i) => ({ i, variant: v.name, s: v.metrics[metric] }))
    .filter((r): r is { i: number; variant: string; s: MetricSummary } => r.s !== undefined && r.s.n > 0);
  rows.sort((a, b) => (dir === 'lower' ? a.s.mean - b.s.mean : b.s.mean - a.s.mean) || a.i - b.i);
  return { metric, direction: dir, order: rows.map((r, k) => ({ variant: r.variant, mean: r.s.mean, ci95: r.s.ci95, rank: k + 1 })) };
}

/** Sorts failures in (variant order, replication) order. */
export function sortFailures(failures: FailedReplication[], variantOrder: readonly string[]): FailedReplication[] {
  const idx = new Map(variantOrder.map((n, i) => [n, i]));
  return [...failures].sort((a, b) => (idx.get(a.variant) ?? 0) - (idx.get(b.variant) ?? 0) || a.replication - b.replication);
}

/** Fewer replications than this give intervals too rough to decide on (a warning says so). */
export const USEFUL_REPLICATIONS = 5;

function clip(x: number, lo: number | undefined, hi: number | undefined): number {
  if (!Number.isFinite(x)) return x;
  return Math.min(hi ?? Infinity, Math.max(lo ?? -Infinity, x));
}

/**
 * Makes the document's intervals honest using its metric and column catalogs
 * (`doc.metrics`, `doc.columns`): a 0/1 verdict gets the Wilson interval of its proportion
 * (inside [0, 1], defined from n = 1); any other metric with a feasible range keeps its t
 * interval when it fits; when it reaches past a bound (a skewed or bounded sample) it is
 * replaced by a percentile bootstrap interval ('bootstrap', from USEFUL_REPLICATIONS
 * replications on), or with fewer replications cut to the range ('t-clipped', with a
 * warning: the true mean lies in the range, so the cut keeps the coverage). A range that
 * ends at the horizon (`hiAtHorizon`) ends at each variant's own horizon. Series bands
 * are cut to their column's range. Adds warnings for variants with fewer than USEFUL_REPLICATIONS replications, metrics
 * no replication observed, and counts whose event occurred in no replication. A document
 * without catalogs keeps its t intervals and gets only the catalog-free warnings.
 */
export function applyMetricSpecs(doc: ResultsDocument): ResultsDocument {
  const specs = doc.metrics ?? {};
  const warnings: ResultsWarning[] = [];
  for (const v of doc.variants) {
    const n = v.replications;
    const horizon = v.horizonSeconds ?? doc.horizonSeconds;
    if (n > 0 && n < USEFUL_REPLICATIONS) warnings.push({ kind: 'small-n', variant: v.name, message: `${v.name}: ${n} replication${n === 1 ? '' : 's'}; intervals from fewer than ${USEFUL_REPLICATIONS} are rough (run more with --replications)` });
    for (const [name, s] of Object.entries(v.metrics)) {
      const spec = specs[name];
      if (spec === undefined || s.n === 0) continue;
      if (spec.flag === true) {
        const values = (v.perReplication?.metrics[name] ?? []).filter((x): x is number => x !== null);
        const met = values.filter((x) => x === 1).length;
        if (values.length === s.n && values.every((x) => x === 0 || x === 1)) {
          s.ci95 = wilsonInterval(met, s.n);
          s.method = 'wilson';
        }
        continue;
      }
      const r = spec.range;
      if (r === undefined || s.n < 2) continue;
      // A clock time inside the run ends at this variant's horizon, not the catalog's longest one.
      const hi = r.hiAtHorizon === true && Number.isFinite(horizon) ? Math.min(r.hi ?? Infinity, horizon) : r.hi;
      const cut: [number, number] = [clip(s.ci95[0], r.lo, hi), clip(s.ci95[1], r.lo, hi)];
      if (cut[0] === s.ci95[0] && cut[1] === s.ci95[1]) continue;
      // The t interval does not fit (skewed or bounded): with enough replications a percentile
      // bootstrap, which stays inside the sample's own range; with fewer, the cut t interval.
      const values = (v.perReplication?.metrics[name] ?? []).filter((x): x is number => x !== null && Number.isFinite(x));
      if (values.length === s.n && s.n >= USEFUL_REPLICATIONS) {
        s.ci95 = bootstrapMeanInterval(values, `${v.name}|${name}`);
        s.method = 'bootstrap';
        continue;
      }
      {
        warnings.push({ kind: 'clipped', variant: v.name, metric: name, message: `${v.name} ${name}: the t interval [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}] reached past the feasible range and was cut to it; n = ${s.n} is too small or the values too skewed for a symmetric interval` });
        s.ci95 = cut;
        s.method = 't-clipped';
      }
    }
    const series = v.series;
    if (series !== null) {
      series.columns.forEach((c, j) => {
        const r = doc.columns?.[c]?.range;
        if (r === undefined || j === 0) return;
        for (const band of [series.lo, series.hi]) for (const row of band) if (typeof row[j] === 'number') row[j] = clip(row[j]!, r.lo, r.hi);
      });
    }
  }
  const names = [...new Set(doc.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  for (const name of names) {
    const all = doc.variants.map((v) => v.metrics[name]).filter((s): s is MetricSummary => s !== undefined);
    if (all.every((s) => s.n === 0)) {
      warnings.push({ kind: 'never-observed', metric: name, message: `${name}: no replication of any variant observed it (e.g. no incident of that priority); an answer about it rests on zero observations` });
    } else if (specs[name]?.unit === 'count' && all.every((s) => s.n > 0 && s.max === 0 && s.min === 0)) {
      warnings.push({ kind: 'never-occurred', metric: name, message: `${name}: 0 in every replication of every variant (the event never occurred); an answer that depends on it rests on zero observations` });
    }
  }
  const precision = keyPrecision(doc);
  if (precision !== null) {
    doc.precision = precision;
    for (const a of precision.achieved) {
      if (a.replicationsNeeded === null || a.relativeHalfWidth === null) continue;
      warnings.push({ kind: 'imprecise', variant: a.variant, metric: a.metric, message: `${a.variant} ${a.metric}: ±${(a.relativeHalfWidth * 100).toFixed(1)} % at n = ${a.n}, wider than ±${precision.target * 100} %; about ${a.replicationsNeeded} replications would reach it` });
    }
  }
  // The ranking copies the intervals: keep it in step.
  if (doc.ranking !== undefined) for (const o of doc.ranking.order) o.ci95 = doc.variants.find((v) => v.name === o.variant)?.metrics[doc.ranking.metric]?.ci95 ?? o.ci95;
  if (warnings.length > 0) doc.warnings = warnings;
  return doc;
}

/** Target relative half-width of the key metrics' 95 % intervals. */
export const PRECISION_TARGET = 0.05;

/**
 * Achieved relative precision of every key metric (catalog `key`) of every variant, against
 * PRECISION_TARGET. Verdicts (judged by their Wilson interval), clock times and metrics with
 * a mean of 0 have no meaningful relative precision and are left out. Null without a catalog.
 */
export function keyPrecision(doc: ResultsDocument): PrecisionReport | null {
  const catalog = doc.metrics;
  if (catalog === undefined) return null;
  const keys = Object.keys(catalog).filter((m) => catalog[m]!.key !== undefined && catalog[m]!.flag !== true && catalog[m]!.unit !== 'clock_seconds').sort(byKeyPosition(catalog));
  const achieved: AchievedPrecision[] = [];
  for (const v of doc.variants) {
    for (const m of keys) {
      const s = v.metrics[m];
      if (s === undefined || s.n === 0 || s.mean === 0 || !Number.isFinite(s.mean)) continue;
      const rel = s.n >= 2 && Number.isFinite(s.ci95[0]) ? (s.ci95[1] - s.ci95[0]) / 2 / Math.abs(s.mean) : null;
      const needed = rel === null ? null : rel <= PRECISION_TARGET ? null : Math.ceil(s.n * (rel / PRECISION_TARGET) ** 2);
      achieved.push({ variant: v.name, metric: m, n: s.n, relativeHalfWidth: rel, replicationsNeeded: needed });
    }
  }
  return { target: PRECISION_TARGET, met: achieved.every((a) => a.relativeHalfWidth !== null && a.relativeHalfWidth <= PRECISION_TARGET), achieved };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
