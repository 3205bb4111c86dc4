/**
 * runExperiment: variants × replications on a worker pool (or in-process), aggregated in
 * (variant, replication) order into one ResultsDocument. The server, the main job and
 * `opsim run` all call this.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkSeed } from '../engine/index.js';
import { compileRaw } from '../scenario/index.js';
import { ScenarioLoadError, toPointer, displayPath, didYouMean, parseFieldPath, type ScenarioError } from '../scenario/errors.js';
import { readScenarioSource } from '../scenario/source.js';
import type { Scenario } from '../scenario/schema/index.js';
import { RESULTS_FORMAT, type FailedReplication, type ReplicationRecord, type ResultsDocument, type StoppingReport, type WarmupDetection } from '../results/format.js';
import { OPSIM_VERSION } from '../version.js';
import { applyMetricSpecs, defaultRankMetric, metricNames, pairedComparisons, rankVariants, sortFailures, summarizeSeries, variantResults, type VariantRecords } from './aggregate.js';
import { ReplicationPool, defaultWorkers } from './pool.js';
import { mser5, summarize } from './stats.js';
import { slaBases } from '../models/sla.js';
import { CompiledCache, executeTask, type ReplicationTask, type ScenarioPayload, type TaskResult } from './task.js';
import { duplicateNames, expandVariants, type VariantDef } from './variants.js';
import './check.js';

/** Progress of a run, reported after every finished replication. */
export interface ExperimentProgress {
  done: number;
  total: number;
  failed: number;
}

/** The scenario to run: the merged raw document (before unit conversion), its file and hash. */
export interface ExperimentInput {
  raw: unknown;
  file: string | null;
  hash: string;
}

/** Options of runExperiment; every field is optional. */
export interface ExperimentOptions {
  /** Replications per variant (default: the scenario's `experiment.replications`, else 1). */
  replications?: number;
  /** Worker threads (0 or 1 = in-process; default min(2, cores) when more than one task). Ignored with `pool`. */
  workers?: number;
  /** Master seed (default: the scenario's `seed`, else "1"). */
  seed?: string;
  /** Field-path overrides applied to every variant (`--set`). */
  overrides?: Record<string, unknown>;
  /** Run only these variants (by name). */
  variants?: string[];
  /** Run only these (variant, replication) pairs, e.g. to rerun a failed one. */
  only?: { variant: string; replication: number }[];
  /** Called after every finished replication. */
  onProgress?: (p: ExperimentProgress) => void;
  /** Aborting stops scheduling, abandons running replications and returns partial results. */
  signal?: AbortSignal;
  /** A pool shared across runs (a server's); the run does not close it. */
  pool?: ReplicationPool;
}

/** Something that runs tasks: a pool, or the main thread. */
interface Executor {
  readonly concurrency: number;
  run(task: ReplicationTask, payload: ScenarioPayload): Promise<TaskResult>;
}

class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  private readonly cache = new CompiledCache(64);
  async run(task: ReplicationTask, payload: ScenarioPayload): Promise<TaskResult> {
    // Yield to the event loop between replications so signals and progress get through.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return executeTask({ ...task, payload }, this.cache);
  }
}

class PoolExecutor implements Executor {
  constructor(private readonly pool: ReplicationPool) {}
  get concurrency(): number {
    return this.pool.size;
  }
  async run(task: ReplicationTask, payload: ScenarioPayload): Promise<TaskResult> {
    // The scenario goes to a worker only when that worker asks for it (once per variant).
    const first = await this.pool.run(task);
    if (first.status !== 'need-payload') return first;
    return this.pool.run({ ...task, payload });
  }
}

/** A variant ready to run: its definition, compile key and payload. */
interface PreparedVariant {
  def: VariantDef;
  key: string;
  payload: ScenarioPayload;
  scenario: Scenario;
}

function scenarioError(message: string, pathText = ''): ScenarioError {
  return { file: null, line: null, column: null, path: pathText, message };
}

