/**
 * Jobs: (variant, replication) pairs run with bounded concurrency on an executor (the
 * in-process runner, a worker pool, or any other that runs ReplicationTasks), results landing
 * in a store keyed by variant and replication. Which worker finishes first never matters:
 * the results are aggregated later in (variant, replication) order.
 */
import type { FailedReplication, ReplicationRecord } from '../results/format.js';
import type { PreparedVariant } from './plan.js';
import type { ReplicationPool } from './pool.js';
import { CompiledCache, executeTask, type ReplicationTask, type ScenarioPayload, type TaskResult } from './task.js';

/** Records of a run by variant name, then replication. */
export type RecordStore = Map<string, Map<number, ReplicationRecord>>;

/** Something that runs tasks: a pool, or the main thread, or a queue. */
export interface Executor {
  readonly concurrency: number;
  /** Runs a task; aborting `signal` may stop it early (a pool terminates its worker). */
  run(task: ReplicationTask, payload: ScenarioPayload, signal?: AbortSignal): Promise<TaskResult>;
  /**
   * Runs a whole stage at once, when the executor wants to see every task (the queue forms
   * blocks with deterministic ids from it); calls `settle` once per finished task and
   * returns when all are settled or the signal aborts.
   */
  runMany?(tasks: readonly { task: ReplicationTask; payload: ScenarioPayload }[], settle: (task: ReplicationTask, result: TaskResult) => void, signal: AbortSignal | undefined): Promise<void>;
}

export class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  private readonly cache = new CompiledCache(64);
  async run(task: ReplicationTask, payload: ScenarioPayload): Promise<TaskResult> {
    // Yield to the event loop between replications so signals and progress get through.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // The results document's catalog is then read in this thread: its replication 0 keeps it.
    return executeTask({ ...task, payload }, this.cache, { keepCatalog: true });
  }
}

export class PoolExecutor implements Executor {
  constructor(private readonly pool: ReplicationPool) {}
  get concurrency(): number {
    return this.pool.size;
  }
  async run(task: ReplicationTask, payload: ScenarioPayload, signal?: AbortSignal): Promise<TaskResult> {
    // The scenario goes to a worker only when that worker asks for it (once per variant).
    // The signal terminates the worker of a cancelled run's task, freeing it at once.
    const first = await this.pool.run(task, signal);
    if (first.status !== 'need-payload') return first;
    return this.pool.run({ ...task, payload }, signal);
  }
}

/** Reads the flag through a call so TypeScript does not narrow it across awaits. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

// Aborting a pool task terminates its worker; a result that worker had already posted then
// arrives as a pool 'error' event, which ReplicationPool drops. The lane stops waiting at once.
const ABORTED = Symbol('aborted');

export interface Job {
  variant: PreparedVariant;
  replication: number;
}

/** Runs jobs with bounded concurrency; results land in `store` keyed by variant and replication. */
export async function runJobs(
  jobs: readonly Job[],
  executor: Executor,
  seed: string,
  store: RecordStore,
  failures: FailedReplication[],
  signal: AbortSignal | undefined,
  onFinished: () => void,
): Promise<void> {
  let next = 0;
  // The lanes stop waiting when the signal aborts; the listener is removed when the jobs end, so
  // a caller that runs thousands of experiments on one signal (a search's batches) leaks none.
  let onAbort: (() => void) | undefined;
  const abortPromise = new Promise<typeof ABORTED>((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', (onAbort = () => resolve(ABORTED)), { once: true });
  });
  try {
    await runLanes();
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
  async function runLanes(): Promise<void> {
    const settle = (task: ReplicationTask, result: TaskResult): void => {
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
    };
    if (executor.runMany !== undefined) {
      const tasks = jobs.map((job) => ({ task: { key: job.variant.key, variant: job.variant.def.name, replication: job.replication, seed }, payload: job.variant.payload }));
      return await executor.runMany(tasks, settle, signal);
    }
    // Two tasks per worker keep every worker busy while the main thread handles a result.
    const width = Math.max(1, executor.concurrency * 2);
    const lane = async (): Promise<void> => {
      while (next < jobs.length && !isAborted(signal)) {
        const job = jobs[next++]!;
        const task: ReplicationTask = { key: job.variant.key, variant: job.variant.def.name, replication: job.replication, seed };
        let result: TaskResult;
        try {
          const running = executor.run(task, job.variant.payload, signal);
          // On abort the lane stops waiting at once; the task's own outcome is ignored (its
          // worker is terminated, and a shared pool replaces it).
          running.catch(() => undefined);
          const outcome = await Promise.race([running, abortPromise]);
          if (outcome === ABORTED) return;
          result = outcome;
        } catch (err) {
          if (isAborted(signal)) return;
          // A worker that died (out of memory, crash) fails its task, not the run.
          result = { status: 'failed', error: err instanceof Error ? err.message : String(err) };
        }
        settle(task, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, lane));
  }
}
