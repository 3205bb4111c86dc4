/**
 * The regression gate behind `opsim compare`: reference variant of a baseline results.json
 * against that of a current one, metric by metric. A metric regresses when it moved in its
 * bad direction by more than the tolerance AND the move is statistically significant
 * (paired t when both runs share seed and replication indices, else Welch). With fewer than
 * two replications on a side no test is possible and the tolerance alone decides. Which way
 * is better comes from the documents' metric specs. Runs of different scenarios (unless
 * forced) or without a shared metric are an input error; metrics only one side reports are
 * listed.
 */
import { readFile } from 'node:fs/promises';
import { RESULTS_FORMAT, type ResultsDocument, type VariantResults } from '../results/format.js';
import { metricDirection, type Direction } from './direction.js';
import { pairedTTest, welchTest, type MeanTest } from './stats.js';

/** Options of a comparison. */
export interface CompareOptions {
  /** Metrics to compare (default: every metric both reference variants report). */
  metrics?: string[];
  /** Relative tolerance in percent (default 5). */
  tolerancePct?: number;
  /** Direction per metric, overriding the name-based inference. */
  directions?: Record<string, 'lower' | 'higher'>;
  /** Significance level of the two-sided test (default 0.05). */
  alpha?: number;
  /** Compare runs of different scenarios (by default an input error). */
  force?: boolean;
}

/** The verdict on one metric. */
export interface MetricVerdict {
  metric: string;
  direction: Direction;
  baselineMean: number;
  currentMean: number;
  baselineN: number;
  currentN: number;
  /** (current − baseline) / |baseline| × 100; ±Infinity when the baseline is 0 and the value moved. */
  changePct: number;
  test: 'paired' | 'welch' | 'none';
  /** Two-sided p-value (null without a test). */
  p: number | null;
  verdict: 'regression' | 'improvement' | 'unchanged' | 'changed';
}

/** The outcome of a comparison. */
export interface CompareReport {
  baselineVariant: string;
  currentVariant: string;
  paired: boolean;
  tolerancePct: number;
  verdicts: MetricVerdict[];
  /** Metrics left out because one side has no observations of them (n = 0). */
  skipped: string[];
  /** Metrics of the baseline's reference variant that the current run does not report. */
  missingFromCurrent: string[];
  /** Metrics the current run reports that the baseline does not. */
  missingFromBaseline: string[];
  regressions: number;
}

/** Input that cannot be compared (missing file, bad JSON, not a results document): exit code 2. */
export class CompareInputError extends Error {
  override name = 'CompareInputError';
}

/** Reads and checks a results.json file. */
export async function readResultsFile(file: string): Promise<ResultsDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CompareInputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CompareInputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return checkResultsDocument(doc, file);
}