/** Looks up where a variant was declared in its file, so variant errors carry a position. */
function locate(file: string | null, segments: (string | number)[]): { line: number | null; column: number | null } {
  if (file === null) return { line: null, column: null };
  const abs = path.resolve(file);
  if (!existsSync(abs)) return { line: null, column: null };
  const src = readScenarioSource(abs, file);
  if (!src.ok) return { line: null, column: null };
  for (let n = segments.length; n >= 0; n--) {
    const o = src.doc.origins.get(toPointer(segments.slice(0, n)));
    if (o !== undefined) return { line: o.keyLine ?? o.line, column: o.keyColumn ?? o.column };
  }
  return { line: null, column: null };
}

/** Gives an error found on a raw document (no positions) the position of its path in the file. */
function relocate(file: string | null, e: ScenarioError): ScenarioError {
  if (e.line !== null || file === null || e.file === null) return e;
  let segs: (string | number)[];
  try {
    segs = e.path === '' ? [] : parseFieldPath(e.path);
  } catch {
    return e;
  }
  return { ...e, ...locate(file, segs) };
}

function stableKey(hash: string, overrides: Record<string, unknown>): string {
  return `${hash}|${JSON.stringify(overrides)}`;
}

/** Compiles the base scenario and every variant, collecting all errors (with positions where known). */
function prepare(input: ExperimentInput, options: ExperimentOptions): { base: Scenario; variants: PreparedVariant[]; reference: string } {
  const global = options.overrides ?? {};
  const baseResult = compileRaw(input.raw, { file: input.file ?? undefined, overrides: global });
  if (!baseResult.ok) throw new ScenarioLoadError(baseResult.errors.map((e) => relocate(input.file, e)));
  const base = baseResult.scenario;
  const experiment = base.experiment;
  let defs = expandVariants(experiment);
  const errors: ScenarioError[] = [];
  for (const d of duplicateNames(defs)) {
    const where = locate(input.file, ['experiment', 'variants']);
    errors.push({ file: input.file, ...where, path: 'experiment.variants', message: `two variants are named "${d}"; variant names must be unique` });
  }
  const allNames = defs.map((d) => d.name);
  if (options.variants !== undefined && options.variants.length > 0) {
    for (const n of options.variants) if (!allNames.includes(n)) errors.push(scenarioError(`--variant ${JSON.stringify(n)}: no such variant${didYouMean(n, allNames)} (variants: ${allNames.join(', ')})`));
    defs = defs.filter((d) => options.variants!.includes(d.name));
  }
  for (const o of options.only ?? []) {
    if (!allNames.includes(o.variant)) errors.push(scenarioError(`--only ${o.variant}:${o.replication}: no such variant${didYouMean(o.variant, allNames)} (variants: ${allNames.join(', ')})`));
    if (!Number.isInteger(o.replication) || o.replication < 0) errors.push(scenarioError(`--only ${o.variant}:${o.replication}: the replication must be an integer ≥ 0`));
  }
  if (options.only !== undefined && options.only.length > 0) defs = defs.filter((d) => options.only!.some((o) => o.variant === d.name));
  const variants: PreparedVariant[] = [];
  for (const def of defs) {
    const overrides = { ...global, ...def.set };
    const r = compileRaw(input.raw, { file: input.file ?? undefined, overrides });
    if (!r.ok) {
      for (const e of r.errors) {
        if (e.line !== null) {
          errors.push(e);
          continue;
        }
        // An override error has no position of its own: point at the variant that wrote it.
        const own = Object.keys(def.set).find((k) => e.path === k || e.message.includes(`(set by override ${k}=`));
        const isOwn = own !== undefined;
        const segs = isOwn ? [...def.origin, ...(def.origin[2] === 'list' ? ['set', own] : [own])] : def.origin;
        const where = isOwn ? locate(input.file, segs) : { line: null, column: null };
        errors.push({ file: isOwn ? input.file : e.file, ...where, path: isOwn ? displayPath(segs) : e.path, message: `variant "${def.name}": ${isOwn && e.path !== own ? `${e.path}: ` : ''}${e.message}` });
      }
      continue;
    }
    variants.push({ def, key: stableKey(input.hash, overrides), payload: { raw: input.raw, file: input.file, overrides, compiled: r.scenario }, scenario: r.scenario });
  }
  let reference = experiment?.reference ?? defs[0]?.name ?? 'base';
  if (experiment?.reference !== undefined && !allNames.includes(experiment.reference)) {
    errors.push({ file: input.file, ...locate(input.file, ['experiment', 'reference']), path: 'experiment.reference', message: `no variant is named "${experiment.reference}"${didYouMean(experiment.reference, allNames)}` });
  }
  if (!defs.some((d) => d.name === reference)) reference = defs[0]?.name ?? reference;
  const stop = experiment?.stopWhen;
  if (stop !== undefined && experiment?.replications !== undefined && stop.maxReplications < experiment.replications) {
    errors.push({ file: input.file, ...locate(input.file, ['experiment', 'stopWhen', 'maxReplications']), path: 'experiment.stopWhen.maxReplications', message: `must be ≥ experiment.replications (${experiment.replications})` });
  }
  if (errors.length > 0) throw new ScenarioLoadError(errors);
  return { base, variants, reference };
}

