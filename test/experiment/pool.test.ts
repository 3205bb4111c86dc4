/**
 * The worker pool's two safety nets: a replication that exhausts its worker's heap fails
 * alone (the pool replaces the worker and goes on), and aborting a task terminates the
 * worker running it, so a cancelled run never keeps a worker busy. A stand-in worker file
 * misbehaves on demand.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicationPool } from '../../src/experiment/pool.js';
import type { ReplicationTask } from '../../src/experiment/task.js';

const WORKER = `
import { threadId } from 'node:worker_threads';
export default function (task) {
  if (task.variant === 'oom') { const keep = []; for (;;) keep.push(new Array(1e5).fill(task.replication)); }
  if (task.variant === 'spin') { for (;;) {} }
  return { status: 'ok', record: { variant: task.variant, replication: task.replication, thread: threadId } };
}
`;

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opsim-pool-'));
  file = path.join(dir, 'worker.mjs');
  await writeFile(file, WORKER);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const task = (variant: string, replication = 0): ReplicationTask => ({ key: 'k', variant, replication, seed: '1' });

describe('ReplicationPool', () => {
  it('fails an out-of-memory replication alone, with a clear message, and keeps serving', async () => {
    const pool = new ReplicationPool({ size: 1, memoryMb: 64, filename: file });
    try {
      await expect(pool.run(task('oom'))).rejects.toThrow(/the replication ran out of memory \(the limit of a worker is 64 MB; OPSIM_WORKER_MEMORY_MB sets it\)/);
      const after = await pool.run(task('fine', 1));
      expect(after).toMatchObject({ status: 'ok', record: { variant: 'fine', replication: 1 } });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('an aborted task terminates its worker at once; the pool replaces it', async () => {
    const pool = new ReplicationPool({ size: 1, memoryMb: 128, filename: file });
    try {
      const before = (await pool.run(task('fine'))) as unknown as { record: { thread: number } };
      const ac = new AbortController();
      const spinning = pool.run(task('spin'), ac.signal);
      setTimeout(() => ac.abort(), 200);
      const t0 = Date.now();
      await expect(spinning).rejects.toThrow(/abort/i);
      expect(Date.now() - t0).toBeLessThan(5_000);
      // The only worker was spinning forever; the next task runs on its replacement.
      const after = (await pool.run(task('fine', 2))) as unknown as { record: { thread: number; replication: number } };
      expect(after.record.replication).toBe(2);
      expect(after.record.thread).not.toBe(before.record.thread);
      // A task aborted before it starts never runs.
      const queued = new AbortController();
      queued.abort();
      await expect(pool.run(task('spin'), queued.signal)).rejects.toThrow(/abort/i);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
