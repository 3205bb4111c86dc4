/**
 * runExperiment: variants × replications on a worker pool (or in-process, or any executor),
 * aggregated in (variant, replication) order into one ResultsDocument. The server, the main
 * job and `opsim run` all call this. The pieces: plan.ts compiles and checks, jobs.ts runs
 * (variant, replication) jobs, assemble.ts turns records into the document; this file only
 * orchestrates the stages (warm-up pilot, fixed or sequential replications).
 */
import { checkSeed } from '../engine/index.js';
import { ScenarioLoadError, didYouMean } from '../scenario/errors.js';
import type { FailedReplication, ReplicationRecord, ResultsDocument, StoppingReport, WarmupDetection } from '../results/format.js';
import { summarizeSeries } from './aggregate.js';
import { assembleResults, type AssembleInput } from './assemble.js';
import { InProcessExecutor, PoolExecutor, isAborted, runJobs, type Executor, type Job, type RecordStore } from './jobs.js';
import { locate, locator, prepare, stableKey, type ExperimentInput, type ExperimentOptions, type PreparedVariant } from './plan.js';
import { ReplicationPool, defaultWorkers } from './pool.js';
import { mser5, summarize } from './stats.js';
import { metricCatalog } from '../models/replication.js';
import { DEFAULT_PRECISION, DEFAULT_PRECISION_START, KEY_METRICS, keyHalfWidth } from './precision.js';


export { planExperiment, type ExperimentInput, type ExperimentOptions, type ExperimentPlan, type ExperimentProgress } from './plan.js';

/** Parses a stopWhen half-width: "5%" is relative, a number is absolute. */
function parseHalfWidth(v: number | string): { value: number; relative: boolean } {
  if (typeof v === 'number') return { value: v, relative: false };
  return { value: Number(v.trim().replace(/%$/, '').trim()) / 100, relative: true };
}


/** Runs every (variant, replication) of a scenario and returns the results document. */
export async function runExperiment(input: ExperimentInput, options: ExperimentOptions = {}): Promise<ResultsDocument> {
  return assembleResults(await executeExperiment(input, options));
}

/**
 * Runs the experiment's stages and returns what the results document is made of (records,
 * failures, warm-up and stopping reports), not yet aggregated. With `options.shard` it runs
 * only that shard's replications; `opsim merge` assembles the shards' records afterwards.
 */
