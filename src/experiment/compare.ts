/**
 * The regression gate behind `opsim compare`: every variant a baseline results.json shares with
 * a current one (matched by name), metric by metric. A metric regresses when it moved in its
 * bad direction by more than the tolerance (on the log scale: the ratio of geometric means) AND
 * the move is statistically significant (paired t
 * when both runs share seed and replication indices, else Welch; on the logarithms of the
 * per-replication values when they are all strictly positive, so a slowdown is tested as a
 * ratio and one exploded replication does not hide a consistent move). In a run of one
 * replication no test is possible and the tolerance alone decides; a metric observed in fewer
 * than two of several replications (a rare event) is not tested either, and a move of it beyond
 * the tolerance is inconclusive, never a regression on one draw. A move that is
 * not significant is not "unchanged": only a 95 % interval of the difference that lies within
 * the tolerance says so; one that reaches past it is "inconclusive", with the replications
 * that would decide it. Which way is better comes from the documents' metric specs.
 *
 * A comparison never tests less than it says: runs of different scenarios, horizons or
 * warm-ups, an incomplete run, a baseline variant the current run lacks are refused unless
 * forced (then the report says what differs), runs without a shared metric are refused, and the
 * report names the variants and runs compared, the variants left out and the metrics only one
 * side reports. It notes what else differs between the runs without refusing it: the scenario's
 * content (its hash) or overrides, the opsim that wrote each.
 *
 * A file is read if it is a results document of a format major version this opsim reads
 * (opsim-results/1, or a later minor version of it): every field compare reads is checked, then
 * the whole document against the results schema opened to later additions (resultsReadSchema),
 * so a document written by a newer opsim of the same major version compares, with a note naming
 * the fields this one did not read. Another major version is refused.
 * What cannot be compared is a CompareError of one of three kinds (a usage error, an unusable
 * file, runs that do not match), which `opsim compare` turns into exit codes of their own.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { resultsJsonSchema, resultsReadSchema } from '../results/schema.js';
import { RESULTS_FORMAT, RESULTS_FORMAT_MAJOR, resultsFormatVersion, type ResultsDocument, type VariantResults } from '../results/format.js';
import { OPSIM_VERSION } from '../version.js';
import { metricDirection, type Direction } from './direction.js';
import { pairedTTest, tQuantile, welchTest, welchTTest, type MeanTest } from './stats.js';

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
  /** The variant to compare in both runs (default: each run's reference variant). */
  variant?: string;
  /** Compare anyway runs of different scenarios, horizons or warm-ups, of different reference variants, or an incomplete run (by default refused); the report's notes say what differs. */
  force?: boolean;
  /** Compare an incomplete run's replications (by default refused). */
  allowIncomplete?: boolean;
}

/** One side of a comparison: which run and variant its figures come from. */
export interface ComparedRun {
  scenario: string;
  variant: string;
  /** Replications of the variant compared. */
  replications: number;
  seed: string;
  horizonSeconds: number | null;
  /** False when the run was interrupted or some replications failed. */
  complete: boolean;
  /** The run's other variants, not compared. */
  otherVariants: string[];
  /** The hash of the scenario's content (results.json `scenario.hash`): it differs when the scenario file changed. */
  scenarioHash: string;
  /** The run's overrides of every variant (`--set`, `--horizon`); empty without any. */
  overrides: Record<string, unknown>;
  /** The compared variant's own overrides (its `set` in the scenario). */
  variantOverrides: Record<string, unknown>;
  /** The opsim version that wrote the document, and its format tag. */
  opsimVersion: string;
  format: string;
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
  /** 'log': the test was on log(value) (a strictly positive metric: the ratio current/baseline); 'raw': on the values. */
  scale: 'log' | 'raw';
  /** Two-sided p-value (null without a test). */
  p: number | null;
  /**
   * regression / improvement / changed (neutral metric): a significant move beyond the
   * tolerance. unchanged: not significant, and the 95 % interval of the difference lies
   * within ±tolerance (or, without a test, the values are equal).
   * within-tolerance: a significant move (or, without a test, any move) no larger than the
   * tolerance. inconclusive: not significant, but the interval reaches past the tolerance,
   * so the data cannot tell a change beyond it from none; or, without a test in runs of several
   * replications (the metric observed in fewer than two of them), a move beyond the tolerance;
   * or the metric observed in one run only (observedOnlyIn). On the log scale "beyond the
   * tolerance" is the ratio of geometric means (ratioPct). Only a regression fails the gate.
   */
  verdict: 'regression' | 'improvement' | 'changed' | 'within-tolerance' | 'unchanged' | 'inconclusive';
  /**
   * For an inconclusive verdict: about how many replications per run would decide it (make
   * the observed move significant, or the interval fit within the tolerance), if the spread
   * stays as observed; null otherwise, or when more than MAX_PROJECTED_REPLICATIONS.
   */
  replicationsToDecide: number | null;
  /**
   * On the log scale: the change of the ratio of geometric means, (exp(mean log difference) − 1)
   * × 100, which the verdict is judged on (it is what the log test tests); absent otherwise.
   */
  ratioPct?: number;
  /**
   * Set when the metric was observed (n > 0) in one run only, 'baseline' or 'current': nothing
   * to compare it with (a metric that vanished, e.g. no request completed), so the verdict is
   * inconclusive without a test and the other side's mean is NaN (null in JSON).
   */
  observedOnlyIn?: 'baseline' | 'current';
}