/** Checks the shape `opsim compare` relies on; throws CompareInputError naming what is wrong. */
export function checkResultsDocument(doc: unknown, file: string): ResultsDocument {
  const bad = (what: string): never => {
    throw new CompareInputError(`${file}: not an opsim results document (${what})`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== RESULTS_FORMAT) bad(`format is ${JSON.stringify(d.format)}, expected "${RESULTS_FORMAT}"`);
  if (!Array.isArray(d.variants) || d.variants.length === 0) bad('no variants');
  for (const v of d.variants as unknown[]) {
    const vv = v as Record<string, unknown> | null;
    if (typeof vv !== 'object' || vv === null || typeof vv.name !== 'string' || typeof vv.metrics !== 'object' || vv.metrics === null) bad('a variant without name or metrics');
  }
  reviveNulls(d.variants as VariantResults[]);
  return doc as ResultsDocument;
}

const SUMMARY_NUMBERS = ['mean', 'sd', 'min', 'max', 'p05', 'p50', 'p95'] as const;

/**
 * results.json writes a statistic that does not exist (no observations, or no interval from
 * one) as null; in memory it is NaN (see MetricSummary). Turns those nulls back into NaN so
 * arithmetic on a parsed document never reads null as 0.
 */
function reviveNulls(variants: VariantResults[]): void {
  for (const v of variants) {
    for (const s of Object.values(v.metrics)) {
      if (typeof s !== 'object' || s === null) continue;
      const m = s as unknown as Record<string, unknown>;
      for (const k of SUMMARY_NUMBERS) if (m[k] === null) m[k] = NaN;
      if (Array.isArray(m.ci95)) m.ci95 = m.ci95.map((x: unknown) => (x === null ? NaN : x));
    }
  }
}

function referenceOf(doc: ResultsDocument): VariantResults {
  return doc.variants.find((v) => v.name === doc.reference) ?? doc.variants[0]!;
}

function sameReplications(a: VariantResults, b: VariantResults): boolean {
  const ra = a.perReplication?.replications;
  const rb = b.perReplication?.replications;
  return ra !== undefined && rb !== undefined && ra.length >= 2 && ra.length === rb.length && ra.every((r, i) => r === rb[i]);
}

/** Compares the reference variants of two results documents. */
export function compareResults(baseline: ResultsDocument, current: ResultsDocument, options: CompareOptions = {}): CompareReport {
  const tol = options.tolerancePct ?? 5;
  const alpha = options.alpha ?? 0.05;
  if (baseline.scenario?.name !== current.scenario?.name && options.force !== true) {
    throw new CompareInputError(`the runs come from different scenarios ("${baseline.scenario?.name}" and "${current.scenario?.name}"); pass --force to compare them anyway`);
  }
  const a = referenceOf(baseline);
  const b = referenceOf(current);
  const shared = Object.keys(a.metrics).filter((m) => m in b.metrics).sort();
  if (shared.length === 0) throw new CompareInputError(`the runs share no metric (baseline variant "${a.name}", current variant "${b.name}"): nothing to compare`);
  const missingFromCurrent = Object.keys(a.metrics).filter((m) => !(m in b.metrics)).sort();
  const missingFromBaseline = Object.keys(b.metrics).filter((m) => !(m in a.metrics)).sort();
  // Directions from the metric specs: the current run's catalog, else the baseline's.
  const catalog = { ...baseline.metrics, ...current.metrics };
  const asked = options.metrics !== undefined && options.metrics.length > 0 ? options.metrics : shared;
  for (const m of asked) {
    if (!(m in a.metrics)) throw new CompareInputError(`metric "${m}" is not in the baseline (variant "${a.name}")`);
    if (!(m in b.metrics)) throw new CompareInputError(`metric "${m}" is not in the current results (variant "${b.name}")`);
  }
  // A metric with no observations on a side (e.g. the MTTA of a priority that never occurred)
  // has no value to compare; reading it as 0 would invent a perfect score or a regression.
  const observed = (m: string): boolean => a.metrics[m]!.n > 0 && b.metrics[m]!.n > 0;
  const metrics = asked.filter(observed);
  const skipped = asked.filter((m) => !observed(m));
  const paired = baseline.seed === current.seed && sameReplications(a, b);
  const verdicts: MetricVerdict[] = metrics.map((metric) => {
    const sa = a.metrics[metric]!;
    const sb = b.metrics[metric]!;
    const direction: Direction = options.directions?.[metric] ?? metricDirection(metric, catalog);
    let test: MeanTest;
    const xa = a.perReplication?.metrics[metric];
    const xb = b.perReplication?.metrics[metric];
    if (paired && xa !== undefined && xb !== undefined) test = pairedTTest(xa.map((v) => v ?? NaN), xb.map((v) => v ?? NaN));
    else test = welchTest(sa, sb);
    const diff = sb.mean - sa.mean;
    const changePct = sa.mean !== 0 ? (diff / Math.abs(sa.mean)) * 100 : diff === 0 ? 0 : Math.sign(diff) * Infinity;
    const tested = Number.isFinite(test.p);
    const significant = tested ? test.p < alpha : true;
    const worse = direction === 'lower' ? changePct > tol : direction === 'higher' ? changePct < -tol : false;
    const better = direction === 'lower' ? changePct < -tol : direction === 'higher' ? changePct > tol : false;
    let verdict: MetricVerdict['verdict'] = 'unchanged';
    if (significant && worse) verdict = 'regression';
    else if (significant && better) verdict = 'improvement';
    else if (significant && direction === 'neutral' && Math.abs(changePct) > tol) verdict = 'changed';
    return {
      metric,
      direction,
      baselineMean: sa.mean,
      currentMean: sb.mean,
      baselineN: sa.n,
      currentN: sb.n,
      changePct,
      test: tested ? test.kind : 'none',
      p: tested ? test.p : null,
      verdict,
    };
  });
  return { baselineVariant: a.name, currentVariant: b.name, paired, tolerancePct: tol, verdicts, skipped, missingFromCurrent, missingFromBaseline, regressions: verdicts.filter((v) => v.verdict === 'regression').length };
}
