/**
 * Runs: a bounded queue in front of one shared executor, with every run persisted under
 * reports/runs/<id>/ (run.json, results.json, series.csv, report.html, charts/) so that a restarted
 * server still lists them. Listeners get progress and status changes for server-sent events.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResultsDocument } from '../results/format.js';
import { writeFileAtomic, writeResults } from '../results/write.js';
import { writeReport } from '../report/index.js';
import type { Progress, RunExecutor } from './run-host.js';

/** Life cycle of a run. */
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What a run was asked to do. */
export interface RunRequest {
  replications?: number;
  overrides?: Record<string, unknown>;
  variants?: string[];
  seed?: string;
}

/** run.json: one run's record. */
export interface RunRecord {
  id: string;
  status: RunStatus;
  scenario: { name: string; file: string | null; hash: string };
  request: RunRequest;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Progress;
  error: string | null;
  /** Chart names available once the run has results. */
  charts: string[];
  /** Whether results.json exists (also for cancelled runs with partial results). */
  hasResults: boolean;
}

/** A scenario ready to run. */
export interface RunInput {
  name: string;
  raw: unknown;
  file: string | null;
  hash: string;
}

/** Thrown by submit when the queue is full. */
export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the run queue is full; try again later');
    this.name = 'QueueFullError';
  }
}

/** Run ids: sortable by creation time, unguessable enough, safe in paths and URLs. */
export const RUN_ID = /^[0-9]{8}-[0-9]{6}-[a-f0-9]{6}$/;

