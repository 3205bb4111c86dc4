/**
 * Where the server hosts experiment runs: its view of the scenario loader and the experiment
 * runner (the executors that run a submitted scenario, locally on a shared pool or through a
 * BullMQ queue, and the budget a submission must fit), behind small interfaces so tests can
 * substitute a fast executor and the server never depends on more than it uses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResultsDocument } from '../results/format.js';
import { loadScenarioFile, loadScenarioText, ScenarioLoadError, type ScenarioError } from '../scenario/index.js';
import { ReplicationPool, planExperiment, runExperiment, type ExperimentOptions, type ExperimentPlan } from '../experiment/index.js';
import { PoolExecutor } from '../experiment/jobs.js';
import { CachingExecutor, RecordCache } from './records.js';

export type { ScenarioError };

/** A loaded scenario, as the server needs it. */
export type Loaded = { ok: true; raw: unknown; file: string | null; hash: string } | { ok: false; errors: ScenarioError[] };

/** Loads a scenario file, overrides applied (for validation). */
export function loadFile(file: string, overrides?: Record<string, unknown>): Loaded {
  const r = loadScenarioFile(file, overrides ? { overrides } : {});
  return r.ok ? { ok: true, raw: r.raw, file: r.file, hash: r.hash } : { ok: false, errors: r.errors };
}

/** Loads inline YAML/JSON; `extends` may only reach files inside baseDir. */
export function loadText(text: string, file: string, baseDir: string, overrides?: Record<string, unknown>): Loaded {
  const r = loadScenarioText(text, { file, baseDir, ...(overrides ? { overrides } : {}) });
  return r.ok ? { ok: true, raw: r.raw, file: r.file, hash: r.hash } : { ok: false, errors: r.errors };
}

/** Progress of a run: replications done, planned and failed. */
export interface Progress {
  done: number;
  total: number;
  failed: number;
}

/** What the executor needs to run an experiment. */
export interface RunOptions {
  replications?: number;
  overrides?: Record<string, unknown>;
  variants?: string[];
  seed?: string;
  onProgress: (p: Progress) => void;
  signal: AbortSignal;
}

/** Runs experiments; the server owns one and shares it across runs. */
export interface RunExecutor {
  /** Runs one experiment to completion (or until the signal aborts it). */
  run(input: { raw: unknown; file: string | null; hash: string }, options: RunOptions): Promise<ResultsDocument>;
  /** Tasks waiting for a worker, when known. */
  queueDepth(): number;
  /** Stops the workers. */
  close(): Promise<void>;
}

/**
 * The real executor: runExperiment on one ReplicationPool shared by every run. With
 * `recordsDir`, every finished replication is stored there as it completes and reused by a
 * resumed or re-submitted run (see records.ts).
 */
export function experimentExecutor(options: { workers?: number; recordsDir?: string } = {}): RunExecutor {
  // Created on first use so that a server (and its tests with a fake executor) starts
  // without spawning worker threads.
  let pool: ReplicationPool | null = null;
  let executor: PoolExecutor | CachingExecutor | null = null;
  return {
    async run(input, o) {
      if (pool === null || executor === null) {
        pool = new ReplicationPool(options.workers !== undefined ? { size: options.workers } : {});
        executor = new PoolExecutor(pool);
        if (options.recordsDir !== undefined) {
          const cache = new RecordCache(options.recordsDir);
          await cache.prune();
          executor = new CachingExecutor(executor, cache);
        }
      }
      const opts: ExperimentOptions = { executor, signal: o.signal, onProgress: o.onProgress };
      if (o.replications !== undefined) opts.replications = o.replications;
      if (o.overrides !== undefined && Object.keys(o.overrides).length > 0) opts.overrides = o.overrides;
      if (o.variants !== undefined && o.variants.length > 0) opts.variants = o.variants;
      if (o.seed !== undefined) opts.seed = o.seed;
      return runExperiment(input, opts);
    },
    queueDepth: () => pool?.queueDepth ?? 0,
    async close() {
      const p = pool;
      pool = null;
      executor = null;
      if (p) await p.close();
    },
  };
}