/** The outcome of a comparison. */
export interface CompareReport {
  baselineVariant: string;
  currentVariant: string;
  /** What the baseline's figures are: scenario, variant, replications, seed, horizon. */
  baseline: ComparedRun;
  /** What the current run's figures are. */
  current: ComparedRun;
  /** How the runs differ beyond the figures (a forced mismatch, another horizon or seed), one sentence each; empty when they differ in nothing but the figures. */
  notes: string[];
  paired: boolean;
  tolerancePct: number;
  verdicts: MetricVerdict[];
  /** Metrics left out because neither side has observations of them (n = 0 in both); one observed on one side only is an inconclusive verdict (observedOnlyIn). */
  skipped: string[];
  /** Metrics of the baseline's reference variant that the current run does not report. */
  missingFromCurrent: string[];
  /** Metrics the current run reports that the baseline does not. */
  missingFromBaseline: string[];
  regressions: number;
  /** Metrics whose verdict is inconclusive. */
  inconclusive: number;
}

/**
 * Why a comparison could not be made: `usage`, the options ask for something neither run has
 * or are malformed; `input`, a file cannot be read, is not JSON or is not an opsim results
 * document; `mismatch`, the runs cannot be compared as asked (different scenarios or variants,
 * an incomplete run, no shared metric, a metric or variant only one run has).
 */
export type CompareProblem = 'usage' | 'input' | 'mismatch';

/** A comparison that could not be made, and why (see CompareProblem). */
export class CompareError extends Error {
  override name = 'CompareError';
  constructor(
    readonly problem: CompareProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Reads and checks a results.json file. */
export async function readResultsFile(file: string): Promise<ResultsDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CompareError('input', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CompareError('input', `${file}: not valid JSON (${(err as Error).message})`);
  }
  const checked = checkResultsDocument(doc, file);
  const problems = await resultsSchemaProblems(doc);
  if (problems.length > 0) throw new CompareError('input', `${file}: not a valid opsim results document, by docs/results.schema.json (${listed(problems)})`);
  return checked;
}

const listed = (problems: readonly string[]): string => problems.slice(0, MAX_SHAPE_PROBLEMS).join('; ') + (problems.length > MAX_SHAPE_PROBLEMS ? `; and ${problems.length - MAX_SHAPE_PROBLEMS} more` : '');

let resultsValidator: ((doc: unknown) => string[]) | undefined;

/**
 * What is wrong with `doc` by the results schema (src/results/schema.ts, published as
 * docs/results.schema.json) opened to the additions of later releases of the same major
 * version (resultsReadSchema: fields and string values it does not list, a minor version), one
 * problem per field path; empty when it is valid. Compiled on first use (Ajv is imported
 * statically: the command line's script loads a lazy command's packages before it, and only
 * `opsim compare` imports this module).
 */
export function resultsSchemaProblems(doc: unknown): Promise<string[]> {
  resultsValidator ??= (() => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(resultsReadSchema());
    return (d: unknown): string[] => {
      if (validate(d)) return [];
      // One problem per field: a union's branches (a number or null) fail together; their types are said as one.
      const byPath = new Map<string, { types: string[]; other: string[]; value: unknown }>();
      for (const e of validate.errors ?? []) {
        const field = e.instancePath
          .split('/')
          .slice(1)
          .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
          .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : key(seg)))
          .join('')
          .replace(/^\./, '');
        const value = e.instancePath.split('/').slice(1).reduce<unknown>((x, seg) => (isObject(x) || Array.isArray(x) ? (x as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), d);
        const entry = byPath.get(field) ?? { types: [], other: [], value };
        byPath.set(field, entry);
        if (e.keyword === 'type') entry.types.push(String(e.params.type));
        else if (e.keyword === 'additionalProperties') entry.other.push(`unexpected field "${String(e.params.additionalProperty)}"`);
        else if (e.keyword === 'required') entry.other.push(`missing field "${String(e.params.missingProperty)}"`);
        else if (e.keyword === 'const') entry.other.push(`expected ${JSON.stringify(e.params.allowedValue)}`);
        else if (e.keyword !== 'anyOf') entry.other.push(e.message ?? e.keyword);
      }
      return [...byPath].map(([field, { types, other, value }]) => {
        const what = [...(types.length > 0 ? [`expected ${[...new Set(types)].join(' or ')}, found ${found(value)}`] : []), ...new Set(other)].join(', ');
        return field === '' ? what : `${field}: ${what}`;
      });
    };
  })();
  return Promise.resolve(resultsValidator(doc));
}

/** Problems listed before "and N more". */
const MAX_SHAPE_PROBLEMS = 5;

let unreadValidator: ((doc: unknown) => string[]) | undefined;

/**
 * The fields of `doc` that this opsim does not know (not in its results schema), each by its
 * place in the document with array indices as [] and map keys (metric names) as [*]
 * (`variants[].metrics[*].p99`), once each: what a later opsim of the same major version added,
 * which compare leaves unread. Empty for a document this opsim wrote.
 */
