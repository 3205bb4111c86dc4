/**
 * The regression gate behind `opsim compare`: reference variant of a baseline results.json
 * against that of a current one, metric by metric. A metric regresses when it moved in its
 * bad direction by more than the tolerance AND the move is statistically significant
 * (paired t when both runs share seed and replication indices, else Welch). With fewer than
 * two replications on a side no test is possible and the tolerance alone decides. A move that
 * is not significant is not "unchanged": only a 95 % interval of the difference that lies
 * within the tolerance says so; one that reaches past it is "inconclusive", with the
 * replications that would decide it. Which way
 * is better comes from the documents' metric specs. Runs of different scenarios (unless
 * forced) or without a shared metric are an input error; metrics only one side reports are
 * listed.
 */
import { readFile } from 'node:fs/promises';
import { RESULTS_FORMAT, type ResultsDocument, type VariantResults } from '../results/format.js';
import { metricDirection, type Direction } from './direction.js';
import { pairedTTest, tQuantile, welchTest, type MeanTest } from './stats.js';

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
  /**
   * regression / improvement / changed (neutral metric): a significant move beyond the
   * tolerance. unchanged: not significant, and the 95 % interval of the difference lies
   * within ±tolerance (or, without a test, the values are equal).
   * within-tolerance: a significant move (or, without a test, any move) no larger than the
   * tolerance. inconclusive: not significant, but the interval reaches past the tolerance,
   * so the data cannot tell a change beyond it from none. Only a regression fails the gate.
   */
  verdict: 'regression' | 'improvement' | 'changed' | 'within-tolerance' | 'unchanged' | 'inconclusive';
  /**
   * For an inconclusive verdict: about how many replications per run would decide it (make
   * the observed move significant, or the interval fit within the tolerance), if the spread
   * stays as observed; null otherwise, or when more than MAX_PROJECTED_REPLICATIONS.
   */
  replicationsToDecide: number | null;
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
  /** Metrics whose verdict is inconclusive. */
  inconclusive: number;
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
    // The tolerance as an absolute difference, to hold the interval of the difference against.
    const band = (tol / 100) * Math.abs(sa.mean);
    let verdict: MetricVerdict['verdict'];
    let replicationsToDecide: number | null = null;
    if (significant && worse) verdict = 'regression';
    else if (significant && better) verdict = 'improvement';
    else if (significant && direction === 'neutral' && Math.abs(changePct) > tol) verdict = 'changed';
    else if (!tested) verdict = diff === 0 ? 'unchanged' : 'within-tolerance';
    else if (test.ci95[0] >= -band && test.ci95[1] <= band) verdict = significant ? 'within-tolerance' : 'unchanged';
    else if (significant) verdict = 'within-tolerance';
    else {
      verdict = 'inconclusive';
      replicationsToDecide = replicationsToDecideOf(test, Math.abs(diff), band, Math.min(sa.n, sb.n));
    }
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
      replicationsToDecide,
    };
  });
  const count = (w: MetricVerdict['verdict']): number => verdicts.filter((v) => v.verdict === w).length;
  return { baselineVariant: a.name, currentVariant: b.name, paired, tolerancePct: tol, verdicts, skipped, missingFromCurrent, missingFromBaseline, regressions: count('regression'), inconclusive: count('inconclusive') };
}

/** Projections of replications beyond this are not given (the answer would be "no practical count"). */
export const MAX_PROJECTED_REPLICATIONS = 1_000_000;

/**
 * About how many replications per run would decide an inconclusive comparison, if the spread
 * and the difference stay as observed: the 95 % half-width must shrink below the observed
 * |difference| (the move becomes significant) or, for a move within the tolerance, below the
 * room left to the tolerance (the interval fits within it), whichever comes first. The
 * half-width scales as t(0.975, df) ÷ √n: df is n − 1 for the paired test, Welch's df grown in
 * proportion for Welch's. Null when no count up to MAX_PROJECTED_REPLICATIONS does it.
 */
export function replicationsToDecideOf(test: MeanTest, absDiff: number, band: number, n: number): number | null {
  const hw = (test.ci95[1] - test.ci95[0]) / 2;
  const target = absDiff > band ? absDiff : Math.max(absDiff, band - absDiff);
  if (!(hw > 0) || !(target > 0) || n < 2) return null;
  const df = (m: number): number => (test.kind === 'paired' ? m - 1 : (test.df * m) / n);
  const halfWidth = (m: number): number => (hw * tQuantile(0.975, df(m)) * Math.sqrt(n / m)) / tQuantile(0.975, df(n));
  if (halfWidth(MAX_PROJECTED_REPLICATIONS) >= target) return null;
  // The half-width falls with m: the smallest m beyond n that reaches the target, by bisection.
  let lo = n;
  let hi = MAX_PROJECTED_REPLICATIONS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (halfWidth(mid) < target) hi = mid;
    else lo = mid;
  }
  return hi;
}
