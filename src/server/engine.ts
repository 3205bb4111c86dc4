/**
 * The server's view of the scenario loader and the experiment runner, behind small interfaces
 * so tests can substitute a fast executor and the server never depends on more than it uses.
 */
import type { ResultsDocument } from '../results/format.js';
import { loadScenarioFile, loadScenarioText, type ScenarioError } from '../scenario/index.js';
import { ReplicationPool, runExperiment, type ExperimentOptions } from '../experiment/index.js';

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

/** The real executor: runExperiment on one ReplicationPool shared by every run. */
export function experimentExecutor(options: { workers?: number } = {}): RunExecutor {
  // Created on first use so that a server (and its tests with a fake executor) starts
  // without spawning worker threads.
  let pool: ReplicationPool | null = null;
  return {
    async run(input, o) {
      pool ??= new ReplicationPool(options.workers !== undefined ? { size: options.workers } : {});
      const opts: ExperimentOptions = { pool, signal: o.signal, onProgress: o.onProgress };
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
      if (p) await p.close();
    },
  };
}
