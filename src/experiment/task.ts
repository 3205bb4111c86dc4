/**
 * One (variant, replication) task, as executed by a pool worker or in-process. Both paths
 * run this same code, which is why the output does not depend on the number of workers.
 *
 * The scenario travels to a worker once: a task names its compiled scenario by a key; a
 * worker that has not seen that key yet answers `need-payload` and the main thread resends
 * the task with the payload. The main thread has already validated and compiled every
 * variant, so the payload carries the compiled scenario and workers never load the schema
 * validator (compiling the JSON Schema costs ~2 s per thread); a payload without it is
 * compiled from the raw document and overrides. Either way it is cached per worker.
 */
import type { Scenario } from '../scenario/schema/index.js';
import { runReplication } from '../models/replication.js';
import type { ReplicationRecord } from '../results/format.js';

/** What a worker needs for one variant: the merged document and its overrides, and usually the compiled result. */
export interface ScenarioPayload {
  raw: unknown;
  file: string | null;
  overrides: Record<string, unknown>;
  /** The variant compiled by the main thread (plain data, structured-cloneable). */
  compiled?: Scenario;
}

/** One replication of one variant. */
export interface ReplicationTask {
  /** Names the compiled scenario: scenario hash + the variant's full override set. */
  key: string;
  variant: string;
  replication: number;
  seed: string;
  /** Present only when the worker asked for it (or in-process on first use). */
  payload?: ScenarioPayload;
}

/** What a task returns. */
export type TaskResult =
  | { status: 'ok'; record: ReplicationRecord }
  | { status: 'failed'; error: string }
  | { status: 'need-payload' };

/** A small LRU of compiled scenarios, so a long-lived server pool does not grow without bound. */
export class CompiledCache {
  private readonly entries = new Map<string, Scenario>();
  constructor(private readonly capacity = 32) {}

  /** The compiled scenario for `key`, if cached (and marks it recently used). */
  get(key: string): Scenario | undefined {
    const s = this.entries.get(key);
    if (s !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, s);
    }
    return s;
  }

  /** Caches a compiled scenario, evicting the least recently used beyond capacity. */
  set(key: string, scenario: Scenario): void {
    this.entries.delete(key);
    this.entries.set(key, scenario);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Number of compiled scenarios held (tests check compile-once with it). */
  get size(): number {
    return this.entries.size;
  }
}

/** Compiles a payload to a scenario (or takes the main thread's compilation), throwing every scenario error as one message. */
export async function compilePayload(payload: ScenarioPayload): Promise<Scenario> {
  if (payload.compiled !== undefined) return payload.compiled;
  // Loaded lazily: a worker that only ever receives compiled scenarios never pays for it.
  const { compileRaw, formatScenarioError } = await import('../scenario/index.js');
  const r = compileRaw(payload.raw, { file: payload.file ?? undefined, overrides: payload.overrides });
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

/**
 * Failure injection for tests and drills: OPSIM_FAIL_REPLICATION="REP" or "VARIANT:REP"
 * (comma-separated) makes those replications throw before simulating. Read here, in the
 * task, so it acts identically in workers and in-process; it is never set in production.
 */
function injectedFailure(variant: string, replication: number): boolean {
  const spec = process.env.OPSIM_FAIL_REPLICATION;
  if (spec === undefined || spec.trim() === '') return false;
  for (const part of spec.split(',')) {
    const p = part.trim();
    const colon = p.lastIndexOf(':');
    if (colon < 0) {
      if (Number(p) === replication) return true;
    } else if (p.slice(0, colon) === variant && Number(p.slice(colon + 1)) === replication) return true;
  }
  return false;
}

/**
 * Runs one task against the cache; never throws (a failure is a result). `keepCatalog`: the
 * caller will ask metricCatalog for this scenario in this thread (see ReplicationOptions).
 */
export async function executeTask(task: ReplicationTask, cache: CompiledCache, options: { keepCatalog?: boolean } = {}): Promise<TaskResult> {
  let scenario = cache.get(task.key);
  try {
    if (scenario === undefined) {
      if (task.payload === undefined) return { status: 'need-payload' };
      scenario = await compilePayload(task.payload);
      cache.set(task.key, scenario);
    }
    if (injectedFailure(task.variant, task.replication)) {
      throw new Error(`injected failure (OPSIM_FAIL_REPLICATION) in ${task.variant}:${task.replication}`);
    }
    const record = runReplication(scenario, { seed: task.seed, replication: task.replication, variant: task.variant, ...(options.keepCatalog === true ? { keepCatalog: true } : {}) });
    return { status: 'ok', record };
  } catch (err) {
    return { status: 'failed', error: explainError(err) };
  }
}

/**
 * The message of a failed replication. V8's allocation failures ("Invalid typed array length:
 * 1000000000000") say nothing a planner can act on: they come from a size in the scenario
 * (servers, units, counts) far beyond what one replication can hold, and are reworded so.
 */
export function explainError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err instanceof RangeError && /Invalid (typed )?array length|Array buffer allocation failed|Invalid string length/.test(err.message)) {
    return `the scenario asks for more memory than one replication can have (${err.message}): check its sizes (servers, units, counts) for a value far too large; opsim validate reports implausible values`;
  }
  return err.message;
}