export async function executeExperiment(input: ExperimentInput, options: ExperimentOptions = {}): Promise<AssembleInput> {
  const { base, variants, reference } = prepare(input, options);
  const experiment = base.experiment;
  const seed = options.seed ?? String(base.seed ?? 1);
  checkSeed(seed);
  const only = options.only !== undefined && options.only.length > 0 ? options.only : undefined;
  const shard = options.shard;
  // Nobody fixed the replications: run until the key metrics are precise (precision.ts).
  const byPrecision = only === undefined && shard === undefined && options.replications === undefined && experiment?.replications === undefined && experiment?.stopWhen === undefined;
  const requested = Math.max(1, Math.floor(options.replications ?? experiment?.replications ?? (byPrecision ? DEFAULT_PRECISION_START : 1)));
  const stopWhen = only === undefined ? (experiment?.stopWhen ?? (byPrecision ? DEFAULT_PRECISION : undefined)) : undefined;
  const plannedTasks = only?.length ?? variants.length * Math.max(requested, stopWhen?.maxReplications ?? 0);
  if (shard !== undefined) checkShardable(input, shard, stopWhen !== undefined, experiment?.warmupDetection !== undefined);

  const ownPool = options.executor === undefined && options.pool === undefined && (options.workers ?? (plannedTasks > 1 ? defaultWorkers() : 1)) > 1;
  const pool = options.pool ?? (ownPool ? new ReplicationPool({ size: options.workers ?? defaultWorkers() }) : undefined);
  const executor: Executor = options.executor ?? (pool === undefined ? new InProcessExecutor() : new PoolExecutor(pool));

  const store: RecordStore = new Map();
  const failures: FailedReplication[] = [];
  let done = 0;
  let total = 0;
  const progress = (): void => {
    done++;
    options.onProgress?.({ done, total, failed: failures.length });
  };
  // A stage's replications are reported as planned before the first one finishes: one
  // replication may take minutes, and a reader (a run's status over HTTP) should see the total.
  const plan = (n: number): void => {
    total += n;
    options.onProgress?.({ done, total, failed: failures.length });
  };
  // A shard keeps every count-th job of the run's job list (replication-major), so shards are balanced.
  let jobIndex = 0;
  const ofShard = (jobs: Job[]): Job[] => (shard === undefined ? jobs : jobs.filter(() => jobIndex++ % shard.count === shard.index));

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
      const pilotStore: RecordStore = new Map();
      const pilotFailures: FailedReplication[] = [];
      plan(pilotN);
      await runJobs(Array.from({ length: pilotN }, (_, r) => ({ variant: pilot, replication: r })), executor, seed, pilotStore, pilotFailures, options.signal, progress);
      for (const f of pilotFailures) failures.push({ ...f, error: `(warm-up pilot, warmup 0) ${f.error}` });
      const recs = [...(pilotStore.get(refVariant.def.name)?.values() ?? [])].sort((a, b) => a.replication - b.replication);
      const summary = summarizeSeries(recs);
      const col = summary?.columns.indexOf(wd.column) ?? -1;
      if (summary !== null && col < 0) {
        throw new ScenarioLoadError([{ ...locate(input.file, ['experiment', 'warmupDetection', 'column']), path: 'experiment.warmupDetection.column', message: `no series column "${wd.column}"${didYouMean(wd.column, summary.columns)} (columns: ${summary.columns.slice(1).join(', ')})` }]);
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
      const jobs = ofShard(only.map((o) => ({ variant: runVariants.find((v) => v.def.name === o.variant)!, replication: o.replication })));
      plan(jobs.length);
      await runJobs(jobs, executor, seed, store, failures, options.signal, progress);
    } else {
      let from = 0;
      let to = requested;
      const hw = stopWhen === undefined ? undefined : parseHalfWidth(stopWhen.halfWidth);
      const keyCatalog = stopWhen?.metric === KEY_METRICS ? metricCatalog(...runVariants.map((v) => v.scenario)).metrics : undefined;
      for (;;) {
        // Replication-major order: an interrupted run still has every variant at similar n, so pairs exist.
        const all: Job[] = [];
        for (let r = from; r < to; r++) for (const v of runVariants) all.push({ variant: v, replication: r });
        const jobs = ofShard(all);
        plan(jobs.length);
        await runJobs(jobs, executor, seed, store, failures, options.signal, progress);
        if (stopWhen === undefined || hw === undefined || isAborted(options.signal)) break;
        const achieved: Record<string, number> = {};
        let met = true;
        for (const v of runVariants) {
          const recs = [...(store.get(v.def.name)?.values() ?? [])];
          if (keyCatalog !== undefined) {
            // Every key metric, relative to its mean: the widest one decides.
            achieved[v.def.name] = keyHalfWidth(recs, keyCatalog);
            if (!(achieved[v.def.name]! <= hw.value)) met = false;
            continue;
          }
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

  const records: ReplicationRecord[] = [];
  for (const v of runVariants) records.push(...(store.get(v.def.name)?.values() ?? []));
  const out: AssembleInput = {
    input,
    base,
    seed,
    requested,
    reference,
    variants: runVariants.map((v) => ({ name: v.def.name, overrides: v.def.set, horizon: v.scenario.horizon })),
    records,
    failures,
    interrupted: isAborted(options.signal),
    catalog: metricCatalog(...runVariants.map((v) => v.scenario)),
  };
  if (options.overrides !== undefined) out.overrides = options.overrides;
  if (only !== undefined) out.only = only;
  if (warmupDetection !== undefined) out.warmupDetection = warmupDetection;
  if (stopping !== undefined) out.stopping = stopping;
  return out;
}

/**
 * A shard runs a fixed list of replications: sequential stopping and warm-up detection decide
 * what to run from results of other replications, which a shard does not have.
 */
function checkShardable(input: ExperimentInput, shard: { index: number; count: number }, stopWhen: boolean, warmup: boolean): void {
  const errors = [];
  const at = locator(input.file);
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    errors.push({ file: null, line: null, column: null, path: '', message: `--shard ${shard.index + 1}/${shard.count}: expected I/N with 1 ≤ I ≤ N` });
  }
  if (stopWhen) errors.push({ ...at(['experiment', 'stopWhen']), path: 'experiment.stopWhen', message: 'sequential stopping needs every replication in one place: run it locally or on the queue (--queue), not in shards' });
  if (warmup) errors.push({ ...at(['experiment', 'warmupDetection']), path: 'experiment.warmupDetection', message: 'warm-up detection needs a pilot before the shards: set warmup explicitly, or run locally or on the queue (--queue)' });
  if (errors.length > 0) throw new ScenarioLoadError(errors);
}
