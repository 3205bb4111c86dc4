/**
 * Assembling a results document: one pure function from records to results.json, used by a
 * local run, by `opsim merge` over shards and by the queue coordinator. It sorts the records
 * by (variant, replication) itself, so where and in which order they were produced never
 * changes a byte of the output.
 */
import type { Scenario } from '../scenario/schema/index.js';
import { RESULTS_FORMAT, type FailedReplication, type ScenarioWarningRecord, type ReplicationRecord, type ResultsDocument, type StoppingReport, type WarmupDetection } from '../results/format.js';
import type { ColumnCatalog, MetricCatalog } from '../results/metrics.js';
import { OPSIM_VERSION } from '../version.js';
import { applyMetricSpecs, defaultRankMetric, metricNames, pairedComparisons, rankVariants, sortFailures, variantResults, type VariantRecords } from './aggregate.js';
import { slaBases } from '../models/sla/runtime.js';
import { plannedScenarioWarnings, plannedWarnings, type PlannedScenario } from '../models/warnings.js';
import { displayPath } from '../scenario/errors.js';
import { decisionOrderRecord } from '../report/decision-order.js';
import { prepare, type ExperimentInput } from './plan.js';

/** Everything the results document is made of, besides the records themselves. */
export interface AssembleInput {
  input: ExperimentInput;
  /** The base scenario (all variants share its name, horizon and experiment section). */
  base: Scenario;
  seed: string;
  /** Replications per variant requested (before sequential stopping). */
  requested: number;
  reference: string;
  /** The variants that ran, in order, with their own overrides. */
  variants: readonly { name: string; overrides: Record<string, unknown> }[];
  /** Records of the variants that ran, in any order; one per (variant, replication). */
  records: readonly ReplicationRecord[];
  failures: readonly FailedReplication[];
  /** Global overrides (`--set`), recorded when not empty. */
  overrides?: Record<string, unknown>;
  only?: readonly { variant: string; replication: number }[];
  warmupDetection?: WarmupDetection;
  stopping?: StoppingReport;
  interrupted: boolean;
  /** What every metric and series column means (the models' specs), written into the document. */
  catalog?: { metrics: MetricCatalog; columns: ColumnCatalog };
}

/** Aggregates records into the results document, in (variant, replication) order. */
export function assembleResults(a: AssembleInput): ResultsDocument {
  const experiment = a.base.experiment;
  const only = a.only !== undefined && a.only.length > 0 ? a.only : undefined;
  const stopWhen = only === undefined ? experiment?.stopWhen : undefined;
  const byVariant = new Map<string, ReplicationRecord[]>();
  for (const r of a.records) {
    let list = byVariant.get(r.variant);
    if (list === undefined) byVariant.set(r.variant, (list = []));
    list.push(r);
  }
  const variantRecords: VariantRecords[] = a.variants.map((v) => ({
    name: v.name,
    overrides: v.overrides,
    records: [...(byVariant.get(v.name) ?? [])].sort((x, y) => x.replication - y.replication),
  }));
  const results = variantRecords.map((v) => variantResults(v, a.catalog?.metrics));
  const names = metricNames(variantRecords.find((v) => v.name === a.reference)?.records ?? []);
  const rankMetric = experiment?.rankBy?.metric ?? stopWhen?.metric ?? defaultRankMetric(names, a.catalog?.metrics);
  const doc: ResultsDocument = {
    format: RESULTS_FORMAT,
    opsimVersion: OPSIM_VERSION,
    scenario: { name: a.base.name, file: a.input.file, hash: a.input.hash },
    seed: a.seed,
    horizonSeconds: a.base.horizon,
    warmupSeconds: a.warmupDetection !== undefined ? a.warmupDetection.seconds : (a.base.warmup ?? 0),
    complete: !a.interrupted && a.failures.length === 0,
    variants: results,
    comparisons: pairedComparisons(variantRecords, a.reference),
    failures: sortFailures([...a.failures], a.variants.map((v) => v.name)),
    reference: a.reference,
    replicationsRequested: a.requested,
  };
  if (a.overrides !== undefined && Object.keys(a.overrides).length > 0) doc.overrides = { ...a.overrides };
  if (only !== undefined) doc.only = only.map((o) => ({ variant: o.variant, replication: o.replication }));
  const declared = a.catalog?.metrics[rankMetric ?? '']?.better;
  if (rankMetric !== undefined && results.length > 1) doc.ranking = rankVariants(results, rankMetric, experiment?.rankBy?.direction ?? (declared === 'higher' || declared === 'lower' ? declared : undefined));
  if (a.warmupDetection !== undefined) doc.warmupDetection = a.warmupDetection;
  if (a.stopping !== undefined) doc.stopping = a.stopping;
  if (a.interrupted) doc.interrupted = true;
  if (a.base.currency !== undefined) doc.currency = a.base.currency;
  if (a.catalog !== undefined) Object.assign(doc, a.catalog);
  if ((a.base.sla?.services?.length ?? 0) > 0) doc.slas = slaBases(a.base.sla!.services!, doc.horizonSeconds - doc.warmupSeconds, a.base.services);
  const said = scenarioWarningsOf(a);
  if (said.length > 0) doc.scenarioWarnings = said;
  const done = applyMetricSpecs(doc);
  // The decision order from the one rule report.html and the CLI summary use, so the dashboard and pipelines read it rather than decide it again.
  done.decisionOrder = decisionOrderRecord(done);
  return done;
}

/**
 * The warnings `opsim run` printed before it ran (src/models/warnings.ts plannedWarnings over the
 * variants that ran), for results.json: each compiled scenario is the run's own (prepare's cache),
 * and judged once. None when the scenario cannot be compiled here (a document without its source).
 */
function scenarioWarningsOf(a: AssembleInput): ScenarioWarningRecord[] {
  let prepared: ReturnType<typeof prepare>;
  try {
    prepared = prepare(a.input, { overrides: a.overrides ?? {}, variants: a.base.experiment?.variants === undefined ? undefined : a.variants.map((v) => v.name) });
  } catch {
    return [];
  }
  const planned: PlannedScenario[] = a.base.experiment?.variants === undefined ? [{ variant: null, scenario: prepared.base }] : prepared.variants.map((v) => ({ variant: v.def.name, scenario: v.scenario, set: v.def.set, origin: v.def.origin }));
  const file = a.input.file;
  if (file === null) return plannedWarnings(planned).map((w) => ({ file: null, line: null, column: null, path: displayPath(w.path), message: w.message }));
  return plannedScenarioWarnings(file, planned).map((e) => ({ file: e.file, line: e.line, column: e.column, path: e.path, message: e.message.replace(/^warning: /, '') }));
}