/** Parses a stopWhen half-width: "5%" is relative, a number is absolute. */
function parseHalfWidth(v: number | string): { value: number; relative: boolean } {
  if (typeof v === 'number') return { value: v, relative: false };
  return { value: Number(v.trim().replace(/%$/, '').trim()) / 100, relative: true };
}

/** Reads the flag through a call so TypeScript does not narrow it across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

// Piscina's own abort races with results already posted by a worker ("Unexpected message
// from Worker", thrown asynchronously), so tasks are never aborted inside the pool; see runJobs.
const ABORTED = Symbol('aborted');

interface Job {
  variant: PreparedVariant;
  replication: number;
}

/** Runs jobs with bounded concurrency; results land in `store` keyed by variant and replication. */
async function runJobs(
  jobs: readonly Job[],
  executor: Executor,
  seed: string,
  store: Map<string, Map<number, ReplicationRecord>>,
  failures: FailedReplication[],
  signal: AbortSignal | undefined,
  onFinished: () => void,
): Promise<void> {
  let next = 0;
  const abortPromise = new Promise<typeof ABORTED>((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
  });
  // Two tasks per worker keep every worker busy while the main thread handles a result.
  const width = Math.max(1, executor.concurrency * 2);
  const lane = async (): Promise<void> => {
    while (next < jobs.length && !isAborted(signal)) {
      const job = jobs[next++]!;
      const task: ReplicationTask = { key: job.variant.key, variant: job.variant.def.name, replication: job.replication, seed };
      let result: TaskResult;
      try {
        const running = executor.run(task, job.variant.payload);
        // On abort the lane stops waiting at once; the task's own outcome is ignored (an own
        // pool is destroyed right after, a shared one finishes the task in the background).
        running.catch(() => undefined);
        const outcome = await Promise.race([running, abortPromise]);
        if (outcome === ABORTED) return;
        result = outcome;
      } catch (err) {
        if (isAborted(signal)) return;
        // A worker that died (out of memory, crash) fails its task, not the run.
        result = { status: 'failed', error: err instanceof Error ? err.message : String(err) };
      }
      if (result.status === 'ok') {
        let m = store.get(task.variant);
        if (m === undefined) store.set(task.variant, (m = new Map()));
        m.set(task.replication, result.record);
      } else if (result.status === 'failed') {
        failures.push({ variant: task.variant, replication: task.replication, seed, error: result.error });
      } else {
        failures.push({ variant: task.variant, replication: task.replication, seed, error: 'worker did not accept the scenario' });
      }
      onFinished();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, lane));
}

/** How much work a run would do, known before it starts (see planExperiment). */
export interface ExperimentPlan {
  /** Variants that would run, in order. */
  variants: string[];
  /** Replications per variant at most (the larger of the requested count and stopWhen.maxReplications). */
  replicationsPerVariant: number;
  /** Replications of the warm-up pilot (0 without warmupDetection). */
  pilotReplications: number;
  /** Every replication the run may execute: variants × replicationsPerVariant + pilot (or the `only` count). */
  totalReplications: number;
  /** The longest simulated horizon of any variant, in seconds. */
  maxHorizonSeconds: number;
}

/**
 * Compiles the scenario and every variant exactly as runExperiment would and says how much
 * work the run may do, without running anything. Throws ScenarioLoadError like runExperiment.
 * A server uses it to refuse runs beyond its budget before queueing them.
 */