function newId(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Events a run emits: 'progress' (RunRecord), 'status' (RunRecord). */
export type RunListener = (event: 'progress' | 'status', run: RunRecord) => void;

interface Live {
  record: RunRecord;
  input: RunInput | null;
  abort: AbortController | null;
}

/** Options of the run manager. */
export interface RunManagerOptions {
  /** reports/ — runs live in reports/runs/<id>/. */
  reportsDir: string;
  executor: RunExecutor;
  /** Runs executing at once (they share the executor's workers). Default 1. */
  maxRunning?: number;
  /** Runs waiting beyond those; a submission past this is refused. Default 4. */
  maxQueued?: number;
}

/** Owns every run: queueing, execution, cancellation, persistence, listeners. */
export class RunManager {
  readonly runsDir: string;
  private readonly runs = new Map<string, Live>();
  /** Runs found in the folder after start-up (written by another process). */
  private readonly foreign = new Set<string>();
  private readonly queue: string[] = [];
  private running = 0;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  private readonly events = new EventEmitter();
  private readonly durations: number[] = [];
  private closed = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: RunManagerOptions) {
    this.runsDir = path.join(options.reportsDir, 'runs');
    this.maxRunning = Math.max(1, options.maxRunning ?? 1);
    this.maxQueued = Math.max(0, options.maxQueued ?? 4);
    // One SSE client per listener; many dashboards may watch one run.
    this.events.setMaxListeners(0);
  }

  /**
   * Loads persisted runs. Runs that were queued or running when a server stopped (even by
   * SIGKILL or a power cut) are queued again from their saved input (input.json); their
   * finished replications come back from the record cache, so only the rest is simulated.
   * A run without a readable input is marked failed.
   */
  async load(): Promise<void> {
    await mkdir(this.runsDir, { recursive: true });
    const resumed: string[] = [];
    for (const id of (await readdir(this.runsDir)).sort()) {
      if (!RUN_ID.test(id) || this.runs.has(id)) continue;
      try {
        const record = JSON.parse(await readFile(path.join(this.runsDir, id, 'run.json'), 'utf8')) as RunRecord;
        if (record.id !== id) continue;
        let input: RunInput | null = null;
        if (record.status === 'queued' || record.status === 'running') {
          input = await this.readInput(id);
          if (input !== null) {
            record.status = 'queued';
            record.startedAt = null;
            record.progress = { done: 0, total: 0, failed: 0 };
            resumed.push(id);
          } else {
            record.status = 'failed';
            record.error = 'the server stopped before this run finished';
            record.finishedAt ??= new Date().toISOString();
          }
          await this.persist(record);
        }
        this.runs.set(id, { record, input, abort: null });
      } catch {
        // A half-written or foreign directory is not a run; leave it alone.
      }
    }
    // Oldest first, ahead of anything submitted from now on.
    this.queue.unshift(...resumed);
    this.pump();
  }

  private async readInput(id: string): Promise<RunInput | null> {
    try {
      const input = JSON.parse(await readFile(path.join(this.dir(id), 'input.json'), 'utf8')) as RunInput;
      return typeof input.hash === 'string' && typeof input.name === 'string' ? input : null;
    } catch {
      return null;
    }
  }

  /**
   * Picks up runs another process (the CLI's `opsim main`) wrote into the runs folder since
   * start-up, and re-reads those still in flight there; this server's own runs are untouched.
   */
  async refresh(): Promise<void> {
    let ids: string[];
    try {
      ids = await readdir(this.runsDir);
    } catch {
      return;
    }
    for (const id of ids) {
      const known = this.runs.get(id);
      if (!RUN_ID.test(id) || (known !== undefined && !(this.foreign.has(id) && (known.record.status === 'queued' || known.record.status === 'running')))) continue;
      try {
        const record = JSON.parse(await readFile(path.join(this.runsDir, id, 'run.json'), 'utf8')) as RunRecord;
        if (record.id !== id) continue;
        this.foreign.add(id);
        this.runs.set(id, { record, input: null, abort: null });
      } catch {
        // Not written completely yet, or not a run.
      }
    }
  }

  /** Every run, newest first. */
  list(): RunRecord[] {
    return [...this.runs.values()].map((l) => l.record).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** One run, or undefined. */
  get(id: string): RunRecord | undefined {
    return this.runs.get(id)?.record;
  }

  /** Directory of a run's files. */
  dir(id: string): string {
    return path.join(this.runsDir, id);
  }

  /** Seconds a client should wait before retrying a refused submission. */
  retryAfter(): number {
    const recent = this.durations.slice(-5);
    const avg = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : 10;
    return Math.max(1, Math.min(600, Math.ceil(avg)));
  }

  /** Queues a run; throws QueueFullError when the queue is full. */
  async submit(input: RunInput, request: RunRequest): Promise<RunRecord> {
    if (this.closed) throw new Error('the server is shutting down');
    if (this.queue.length >= this.maxQueued && this.running >= this.maxRunning) throw new QueueFullError(this.retryAfter());
    const record: RunRecord = {
      id: newId(new Date()),
      status: 'queued',
      scenario: { name: input.name, file: input.file, hash: input.hash },
      request,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      progress: { done: 0, total: 0, failed: 0 },
      error: null,
      charts: [],
      hasResults: false,
    };
    while (this.runs.has(record.id)) record.id = newId(new Date());
    this.runs.set(record.id, { record, input, abort: null });
    this.queue.push(record.id);
    await mkdir(this.dir(record.id), { recursive: true });
    // The input first: a run.json saying "queued" can always be resumed after a crash.
    try {
      await writeFileAtomic(path.join(this.dir(record.id), 'input.json'), JSON.stringify(input) + '\n');
    } catch {
      // Best effort: without it a crash marks the run failed instead of resuming it.
    }
    await this.persist(record);
    this.pump();
    return record;
  }

  /** Cancels a queued or running run; false when it had already finished. */
  async cancel(id: string): Promise<boolean> {
    const live = this.runs.get(id);
    if (!live) return false;
    const r = live.record;
    if (r.status === 'queued') {
      this.queue.splice(this.queue.indexOf(id), 1);
      await this.finish(live, 'cancelled', null);
      return true;
    }
    if (r.status === 'running') {
      live.abort?.abort();
      return true;
    }
    return false;
  }

  /** Subscribes to one run's events; returns the unsubscribe function. */
  subscribe(id: string, listener: RunListener): () => void {
    const fn = (event: 'progress' | 'status', run: RunRecord): void => listener(event, run);
    this.events.on(id, fn);
    return () => this.events.off(id, fn);
  }

  /** Resolves when the run reaches a final status. */
  waitFor(id: string): Promise<RunRecord> {
    return new Promise((resolve, reject) => {
      const r = this.get(id);
      if (!r) return reject(new Error(`no run ${id}`));
      if (isFinal(r.status)) return resolve(r);
      const off = this.subscribe(id, (ev, run) => {
        if (ev === 'status' && isFinal(run.status)) {
          off();
          resolve(run);
        }
      });
    });
  }

  /** Queue occupancy, for the API and the load test. */
  stats(): { running: number; queued: number; maxRunning: number; maxQueued: number; workerQueue: number } {
    return { running: this.running, queued: this.queue.length, maxRunning: this.maxRunning, maxQueued: this.maxQueued, workerQueue: this.options.executor.queueDepth() };
  }

  /** Cancels everything in flight, waits for it to settle, and stops the executor. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.queue]) await this.cancel(id);
    for (const l of this.runs.values()) if (l.record.status === 'running') l.abort?.abort();
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
    await this.options.executor.close();
  }

  private pump(): void {
    while (this.running < this.maxRunning && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const live = this.runs.get(id);
      if (!live || live.record.status !== 'queued') continue;
      this.running++;
      void this.execute(live).finally(() => {
        this.running--;
        if (this.running === 0) {
          for (const f of this.idle) f();
          this.idle.clear();
        }
        if (!this.closed) this.pump();
      });
    }
  }

  private async execute(live: Live): Promise<void> {
    const r = live.record;
    const abort = new AbortController();
    live.abort = abort;
    r.status = 'running';
    r.startedAt = new Date().toISOString();
    const t0 = Date.now();
    await this.persist(r);
    this.events.emit(r.id, 'status', r);
    let doc: ResultsDocument | null = null;
    let error: string | null = null;
    try {
      const input = live.input!;
      doc = await this.options.executor.run(
        { raw: input.raw, file: input.file, hash: input.hash },
        {
          // Overrides are already applied to the document (and its hash) by the loader.
          ...(r.request.replications !== undefined ? { replications: r.request.replications } : {}),
          ...(r.request.variants !== undefined ? { variants: r.request.variants } : {}),
          ...(r.request.seed !== undefined ? { seed: r.request.seed } : {}),
          signal: abort.signal,
          onProgress: (p) => {
            r.progress = { done: p.done, total: p.total, failed: p.failed };
            this.events.emit(r.id, 'progress', r);
          },
        },
      );
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    try {
      if (doc !== null) {
        // results.json and series.csv, each atomically (temp file, fsync, rename), as `opsim run` writes them.
        await writeResults(this.dir(r.id), doc);
        r.hasResults = true;
        r.charts = (await writeReport(this.dir(r.id), doc)).charts;
      }
    } catch (err) {
      error ??= `could not write the report: ${err instanceof Error ? err.message : String(err)}`;
    }
    // A run with nothing to show is not "done": every replication failed (its results keep the list).
    if (doc !== null && error === null && !abort.signal.aborted) error = allFailed(doc);
    if (!abort.signal.aborted) this.durations.push((Date.now() - t0) / 1000);
    const status: RunStatus = abort.signal.aborted ? 'cancelled' : error !== null || doc === null ? 'failed' : 'done';
    live.input = null; // the scenario document is no longer needed; keep memory flat
    live.abort = null;
    await this.finish(live, status, status === 'cancelled' ? null : error);
  }

  private async finish(live: Live, status: RunStatus, error: string | null): Promise<void> {
    const r = live.record;
    live.input = null;
    // run.json first, then the in-memory record: whoever sees the final status (the API, a
    // restarted server reading run.json) can rely on it being on disk already.
    const finishedAt = new Date().toISOString();
    await this.persist({ ...r, status, error, finishedAt });
    r.status = status;
    r.error = error;
    r.finishedAt = finishedAt;
    this.events.emit(r.id, 'status', r);
  }

  private async persist(r: RunRecord): Promise<void> {
    try {
      await writeFileAtomic(path.join(this.dir(r.id), 'run.json'), JSON.stringify(r, null, 2) + '\n');
    } catch {
      // Persistence is best effort: a full disk must not take the server down with it.
    }
  }
}

/**
 * Why a run failed when none of its replications produced a record, or null when some did:
 * the count and the first reasons, each with its variant, replication and seed.
 */
export function allFailed(doc: ResultsDocument): string | null {
  if (doc.failures.length === 0 || doc.variants.some((v) => v.replications > 0)) return null;
  const shown = doc.failures.slice(0, 3).map((f) => `${f.variant}:${f.replication} (seed ${f.seed}): ${f.error.split('\n')[0]}`);
  const more = doc.failures.length > shown.length ? `; and ${doc.failures.length - shown.length} more` : '';
  return `every replication failed (${doc.failures.length}): ${shown.join('; ')}${more}`;
}

/** Whether a status is final. */
export function isFinal(s: RunStatus): boolean {
  return s === 'done' || s === 'failed' || s === 'cancelled';
}