export function unreadFields(doc: unknown): string[] {
  unreadValidator ??= (() => {
    const schema = resultsJsonSchema();
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    return (d: unknown): string[] => {
      if (validate(d)) return [];
      const out = new Set<string>();
      for (const e of validate.errors ?? []) {
        if (e.keyword !== 'additionalProperties') continue;
        const segs = [...e.instancePath.split('/').slice(1).map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~')), String(e.params.additionalProperty)];
        out.add(schemaPlace(schema, segs));
      }
      return [...out];
    };
  })();
  return unreadValidator(doc);
}

/** A field's place by the schema: a property by its name, an array item as [], a map's entry as [*]. */
function schemaPlace(schema: unknown, segs: readonly string[]): string {
  let s = schema as Record<string, unknown> | undefined;
  let out = '';
  for (const seg of segs) {
    // A union (a series or null): the branch that is an object or an array.
    if (s !== undefined && Array.isArray(s.anyOf)) s = (s.anyOf as Record<string, unknown>[]).find((b) => b.type === 'object' || b.type === 'array') ?? s;
    const props = s?.properties as Record<string, Record<string, unknown>> | undefined;
    if (props?.[seg] !== undefined) {
      out += key(seg);
      s = props[seg];
    } else if (s?.type === 'array') {
      out += '[]';
      s = Array.isArray(s.items) ? undefined : (s.items as Record<string, unknown>);
    } else if (s?.patternProperties !== undefined) {
      out += '[*]';
      s = Object.values(s.patternProperties as Record<string, Record<string, unknown>>)[0];
    } else {
      out += key(seg);
      s = undefined;
    }
  }
  return out.replace(/^\./, '');
}

/**
 * Checks every field `opsim compare` reads (open to fields it does not read, so documents of
 * other opsim versions compare); throws a CompareError ('input') naming each problem by its
 * path, so a malformed document is refused instead of failing mid-comparison.
 */
export function checkResultsDocument(doc: unknown, file: string): ResultsDocument {
  // A later minor version only adds: read. Another major version changed what fields mean: refused, not misread.
  const version = isObject(doc) ? resultsFormatVersion(doc.format) : null;
  if (version !== null && version.major !== RESULTS_FORMAT_MAJOR) {
    const by = isObject(doc) && typeof doc.opsimVersion === 'string' ? `written by opsim ${doc.opsimVersion} ` : '';
    throw new CompareError('input', `${file}: ${by}in results format ${String((doc as Record<string, unknown>).format)}, which this opsim (${OPSIM_VERSION}) cannot read: it reads format ${RESULTS_FORMAT_MAJOR} (${RESULTS_FORMAT} and its later minor versions); compare with an opsim that reads format ${version.major}`);
  }
  const problems = shapeProblems(doc);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_SHAPE_PROBLEMS).join('; ');
    const more = problems.length > MAX_SHAPE_PROBLEMS ? `; and ${problems.length - MAX_SHAPE_PROBLEMS} more` : '';
    throw new CompareError('input', `${file}: not an opsim results document (${shown}${more})`);
  }
  const disagreements = summaryDisagreements((doc as ResultsDocument).variants);
  if (disagreements.length > 0) throw new CompareError('input', `${file}: the summaries disagree with their own per-replication values, so the file was edited or damaged (rerun it): ${listed(disagreements)}`);
  reviveNulls((doc as ResultsDocument).variants);
  return doc as ResultsDocument;
}

/**
 * Where a summary `mean` differs from the mean of its own per-replication values (which opsim
 * computes it from: see experiment/aggregate.ts) by more than float rounding (relative 1e-9,
 * absolute 1e-12), one "variant, metric: …" each: a hand-edited or damaged file, whose verdict
 * would read one figure and test another. Checked only where both exist (n > 0 and the
 * metric's per-replication values present).
 */
function summaryDisagreements(variants: readonly VariantResults[]): string[] {
  const out: string[] = [];
  for (const v of variants) {
    for (const [m, sm] of Object.entries(v.metrics)) {
      const xs = v.perReplication?.metrics[m]?.filter((x): x is number => x !== null && Number.isFinite(x));
      if (!(sm.n > 0) || typeof sm.mean !== 'number' || xs === undefined || xs.length === 0) continue;
      const mean = xs.reduce((t, x) => t + x, 0) / xs.length;
      if (Math.abs(sm.mean - mean) > 1e-9 * Math.max(Math.abs(sm.mean), Math.abs(mean)) + 1e-12) {
        out.push(`variant "${v.name}", metric "${m}": summary mean ${sm.mean}, but the mean of its ${xs.length} per-replication value${xs.length === 1 ? '' : 's'} is ${mean}`);
      }
    }
  }
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): boolean => x === null || typeof x === 'number';
const key = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
const found = (x: unknown): string => (x === undefined ? 'nothing' : Array.isArray(x) ? 'an array' : x === null ? 'null' : typeof x === 'object' ? 'an object' : JSON.stringify(x));