export function planExperiment(input: ExperimentInput, options: Pick<ExperimentOptions, 'replications' | 'overrides' | 'variants' | 'only'> = {}): ExperimentPlan {
  const { base, variants } = prepare(input, options);
  const experiment = base.experiment;
  const requested = Math.max(1, Math.floor(options.replications ?? experiment?.replications ?? 1));
  const only = options.only !== undefined && options.only.length > 0 ? options.only : undefined;
  const perVariant = only !== undefined ? 1 : Math.max(requested, experiment?.stopWhen?.maxReplications ?? 0);
  const pilot = experiment?.warmupDetection !== undefined ? (experiment.warmupDetection.pilotReplications ?? 5) : 0;
  return {
    variants: variants.map((v) => v.def.name),
    replicationsPerVariant: perVariant,
    pilotReplications: pilot,
    totalReplications: (only?.length ?? variants.length * perVariant) + pilot,
    maxHorizonSeconds: Math.max(base.horizon, ...variants.map((v) => v.scenario.horizon)),
  };
}

/** Runs every (variant, replication) of a scenario and returns the results document. */
export async function runExperiment(input: ExperimentInput, options: ExperimentOptions = {}): Promise<ResultsDocument> {
  const { base, variants, reference } = prepare(input, options);
  const experiment = base.experiment;
  const seed = options.seed ?? String(base.seed ?? 1);
  checkSeed(seed);
  const requested = Math.max(1, Math.floor(options.replications ?? experiment?.replications ?? 1));
  const only = options.only !== undefined && options.only.length > 0 ? options.only : undefined;
  const stopWhen = only === undefined ? experiment?.stopWhen : undefined;
  const plannedTasks = only?.length ?? variants.length * Math.max(requested, stopWhen?.maxReplications ?? 0);

  const ownPool = options.pool === undefined && (options.workers ?? (plannedTasks > 1 ? defaultWorkers() : 1)) > 1;
  const pool = options.pool ?? (ownPool ? new ReplicationPool({ size: options.workers ?? defaultWorkers() }) : undefined);
  const executor: Executor = pool === undefined ? new InProcessExecutor() : new PoolExecutor(pool);

  const store = new Map<string, Map<number, ReplicationRecord>>();
  const failures: FailedReplication[] = [];
  let done = 0;
  let total = 0;
  const progress = (): void => {
    done++;
    options.onProgress?.({ done, total, failed: failures.length });
  };

  let warmupDetection: WarmupDetection | undefined;
  let stopping: StoppingReport | undefined;
  let runVariants = variants;
  try {
    // Warm-up detection: a pilot of the reference variant with no warm-up, MSER-5 on the mean series.
    const wd = experiment?.warmupDetection;
    if (wd !== undefined) {
      const refVariant = variants.find((v) => v.def.name === reference) ?? variants[0]!;
      const pilotN = wd.pilotReplications ?? 5;
      const pilotOverrides = { ...refVariant.payload.overrides, warmup: 0 };
      const pilot: PreparedVariant = { ...refVariant, key: stableKey(input.hash, pilotOverrides), payload: { ...refVariant.payload, overrides: pilotOverrides, compiled: { ...refVariant.scenario, warmup: 0 } } };
      const pilotStore = new Map<string, Map<number, ReplicationRecord>>();
      const pilotFailures: FailedReplication[] = [];
      total += pilotN;
      await runJobs(Array.from({ length: pilotN }, (_, r) => ({ variant: pilot, replication: r })), executor, seed, pilotStore, pilotFailures, options.signal, progress);
      for (const f of pilotFailures) failures.push({ ...f, error: `(warm-up pilot, warmup 0) ${f.error}` });
      const recs = [...(pilotStore.get(refVariant.def.name)?.values() ?? [])].sort((a, b) => a.replication - b.replication);
      const summary = summarizeSeries(recs);
      const col = summary?.columns.indexOf(wd.column) ?? -1;
      if (summary !== null && col < 0) {
        throw new ScenarioLoadError([{ file: input.file, ...locate(input.file, ['experiment', 'warmupDetection', 'column']), path: 'experiment.warmupDetection.column', message: `no series column "${wd.column}"${didYouMean(wd.column, summary.columns)} (columns: ${summary.columns.slice(1).join(', ')})` }]);
      }
      if (summary !== null) {
        const values = summary.mean.map((row) => row[col] ?? NaN);
        const m = mser5(values);
        const seconds = m.truncate * summary.intervalSeconds;
        warmupDetection = { method: 'mser5', column: wd.column, variant: refVariant.def.name, pilotReplications: recs.length, intervals: m.truncate, seconds, reliable: m.reliable };
        if (seconds > 0) {
          runVariants = variants.map((v) => {
            const overrides = { ...v.payload.overrides, warmup: seconds };
            return { ...v, key: stableKey(input.hash, overrides), payload: { ...v.payload, overrides, compiled: { ...v.scenario, warmup: seconds } } };
          });
        }
      }
    }

    if (only !== undefined) {
      const jobs = only.map((o) => ({ variant: runVariants.find((v) => v.def.name === o.variant)!, replication: o.replication }));
      total += jobs.length;
      await runJobs(jobs, executor, seed, store, failures, options.signal, progress);
    } else {
      let from = 0;
      let to = requested;
      const hw = stopWhen === undefined ? undefined : parseHalfWidth(stopWhen.halfWidth);
      for (;;) {
        // Replication-major order: an interrupted run still has every variant at similar n, so pairs exist.
        const jobs: Job[] = [];
        for (let r = from; r < to; r++) for (const v of runVariants) jobs.push({ variant: v, replication: r });
        total += jobs.length;
        await runJobs(jobs, executor, seed, store, failures, options.signal, progress);
        if (stopWhen === undefined || hw === undefined || isAborted(options.signal)) break;
        const achieved: Record<string, number> = {};
        let met = true;
        for (const v of runVariants) {
          const recs = [...(store.get(v.def.name)?.values() ?? [])];
          const s = summarize(recs.map((r) => r.metrics[stopWhen.metric] ?? NaN));
          const half = s.n >= 2 ? (s.ci95[1] - s.ci95[0]) / 2 : Infinity;
          achieved[v.def.name] = half;
          const target = hw.relative ? hw.value * Math.abs(s.mean) : hw.value;
          if (!(half <= target)) met = false;
        }
        stopping = { metric: stopWhen.metric, halfWidth: hw.value, relative: hw.relative, maxReplications: stopWhen.maxReplications, replications: to, met, achieved };
        if (met || to >= stopWhen.maxReplications) break;
        from = to;
        to = Math.min(stopWhen.maxReplications, to + (stopWhen.batch ?? 4));
      }
    }
  } finally {
    if (ownPool) await pool!.close();
  }

  const interrupted = isAborted(options.signal);
  const variantRecords: VariantRecords[] = runVariants.map((v) => ({
    name: v.def.name,
    overrides: v.def.set,
    records: [...(store.get(v.def.name)?.values() ?? [])].sort((a, b) => a.replication - b.replication),
  }));
  const results = variantRecords.map(variantResults);
  const names = metricNames(variantRecords.find((v) => v.name === reference)?.records ?? []);
  const rankMetric = experiment?.rankBy?.metric ?? stopWhen?.metric ?? defaultRankMetric(names);
  const doc: ResultsDocument = {
    format: RESULTS_FORMAT,
    opsimVersion: OPSIM_VERSION,
    scenario: { name: base.name, file: input.file, hash: input.hash },
    seed,
    horizonSeconds: base.horizon,
    warmupSeconds: warmupDetection !== undefined ? warmupDetection.seconds : (base.warmup ?? 0),
    complete: !interrupted && failures.length === 0,
    variants: results,
    comparisons: pairedComparisons(variantRecords, reference),
    failures: sortFailures(failures, runVariants.map((v) => v.def.name)),
    reference,
    replicationsRequested: requested,
  };
  if (options.overrides !== undefined && Object.keys(options.overrides).length > 0) doc.overrides = { ...options.overrides };
  if (only !== undefined) doc.only = only.map((o) => ({ variant: o.variant, replication: o.replication }));
  if (rankMetric !== undefined && results.length > 1) doc.ranking = rankVariants(results, rankMetric, experiment?.rankBy?.direction);
  if (warmupDetection !== undefined) doc.warmupDetection = warmupDetection;
  if (stopping !== undefined) doc.stopping = stopping;
  if ((base.sla?.services?.length ?? 0) > 0) doc.slas = slaBases(base.sla!.services!, doc.horizonSeconds - doc.warmupSeconds, base.services);
  if (interrupted) doc.interrupted = true;
  return applyMetricSpecs(doc);
}