/**
 * Runs dispatched to a BullMQ queue (`opsim serve --queue URL`): each run is a queue
 * coordinator (src/distributed/coordinator.ts) whose replications `opsim worker` processes
 * run; the results are the same bytes as a local run's. The coordinator's log lives in a
 * temporary folder for the run's duration.
 */
export function queueExecutor(url: string): RunExecutor {
  return {
    async run(input, o) {
      const { coordinate } = await import('../distributed/coordinator.js');
      const out = await mkdtemp(path.join(tmpdir(), 'opsim-queue-'));
      try {
        const options = {
          ...(o.replications !== undefined ? { replications: o.replications } : {}),
          ...(o.overrides !== undefined && Object.keys(o.overrides).length > 0 ? { overrides: o.overrides } : {}),
          ...(o.variants !== undefined && o.variants.length > 0 ? { variants: o.variants } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
        };
        return await coordinate({ input, options }, { url, out, resume: false, onProgress: o.onProgress, signal: o.signal, log: () => undefined });
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
    queueDepth: () => 0,
    close: async () => undefined,
  };
}

/** What a run may cost at most; a submission beyond it is refused with 400. */
export interface RunBudget {
  /** Replications of one run, all variants (and a warm-up pilot) together. Default 2000. */
  maxReplications?: number;
  /** Simulated horizon of any variant, in seconds. Default 366 days. */
  maxHorizonSeconds?: number;
}

export const DEFAULT_RUN_BUDGET: Required<RunBudget> = { maxReplications: 2000, maxHorizonSeconds: 366 * 86_400 };

/**
 * Compiles a loaded scenario with the request's replications and variants as the run would,
 * and checks the work against the budget. Returns null when the run fits; otherwise why not:
 * `invalid` (a scenario error only the variants reveal, e.g. an unknown variant name) or
 * `over-budget`.
 */
export function checkRunBudget(
  input: { raw: unknown; file: string | null; hash: string },
  request: { replications?: number; variants?: string[] },
  budget: RunBudget = {},
): { kind: 'invalid' | 'over-budget'; errors: ScenarioError[] } | null {
  const maxReplications = budget.maxReplications ?? DEFAULT_RUN_BUDGET.maxReplications;
  const maxHorizon = budget.maxHorizonSeconds ?? DEFAULT_RUN_BUDGET.maxHorizonSeconds;
  let plan: ExperimentPlan;
  try {
    plan = planExperiment(input, {
      ...(request.replications !== undefined ? { replications: request.replications } : {}),
      ...(request.variants !== undefined && request.variants.length > 0 ? { variants: request.variants } : {}),
    });
  } catch (err) {
    if (err instanceof ScenarioLoadError) return { kind: 'invalid', errors: err.errors };
    throw err;
  }
  const errors: ScenarioError[] = [];
  const at = (p: string, message: string): ScenarioError => ({ file: input.file, line: null, column: null, path: p, message });
  if (plan.totalReplications > maxReplications) {
    const parts = `${plan.variants.length} variant(s) × ${plan.replicationsPerVariant} replication(s)${plan.pilotReplications > 0 ? ` + ${plan.pilotReplications} warm-up pilot` : ''}`;
    errors.push(at('replications', `the run needs ${plan.totalReplications} replications (${parts}); this server runs at most ${maxReplications} per run: ask for fewer replications or variants (stopWhen.maxReplications counts as the replication count)`));
  }
  if (plan.maxHorizonSeconds > maxHorizon) {
    errors.push(at('horizon', `the horizon is ${+(plan.maxHorizonSeconds / 86_400).toFixed(2)} d; this server simulates at most ${+(maxHorizon / 86_400).toFixed(2)} d per replication`));
  }
  return errors.length > 0 ? { kind: 'over-budget', errors } : null;
}