/** What is wrong with `doc` as a results document, field by field (empty when compare can read it). */
function shapeProblems(doc: unknown): string[] {
  const out: string[] = [];
  const want = (path: string, what: string, x: unknown): void => {
    out.push(`${path}: expected ${what}, found ${found(x)}`);
  };
  if (!isObject(doc)) return [`expected a JSON object, found ${found(doc)}`];
  if (resultsFormatVersion(doc.format) === null) return [`format is ${JSON.stringify(doc.format)}, expected "${RESULTS_FORMAT}"`];
  if (!isObject(doc.scenario) || typeof doc.scenario.name !== 'string') want('scenario.name', 'a string', isObject(doc.scenario) ? doc.scenario.name : doc.scenario);
  if (typeof doc.seed !== 'string') want('seed', 'a string', doc.seed);
  if (doc.horizonSeconds !== undefined && typeof doc.horizonSeconds !== 'number') want('horizonSeconds', 'a number', doc.horizonSeconds);
  if (doc.reference !== undefined && typeof doc.reference !== 'string') want('reference', 'a variant name', doc.reference);
  if (doc.complete !== undefined && typeof doc.complete !== 'boolean') want('complete', 'true or false', doc.complete);
  if (doc.metrics !== undefined) {
    if (!isObject(doc.metrics)) want('metrics', 'an object (the metric catalog)', doc.metrics);
    else for (const [m, spec] of Object.entries(doc.metrics)) if (!isObject(spec)) want(`metrics${key(m)}`, 'an object (a metric spec)', spec);
  }
  if (!Array.isArray(doc.variants) || doc.variants.length === 0) {
    want('variants', 'a non-empty array', doc.variants);
    return out;
  }
  doc.variants.forEach((v: unknown, i) => {
    const at = `variants[${i}]`;
    if (!isObject(v)) return want(at, 'an object', v);
    if (typeof v.name !== 'string') want(`${at}.name`, 'a string', v.name);
    if (!isObject(v.metrics)) return want(`${at}.metrics`, 'an object', v.metrics);
    for (const [m, sm] of Object.entries(v.metrics)) {
      const ms = `${at}.metrics${key(m)}`;
      if (!isObject(sm)) {
        want(ms, 'a metric summary (n, mean, sd, …)', sm);
        continue;
      }
      if (!Number.isInteger(sm.n) || (sm.n as number) < 0) want(`${ms}.n`, 'an integer ≥ 0', sm.n);
      for (const f of ['mean', 'sd'] as const) if (!isNum(sm[f])) want(`${ms}.${f}`, 'a number or null', sm[f]);
      // A metric observed in some replication has a mean: null there would compare as no value.
      if (Number.isInteger(sm.n) && (sm.n as number) > 0 && sm.mean === null) want(`${ms}.mean`, `a number (n is ${String(sm.n)})`, sm.mean);
      if (sm.ci95 !== undefined && !(Array.isArray(sm.ci95) && sm.ci95.length === 2 && sm.ci95.every(isNum))) want(`${ms}.ci95`, '[lower, upper]', sm.ci95);
    }
    const pr = v.perReplication;
    if (pr === undefined) return;
    if (!isObject(pr)) return want(`${at}.perReplication`, 'an object', pr);
    if (!Array.isArray(pr.replications) || !pr.replications.every((r) => Number.isInteger(r))) return want(`${at}.perReplication.replications`, 'an array of replication indices', pr.replications);
    if (!isObject(pr.metrics)) return want(`${at}.perReplication.metrics`, 'an object', pr.metrics);
    const n = pr.replications.length;
    for (const [m, xs] of Object.entries(pr.metrics)) {
      if (!Array.isArray(xs) || xs.length !== n || !xs.every(isNum)) want(`${at}.perReplication.metrics${key(m)}`, `an array of ${n} numbers or nulls (one per replication)`, xs);
    }
  });
  return out;
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

/** The variant of `doc` a comparison reads: `name` when given, else the reference. */
function variantOf(doc: ResultsDocument, name: string | undefined): VariantResults | undefined {
  return name === undefined ? referenceOf(doc) : doc.variants.find((v) => v.name === name);
}

function comparedRun(doc: ResultsDocument, v: VariantResults): ComparedRun {
  return {
    scenario: doc.scenario.name,
    variant: v.name,
    replications: replicationsOf(v),
    seed: doc.seed,
    horizonSeconds: typeof doc.horizonSeconds === 'number' ? doc.horizonSeconds : null,
    complete: doc.complete !== false,
    otherVariants: doc.variants.filter((o) => o !== v).map((o) => o.name),
    scenarioHash: doc.scenario.hash,
    overrides: { ...(doc.overrides ?? {}) },
    variantOverrides: { ...(v.overrides ?? {}) },
    opsimVersion: doc.opsimVersion,
    format: doc.format,
  };
}

/** Why a run is incomplete, in words. */
function incompleteness(doc: ResultsDocument): string {
  const failed = doc.failures?.length ?? 0;
  const parts = [...(failed > 0 ? [`${failed} replication${failed === 1 ? '' : 's'} failed`] : []), ...(doc.interrupted === true ? ['interrupted'] : [])];
  return parts.length > 0 ? parts.join(', ') : 'complete: false';
}

/** Replications of a variant's run (not of one metric's observations). */
const replicationsOf = (v: VariantResults): number => v.perReplication?.replications.length ?? v.replications;

function sameReplications(a: VariantResults, b: VariantResults): boolean {
  const ra = a.perReplication?.replications;
  const rb = b.perReplication?.replications;
  return ra !== undefined && rb !== undefined && ra.length >= 2 && ra.length === rb.length && ra.every((r, i) => r === rb[i]);
}

/** A value of an override as the scenario or `--set` wrote it; "not set" when absent. */
const setting = (x: unknown): string => (x === undefined ? 'not set' : typeof x === 'string' ? x : JSON.stringify(x));

/** The overrides that differ between two runs' (or variants') override sets, one "path: baseline X, current Y" each, in path order. */
function overrideChanges(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const paths = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return paths.filter((p) => JSON.stringify(a[p]) !== JSON.stringify(b[p])).map((p) => `${p}: baseline ${setting(a[p])}, current ${setting(b[p])}`);
}

/** At most this many unread fields are named in a note, then "and N more". */
const MAX_UNREAD_LISTED = 8;

/**
 * What differs between the runs besides their figures and does not stop a comparison, one note
 * each: the scenario's content (a changed scenario file under the same name: the point of a
 * comparison in a pipeline that edits it, so compared, but said), the overrides of every
 * variant (`--set`), the opsim versions that wrote the runs, and the fields of a later opsim's
 * document that this one did not read.
 */
function runDifferences(baseline: ResultsDocument, current: ResultsDocument): string[] {
  const notes: string[] = [];
  const changed = overrideChanges(baseline.overrides ?? {}, current.overrides ?? {});
  if (changed.length > 0) notes.push(`the runs' overrides of every variant (--set, --horizon) differ: ${changed.join('; ')}`);
  // The hash is of the scenario as run: its content with the overrides applied.
  const [ha, hb] = [baseline.scenario.hash, current.scenario.hash];
  const hashes = `hash ${ha.slice(0, 12)} in the baseline, ${hb.slice(0, 12)} in the current run`;
  if (baseline.scenario.name === current.scenario.name && ha !== hb) {
    notes.push(changed.length > 0 ? `the scenario as run differs (${hashes}): by the overrides above, and perhaps by edits of its content` : `the scenario's content differs (${hashes}): a change in the figures may come from its edits`);
  }
  if (baseline.opsimVersion !== current.opsimVersion) notes.push(`the runs were written by different opsim versions (baseline opsim ${baseline.opsimVersion}, format ${baseline.format}; current opsim ${current.opsimVersion}, format ${current.format}): a change in the figures may come from opsim itself`);
  for (const [side, doc] of [['baseline', baseline], ['current run', current]] as const) {
    const unread = unreadFields(doc);
    if (unread.length === 0) continue;
    const more = unread.length > MAX_UNREAD_LISTED ? `, and ${unread.length - MAX_UNREAD_LISTED} more` : '';
    notes.push(`the ${side} was written by opsim ${doc.opsimVersion} (format ${doc.format}) and has fields this opsim (${OPSIM_VERSION}) does not know, left unread: ${unread.slice(0, MAX_UNREAD_LISTED).join(', ')}${more}`);
  }
  return notes;
}

/**
 * What makes two runs comparable at all, checked once per comparison: refused unless forced
 * (runs of different scenarios, an incomplete run unless allowed, different horizons or
 * warm-ups: a gate recorded with other settings measures other spans), noted otherwise. A
 * different seed is not refused: its replications are independent samples, compared by Welch's
 * test (which is valid for them), with a note that the pairing of a rerun is lost. What differs
 * without stopping a comparison is noted (runDifferences). A `--direction` for a metric neither
 * run reports is a usage error, as a `--metric` is: a misspelt name must not leave the gate on
 * the direction it was meant to override.
 */
function checkRuns(baseline: ResultsDocument, current: ResultsDocument, options: CompareOptions): string[] {
  const reported = new Set([baseline, current].flatMap((d) => d.variants.flatMap((v) => Object.keys(v.metrics))));
  for (const m of Object.keys(options.directions ?? {})) if (!reported.has(m)) throw new CompareError('usage', `--direction "${m}": neither run reports such a metric`);
  const force = options.force === true;
  const notes: string[] = [];
  const unlessForced = (refusal: string, note: string, allowed = force): void => {
    if (!allowed) throw new CompareError('mismatch', `${refusal}; pass --force to compare them anyway`);
    notes.push(note);
  };
  const sa = baseline.scenario.name;
  const sb = current.scenario.name;
  if (sa !== sb) unlessForced(`the runs come from different scenarios ("${sa}" and "${sb}")`, `compared across scenarios: "${sa}" and "${sb}" (--force)`);
  for (const [side, doc] of [['baseline', baseline], ['current run', current]] as const) {
    if (doc.complete !== false) continue;
    const allowed = force || options.allowIncomplete === true;
    if (!allowed) throw new CompareError('mismatch', `the ${side} is incomplete (${incompleteness(doc)}): rerun it; pass --allow-incomplete (or --force) to compare the replications it has`);
    notes.push(`the ${side} is incomplete (${incompleteness(doc)}); its figures are those of the replications it has (${options.allowIncomplete === true ? '--allow-incomplete' : '--force'})`);
  }
  const ha = baseline.horizonSeconds;
  const hb = current.horizonSeconds;
  if (typeof ha === 'number' && typeof hb === 'number' && ha !== hb) unlessForced(`the runs' horizons differ (${ha} s and ${hb} s): counts, totals and transients are over different spans; rerun with the baseline's --horizon`, `the runs' horizons differ (${ha} s and ${hb} s): counts and totals are over different spans (--force)`);
  const wa = baseline.warmupSeconds ?? 0;
  const wb = current.warmupSeconds ?? 0;
  if (wa !== wb) unlessForced(`the runs' warm-ups differ (${wa} s and ${wb} s); rerun with the baseline's warm-up`, `the runs' warm-ups differ (${wa} s and ${wb} s) (--force)`);
  return [...notes, ...runDifferences(baseline, current)];
}

/** Compares one variant of each run (each run's reference variant, or `options.variant`). */
export function compareResults(baseline: ResultsDocument, current: ResultsDocument, options: CompareOptions = {}): CompareReport {
  const notes = checkRuns(baseline, current, options);
  const a = variantOf(baseline, options.variant);
  const b = variantOf(current, options.variant);
  if (a === undefined || b === undefined) {
    const names = (d: ResultsDocument): string => d.variants.map((v) => `"${v.name}"`).join(', ');
    if (a === undefined && b === undefined) throw new CompareError('usage', `--variant "${options.variant}": neither run has such a variant (baseline: ${names(baseline)}; current: ${names(current)})`);
    throw new CompareError('mismatch', `--variant "${options.variant}": only the ${a === undefined ? 'current run' : 'baseline'} has it (${a === undefined ? 'baseline' : 'current run'}: ${names(a === undefined ? baseline : current)})`);
  }
  if (a.name !== b.name) {
    if (options.force !== true) throw new CompareError('mismatch', `the runs' reference variants differ (baseline "${a.name}", current "${b.name}"); pass --variant NAME to compare a variant both runs have; pass --force to compare them anyway`);
    notes.push(`compared across variants: baseline "${a.name}", current "${b.name}" (--force)`);
  }
  return compareVariant(baseline, current, a, b, options, notes);
}

/** The comparison of two runs variant by variant: every variant both have (or those asked for). */
export interface GateReport {
  tolerancePct: number;
  /** One comparison per variant, in the baseline's order. */
  sections: CompareReport[];
  /** Variants of the baseline not compared because the current run lacks them (only with --force). */
  onlyInBaseline: string[];
  /** Variants of the current run not in the baseline (new): listed, not compared. */
  onlyInCurrent: string[];
  /** Variants both runs have that --variant left out. */
  notSelected: string[];
  /** How the runs differ (forced mismatches, seeds), once for all sections. */
  notes: string[];
  /** Regressions over all sections. */
  regressions: number;
  /** Inconclusive verdicts over all sections. */
  inconclusive: number;
}

/**
 * Compares every variant the two runs share, matched by name, so a regression in any variant
 * fails the gate (`options.variants` restricts the comparison to those). A variant of the
 * baseline the current run lacks cannot be checked: refused unless forced (a gate must not
 * pass what it did not test); a variant only the current run has is listed. Runs that share no
 * variant name are refused unless forced, and then their reference variants are compared.
 */
export function compareRuns(baseline: ResultsDocument, current: ResultsDocument, options: CompareOptions & { variants?: string[] } = {}): GateReport {
  const notes = checkRuns(baseline, current, options);
  const tol = options.tolerancePct ?? 5;
  const inBase = baseline.variants.map((v) => v.name);
  const inCur = new Set(current.variants.map((v) => v.name));
  const names = (list: readonly string[]): string => list.map((n) => `"${n}"`).join(', ');
  const onlyInBaseline = inBase.filter((n) => !inCur.has(n));
  const onlyInCurrent = [...inCur].filter((n) => !inBase.includes(n));
  const shared = inBase.filter((n) => inCur.has(n));
  let pairs: [VariantResults, VariantResults][];
  let notSelected: string[] = [];
  const asked = [...new Set(options.variants ?? [])];
  if (asked.length > 0) {
    for (const n of asked) {
      const ha = inBase.includes(n);
      const hb = inCur.has(n);
      if (!ha && !hb) throw new CompareError('usage', `--variant "${n}": neither run has such a variant (baseline: ${names(inBase)}; current: ${names([...inCur])})`);
      if (!ha || !hb) throw new CompareError('mismatch', `--variant "${n}": only the ${ha ? 'baseline' : 'current run'} has it (${ha ? 'current run' : 'baseline'}: ${names(ha ? [...inCur] : inBase)})`);
    }
    const order = inBase.filter((n) => asked.includes(n));
    pairs = order.map((n) => [baseline.variants.find((v) => v.name === n)!, current.variants.find((v) => v.name === n)!]);
    notSelected = shared.filter((n) => !asked.includes(n));
  } else if (shared.length === 0) {
    const a = referenceOf(baseline);
    const b = referenceOf(current);
    if (options.force !== true) throw new CompareError('mismatch', `the runs share no variant (baseline: ${names(inBase)}; current: ${names([...inCur])}); pass --force to compare their reference variants ("${a.name}" and "${b.name}") anyway`);
    notes.push(`compared across variants: baseline "${a.name}", current "${b.name}" (--force)`);
    pairs = [[a, b]];
  } else {
    if (onlyInBaseline.length > 0) {
      const what = `the current run lacks the baseline's variant${onlyInBaseline.length === 1 ? '' : 's'} ${names(onlyInBaseline)}`;
      if (options.force !== true) throw new CompareError('mismatch', `${what}, so ${onlyInBaseline.length === 1 ? 'its' : 'their'} regressions cannot be checked; pass --variant NAME to compare the others, or --force to compare the shared ones anyway`);
      notes.push(`${what}: not compared (--force)`);
    }
    pairs = shared.map((n) => [baseline.variants.find((v) => v.name === n)!, current.variants.find((v) => v.name === n)!]);
  }
  const sections = pairs.map(([a, b]) => compareVariant(baseline, current, a, b, options, []));
  return {
    tolerancePct: tol,
    sections,
    onlyInBaseline: pairs.length === 1 && shared.length === 0 ? [] : onlyInBaseline,
    onlyInCurrent: pairs.length === 1 && shared.length === 0 ? [] : onlyInCurrent,
    notSelected,
    notes,
    regressions: sections.reduce((s, r) => s + r.regressions, 0),
    inconclusive: sections.reduce((s, r) => s + r.inconclusive, 0),
  };
}

/**
 * Units whose ratios mean something (a zero that is none of the quantity): not a clock time (day
 * 1 08:00 is not twice 04:00) nor a temperature in °C. A metric without a catalog unit counts
 * as one (durations, counts and rates are most metrics); it is tested on the log scale only if
 * all its values are positive anyway.
 */
function ratioScale(unit: string | undefined): boolean {
  return unit !== 'clock_seconds' && unit !== 'celsius';
}

/** Every finite value of a per-replication array is > 0 (and there are at least two). */
function strictlyPositive(xs: readonly (number | null)[] | undefined): xs is number[] {
  if (xs === undefined) return false;
  const finite = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return finite.length >= 2 && finite.every((x) => x > 0);
}

const logOf = (xs: readonly (number | null)[]): number[] => xs.map((x) => (x === null || !(x > 0) ? NaN : Math.log(x)));

/** Compares variant `a` of the baseline with variant `b` of the current run, metric by metric. */
function compareVariant(baseline: ResultsDocument, current: ResultsDocument, a: VariantResults, b: VariantResults, options: CompareOptions, runNotes: string[]): CompareReport {
  const tol = options.tolerancePct ?? 5;
  const alpha = options.alpha ?? 0.05;
  const notes = [...runNotes];
  const settings = overrideChanges(a.overrides ?? {}, b.overrides ?? {});
  if (settings.length > 0) notes.push(`the variant's own settings differ (${a.name === b.name ? `"${a.name}"` : `"${a.name}" and "${b.name}"`}): ${settings.join('; ')}`);
  const shared = Object.keys(a.metrics).filter((m) => m in b.metrics).sort();
  if (shared.length === 0) throw new CompareError('mismatch', `the runs share no metric (baseline variant "${a.name}", current variant "${b.name}"): nothing to compare`);
  const missingFromCurrent = Object.keys(a.metrics).filter((m) => !(m in b.metrics)).sort();
  const missingFromBaseline = Object.keys(b.metrics).filter((m) => !(m in a.metrics)).sort();
  // Directions from the metric specs: the current run's catalog, else the baseline's.
  const catalog = { ...baseline.metrics, ...current.metrics };
  const asked = options.metrics !== undefined && options.metrics.length > 0 ? options.metrics : shared;
  for (const m of asked) {
    if (!(m in a.metrics) && !(m in b.metrics)) throw new CompareError('usage', `--metric "${m}": neither run reports it (variant "${a.name}"${b.name !== a.name ? ` and "${b.name}"` : ''})`);
    if (!(m in a.metrics)) throw new CompareError('mismatch', `metric "${m}" is not in the baseline (variant "${a.name}"), only in the current run`);
    if (!(m in b.metrics)) throw new CompareError('mismatch', `metric "${m}" is not in the current results (variant "${b.name}"), only in the baseline`);
  }
  // A metric with no observations on a side (e.g. the MTTA of a priority that never occurred)
  // has no value to compare; reading it as 0 would invent a perfect score or a regression. Not
  // observed in either run, it is left out; observed in one only (a response time when nothing
  // completed any more), it cannot pass unseen: an inconclusive verdict, and with --metric
  // naming it, a comparison that cannot be made as asked.
  const seen = (m: string): [boolean, boolean] => [a.metrics[m]!.n > 0, b.metrics[m]!.n > 0];
  const metrics = asked.filter((m) => seen(m)[0] && seen(m)[1]);
  const skipped = asked.filter((m) => !seen(m)[0] && !seen(m)[1]);
  const oneSided = asked.filter((m) => seen(m)[0] !== seen(m)[1]);
  if (options.metrics !== undefined && options.metrics.length > 0 && oneSided.length > 0) {
    const m = oneSided[0]!;
    const [inA] = seen(m);
    throw new CompareError('mismatch', `metric "${m}" was observed in the ${inA ? 'baseline only' : 'current run only'} (n = ${a.metrics[m]!.n} in the baseline's variant "${a.name}", ${b.metrics[m]!.n} in the current run's "${b.name}"): it cannot be compared as asked`);
  }
  const paired = baseline.seed === current.seed && sameReplications(a, b);
  if (!paired) {
    const ra = a.perReplication?.replications;
    const rb = b.perReplication?.replications;
    const why =
      baseline.seed !== current.seed
        ? `the seeds differ ("${baseline.seed}" and "${current.seed}")`
        : ra === undefined || rb === undefined
          ? 'a run has no per-replication values'
          : ra.length >= 2 && rb.length >= 2
            ? `the replications differ (${ra.length} and ${rb.length}, or other indices)`
            : null;
    if (why !== null) notes.push(`${why}: Welch's t-test on independent replications, not the paired test of a rerun with the same seed and replications`);
  }
  const verdicts: MetricVerdict[] = metrics.map((metric) => {
    const sa = a.metrics[metric]!;
    const sb = b.metrics[metric]!;
    const declared = options.directions?.[metric] ?? metricDirection(metric, catalog);
    // A direction this opsim does not know (a later release's) gates nothing, like a neutral metric.
    const direction: Direction = declared === 'lower' || declared === 'higher' ? declared : 'neutral';
    const xa = a.perReplication?.metrics[metric];
    const xb = b.perReplication?.metrics[metric];
    // A strictly positive metric (a time, a count that never hit 0) is tested on the log of its
    // values: a slowdown is a ratio, and one exploding queue then weighs as a large ratio, not as
    // an outlier that inflates the spread until every pair worse is "not significant".
    const log = ratioScale(catalog[metric]?.unit) && strictlyPositive(xa) && strictlyPositive(xb);
    let test: MeanTest;
    if (log) test = paired ? pairedTTest(logOf(xa), logOf(xb)) : welchTTest(logOf(xa), logOf(xb));
    else if (paired && xa !== undefined && xb !== undefined) test = pairedTTest(xa.map((v) => v ?? NaN), xb.map((v) => v ?? NaN));
    else test = welchTest(sa, sb);
    // Pairs need a value on both sides of a replication: a metric observed in different
    // replications of each run (a rare event) has fewer than two pairs, but may have two
    // independent samples.
    if (test.kind === 'paired' && !Number.isFinite(test.p)) test = log ? welchTTest(logOf(xa), logOf(xb)) : welchTest(sa, sb);
    const diff = sb.mean - sa.mean;
    const changePct = sa.mean !== 0 ? (diff / Math.abs(sa.mean)) * 100 : diff === 0 ? 0 : Math.sign(diff) * Infinity;
    const tested = Number.isFinite(test.p);
    // Without a test the tolerance alone decides only in a run of one replication (a deliberate
    // one-replication gate); a metric observed in fewer than two of several replications (a
    // rare event: one incident of a priority) is one draw of chance, which must not fail the
    // gate: beyond the tolerance it is inconclusive.
    const single = replicationsOf(a) <= 1 || replicationsOf(b) <= 1;
    const significant = tested ? test.p < alpha : single;
    // On the log scale the tested move is the ratio of geometric means, and the verdict is
    // judged on it: four of five replications 30 % slower is a regression even when one large
    // replication, alike in both runs, keeps the change of the arithmetic means inside the
    // tolerance. On the raw scale the tested move is the change of the means.
    const ratioPct = log && tested ? (Math.exp(test.difference) - 1) * 100 : changePct;
    const beyond = (sign: 1 | -1): boolean => sign * ratioPct > tol;
    const worse = direction === 'lower' ? beyond(1) : direction === 'higher' ? beyond(-1) : false;
    const better = direction === 'lower' ? beyond(-1) : direction === 'higher' ? beyond(1) : false;
    const moved = Math.abs(ratioPct) > tol;
    // The tolerance as a band around no change, in the test's scale, to hold its interval against.
    const [bandLo, bandHi] = log ? [tol < 100 ? Math.log(1 - tol / 100) : -Infinity, Math.log(1 + tol / 100)] : [-(tol / 100) * Math.abs(sa.mean), (tol / 100) * Math.abs(sa.mean)];
    let verdict: MetricVerdict['verdict'];
    let replicationsToDecide: number | null = null;
    if (significant && worse) verdict = 'regression';
    else if (significant && better) verdict = 'improvement';
    else if (significant && direction === 'neutral' && moved) verdict = 'changed';
    else if (!tested) verdict = diff === 0 ? 'unchanged' : single || !(Math.abs(changePct) > tol) ? 'within-tolerance' : 'inconclusive';
    else if (test.ci95[0] >= bandLo && test.ci95[1] <= bandHi) verdict = significant ? 'within-tolerance' : 'unchanged';
    else if (significant) verdict = 'within-tolerance';
    else {
      verdict = 'inconclusive';
      replicationsToDecide = replicationsToDecideOf(test, Math.abs(test.difference), Math.min(-bandLo, bandHi), Math.min(sa.n, sb.n));
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
      scale: tested && log ? 'log' : 'raw',
      p: tested ? test.p : null,
      verdict,
      replicationsToDecide,
      ...(log && tested ? { ratioPct } : {}),
    };
  });
  for (const metric of oneSided) {
    const [sa, sb] = [a.metrics[metric]!, b.metrics[metric]!];
    const declared = options.directions?.[metric] ?? metricDirection(metric, catalog);
    verdicts.push({
      metric,
      direction: declared === 'lower' || declared === 'higher' ? declared : 'neutral',
      baselineMean: sa.n > 0 ? sa.mean : NaN,
      currentMean: sb.n > 0 ? sb.mean : NaN,
      baselineN: sa.n,
      currentN: sb.n,
      changePct: NaN,
      test: 'none',
      scale: 'raw',
      p: null,
      verdict: 'inconclusive',
      replicationsToDecide: null,
      observedOnlyIn: sa.n > 0 ? 'baseline' : 'current',
    });
  }
  const count = (w: MetricVerdict['verdict']): number => verdicts.filter((v) => v.verdict === w).length;
  return { baselineVariant: a.name, currentVariant: b.name, baseline: comparedRun(baseline, a), current: comparedRun(current, b), notes, paired, tolerancePct: tol, verdicts, skipped, missingFromCurrent, missingFromBaseline, regressions: count('regression'), inconclusive: count('inconclusive') };
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
