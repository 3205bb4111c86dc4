/**
 * The worker pool: one Piscina instance running workers/replication.js. The worker file is
 * resolved from the package root, so the same code works from src/ (vitest) and dist/ (CLI),
 * always using the built worker (the test command runs tsc first).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { packageRoot } from '../version.js';
import type { ReplicationTask, TaskResult } from './task.js';

/** Absolute path of the built worker entry. */
export function workerFile(): string {
  const file = path.join(packageRoot(), 'dist', 'workers', 'replication.js');
  if (!existsSync(file)) throw new Error(`worker not built: ${file} is missing (run "npm run build")`);
  return file;
}

/** Default worker count: min(2, cores), the measured sweet spot on the project's machines. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** A pool of replication workers; one per run, or shared by a server across runs. */
export class ReplicationPool {
  /** Number of worker threads. */
  readonly size: number;
  private readonly piscina: Piscina<ReplicationTask, TaskResult>;
  private inFlight = 0;
  private closed = false;

  /** Starts `size` worker threads (default min(2, cores)). */
  constructor(options: { size?: number } = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultWorkers()));
    this.piscina = new Piscina<ReplicationTask, TaskResult>({
      filename: workerFile(),
      minThreads: this.size,
      maxThreads: this.size,
      // Workers keep their compiled-scenario cache; never let them idle out mid-run.
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
    });
    // Piscina reports a result that arrives after destroy() removed its task as an 'error'
    // event; unhandled, an EventEmitter error would kill the process. Such a result belongs
    // to a run that already gave up on it, so it is dropped.
    this.piscina.on('error', () => undefined);
  }

  /** Tasks submitted and not yet finished (running + queued). */
  get pending(): number {
    return this.inFlight;
  }

  /** Tasks waiting for a free worker; a server bounds its admissions with this. */
  get queueDepth(): number {
    return this.piscina.queueSize;
  }

  /**
   * Runs one task on some worker. No abort signal: Piscina's abort races with a result the
   * worker already posted and then throws asynchronously; callers stop waiting instead.
   */
  async run(task: ReplicationTask): Promise<TaskResult> {
    if (this.closed) throw new Error('replication pool is closed');
    this.inFlight++;
    try {
      return await this.piscina.run(task);
    } finally {
      this.inFlight--;
    }
  }

  /** Stops the workers (running tasks are abandoned). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}
