/**
 * The worker pool: one Piscina instance running workers/replication.js. The worker file is
 * resolved from the package root, so the same code works from src/ (vitest) and dist/ (CLI),
 * always using the built worker (the test command runs tsc first).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import { packageRoot } from '../version.js';
import type { ReplicationTask, TaskResult } from './task.js';

let piscinaModule: typeof import('piscina') | undefined;

/** Piscina, required when the first pool starts: a run in the main thread never loads it (about 20 ms). */
function piscinaLibrary(): typeof import('piscina') {
  return (piscinaModule ??= createRequire(import.meta.url)('piscina') as typeof import('piscina'));
}

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

/**
 * Heap of one worker thread, in MB (default 2048, or OPSIM_WORKER_MEMORY_MB). A replication
 * that needs more fails alone with a clear message; its worker is replaced and the pool goes on.
 */
export function workerMemoryMb(): number {
  const env = Number(process.env.OPSIM_WORKER_MEMORY_MB);
  return Number.isInteger(env) && env >= 64 ? env : 2048;
}

/** Options of a ReplicationPool. */
export interface ReplicationPoolOptions {
  /** Worker threads (default min(2, cores)). */
  size?: number;
  /** Old-generation heap limit of each worker in MB (default workerMemoryMb()). */
  memoryMb?: number;
  /** Worker entry (default the built replication worker); tests substitute their own. */
  filename?: string;
}

/** A pool of replication workers; one per run, or shared by a server across runs. */
export class ReplicationPool {
  /** Number of worker threads. */
  readonly size: number;
  /** Heap limit of each worker, MB. */
  readonly memoryMb: number;
  private readonly piscina: Piscina<ReplicationTask, TaskResult>;
  private inFlight = 0;
  private closed = false;

  /** Starts `size` worker threads (default min(2, cores)). */
  constructor(options: ReplicationPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultWorkers()));
    this.memoryMb = options.memoryMb ?? workerMemoryMb();
    const { Piscina } = piscinaLibrary();
    this.piscina = new Piscina<ReplicationTask, TaskResult>({
      filename: options.filename ?? workerFile(),
      minThreads: this.size,
      maxThreads: this.size,
      // Workers keep their compiled-scenario cache; never let them idle out mid-run.
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      // A runaway replication hits this limit and fails alone: Node stops that worker with
      // ERR_WORKER_OUT_OF_MEMORY, Piscina starts a fresh one, the process lives on.
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
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
   * Runs one task on some worker. Aborting `signal` stops the task at once: a queued task
   * leaves the queue, a running one has its worker terminated (and replaced), so a cancelled
   * run never keeps a worker busy. A result the worker posted just before it was terminated
   * arrives as an 'error' event, which the constructor's listener drops.
   */
  async run(task: ReplicationTask, signal?: AbortSignal): Promise<TaskResult> {
    if (this.closed) throw new Error('replication pool is closed');
    this.inFlight++;
    try {
      return await this.piscina.run(task, signal !== undefined ? { signal } : {});
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new Error(`the replication ran out of memory (the limit of a worker is ${this.memoryMb} MB; OPSIM_WORKER_MEMORY_MB sets it): check the scenario's rates, sizes and horizon`);
      }
      throw err;
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
