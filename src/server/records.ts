/**
 * Finished replications survive a hard restart: every record a server run receives is written
 * to reports/records/ as it completes, keyed by what determines it (the compiled variant's key,
 * which holds the scenario hash and overrides, the variant name, the seed, the replication and
 * the opsim version). A run resumed after a restart, or the same run submitted again, takes
 * those records instead of simulating them anew; replications are deterministic, so the
 * results are the same bytes either way.
 *
 * Records are stored with v8.serialize (NaN, −0 and ±Infinity survive exactly, unlike JSON)
 * behind a SHA-256 of the bytes: a file torn by a crash fails the check and is simply
 * simulated again. The cache is pruned to a byte budget, oldest first, when a server starts.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ReplicationRecord } from '../results/format.js';
import type { Executor } from '../experiment/jobs.js';
import type { ReplicationTask, ScenarioPayload, TaskResult } from '../experiment/task.js';
import { OPSIM_VERSION } from '../version.js';

/** Bytes of records kept between server starts (default 512 MB). */
export const DEFAULT_RECORD_CACHE_BYTES = 512 * 1024 * 1024;

const DIGEST = 32;

/** The records directory of a server: reports/records/. */
export class RecordCache {
  constructor(readonly dir: string) {}

  /** File name of a task's record: a hash of everything that determines it. */
  fileOf(task: ReplicationTask): string {
    const id = createHash('sha256').update(JSON.stringify([OPSIM_VERSION, task.key, task.variant, task.seed, task.replication])).digest('hex');
    return path.join(this.dir, `${id}.rec`);
  }

  /** The stored record of a task, or undefined (none, torn or foreign). */
  async get(task: ReplicationTask): Promise<ReplicationRecord | undefined> {
    let buf: Buffer;
    try {
      buf = await readFile(this.fileOf(task));
    } catch {
      return undefined;
    }
    if (buf.length <= DIGEST) return undefined;
    const body = buf.subarray(DIGEST);
    if (!createHash('sha256').update(body).digest().equals(buf.subarray(0, DIGEST))) return undefined;
    try {
      const r = deserialize(body) as ReplicationRecord;
      return r.variant === task.variant && r.replication === task.replication && r.seed === task.seed ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores a record (temporary file, then rename: a reader never sees half of one). */
  async put(task: ReplicationTask, record: ReplicationRecord): Promise<void> {
    const body = serialize(record);
    const file = this.fileOf(task);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, Buffer.concat([createHash('sha256').update(body).digest(), body]));
      await rename(temp, file);
    } catch {
      // Best effort, like run.json: a full disk costs the resume, never the run.
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Deletes the oldest records beyond `maxBytes`, and leftover temporary files. */
  async prune(maxBytes = DEFAULT_RECORD_CACHE_BYTES): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const files: { file: string; size: number; mtime: number }[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (name.endsWith('.tmp')) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      if (!name.endsWith('.rec')) continue;
      try {
        const st = await stat(file);
        files.push({ file, size: st.size, mtime: st.mtimeMs });
      } catch {
        // Gone meanwhile.
      }
    }
    files.sort((a, b) => b.mtime - a.mtime);
    let total = 0;
    for (const f of files) {
      total += f.size;
      if (total > maxBytes) await unlink(f.file).catch(() => undefined);
    }
  }
}

/** An executor that answers from the cache when it can and stores every new record. */
export class CachingExecutor implements Executor {
  /** Records taken from the cache (tests and logs). */
  reused = 0;
  constructor(
    private readonly inner: Executor,
    private readonly cache: RecordCache,
  ) {}

  get concurrency(): number {
    return this.inner.concurrency;
  }

  async run(task: ReplicationTask, payload: ScenarioPayload, signal?: AbortSignal): Promise<TaskResult> {
    const stored = await this.cache.get(task);
    if (stored !== undefined) {
      this.reused++;
      return { status: 'ok', record: stored };
    }
    const result = await this.inner.run(task, payload, signal);
    if (result.status === 'ok') await this.cache.put(task, result.record);
    return result;
  }
}
