/**
 * The coordinator's double-delivery check, with test doubles for the queue: a block whose
 * replications are already in the log and whose finished job is still in Redis is compared
 * bit for bit; a difference is a determinism fault, and the job is removed either way.
 */
import { describe, expect, it } from 'vitest';
import { NO_WORKER_GRACE_MS, NO_WORKER_REPEAT_MS, NoWorkerNotice, QueueExecutor, logKey, type QueueExecutorContext, type WorkerWatch } from '../../src/distributed/coordinator.js';
import { recordLine, type RecordLine } from '../../src/distributed/record.js';
import type { ReplicationTask, TaskResult } from '../../src/experiment/task.js';
import type { FailedReplication, ReplicationRecord } from '../../src/results/format.js';

const rec = (x: number): ReplicationRecord => ({
  variant: 'base',
  replication: 0,
  seed: '1',
  metrics: { x },
  series: { intervalSeconds: 60, columns: ['t'], rows: [[0]] },
  incidents: [],
  events: 1,
});

async function deliverTwice(first: number, second: number): Promise<{ faults: FailedReplication[]; removed: string[]; settled: TaskResult[]; said: string[] }> {
  const task: ReplicationTask = { key: 'k', variant: 'base', replication: 0, seed: '1' };
  const removed: string[] = [];
  const faults: FailedReplication[] = [];
  const said: string[] = [];
  const returned: RecordLine = recordLine(rec(second));
  const job = { id: 'b1', returnvalue: { lines: [returned] }, attemptsMade: 1, failedReason: '', remove: async () => void removed.push('b1') };
  const queue = {
    name: 'test',
    addBulk: async () => [],
    add: async () => job,
    getJobState: async () => 'completed',
    getJob: async () => job,
  } as unknown as QueueExecutorContext['queue'];
  const events = { on: () => events, off: () => events } as unknown as QueueExecutorContext['events'];
  const logged = new Map<string, RecordLine>([[logKey('k', 'base', 0), { ...recordLine(rec(first)), key: 'k' }]]);
  const ex = new QueueExecutor({ identity: 'id', queue, events, logFile: '/dev/null', logged, faults, say: (l) => said.push(l), block: 1, attempts: 3 });
  const settled: TaskResult[] = [];
  await ex.runMany([{ task, payload: { raw: null, file: null, overrides: {} } }], (_t, r) => settled.push(r), undefined);
  return { faults, removed, settled, said };
}

describe('queue coordinator, a block delivered twice', () => {
  it('accepts identical bits and removes the leftover job', async () => {
    const r = await deliverTwice(1.5, 1.5);
    expect(r.faults).toEqual([]);
    expect(r.removed).toEqual(['b1']);
    expect(r.settled).toHaveLength(1);
  });

  it('reports different bits as a determinism fault with variant, replication and seed', async () => {
    const r = await deliverTwice(1.5, 1.5000000000000002);
    expect(r.faults).toEqual([{ variant: 'base', replication: 0, seed: '1', error: expect.stringMatching(/^determinism fault: block b[0-9a-f]{40} returned different results for this replication on a second delivery$/) as string }]);
    expect(r.said.join('\n')).toMatch(/determinism fault.*\(base:0, seed 1\)/);
    expect(r.removed).toEqual(['b1']);
    // The first delivery stands; the run is marked incomplete by the fault.
    expect(r.settled).toEqual([{ status: 'ok', record: rec(1.5) }]);
  });
});

describe('queue coordinator, a block that failed for good', () => {
  const tasks: ReplicationTask[] = [
    { key: 'k', variant: 'base', replication: 0, seed: '7' },
    { key: 'k', variant: 'base', replication: 1, seed: '7' },
  ];
  // One fake job in state 'failed', as BullMQ leaves it (attemptsMade counts the failed attempts).
  const collectFailed = async (attemptsMade: number, failedReason: string): Promise<{ settled: [string, TaskResult][]; said: string[] }> => {
    const job = { id: 'b2', returnvalue: null, attemptsMade, failedReason, getState: async () => 'failed', retry: async () => undefined, remove: async () => undefined };
    const queue = { name: 'test', addBulk: async () => [], add: async () => job, getJobState: async () => 'failed', getJob: async () => job } as unknown as QueueExecutorContext['queue'];
    const events = { on: () => events, off: () => events } as unknown as QueueExecutorContext['events'];
    const said: string[] = [];
    const ex = new QueueExecutor({ identity: 'id', queue, events, logFile: '/dev/null', logged: new Map(), faults: [], say: (l) => said.push(l), block: 2, attempts: 3 });
    const settled: [string, TaskResult][] = [];
    const run = ex.runMany(tasks.map((task) => ({ task, payload: { raw: null, file: null, overrides: {} } })), (t, r) => settled.push([`${t.variant}:${t.replication}`, r]), undefined);
    // The old coordinator waited for two more attempts that BullMQ never makes: it never returned.
    await Promise.race([run, new Promise((_, reject) => setTimeout(() => reject(new Error('the coordinator is still waiting for the refused block')), 5000))]);
    return { settled, said };
  };

  it('a block a worker refused (one attempt of three) fails at once, each replication with the reason', async () => {
    const r = await collectFailed(1, "variant base: the job's overrides are not the verified experiment's");
    const id = /block (b[0-9a-f]{40}) refused/.exec(r.said.join('\n'))?.[1];
    const error = `block ${id} refused by a worker, not retried: variant base: the job's overrides are not the verified experiment's`;
    expect(r.settled).toEqual([['base:0', { status: 'failed', error }], ['base:1', { status: 'failed', error }]]);
    expect(r.said.join('\n')).toContain(`${error} (replications base:0, base:1, seed 7)`);
  });

  it('a block whose attempts are used up fails as before', async () => {
    const r = await collectFailed(3, 'worker thread exited');
    const error = expect.stringMatching(/^block b[0-9a-f]{40} failed 3 times \(a worker died or could not run it\): worker thread exited$/) as string;
    expect(r.settled.map(([, x]) => x)).toEqual([{ status: 'failed', error }, { status: 'failed', error }]);
  });
});

describe('queue coordinator, no worker connected', () => {
  const watch = (counts: number[], timeoutMs?: number): { notice: NoWorkerNotice; said: string[]; gaveUp: () => number; at: (ms: number) => Promise<void> } => {
    let now = 0;
    let gave = 0;
    const said: string[] = [];
    const w: WorkerWatch = { count: async () => counts.shift() ?? 0, hint: 'start one with "opsim worker --queue redis://h:1"', giveUp: () => void gave++, now: () => now, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    const notice = new NoWorkerNotice(w, 'opsim-q', (l) => said.push(l));
    return { notice, said, gaveUp: () => gave, at: async (ms) => ((now = ms), await notice.check()) };
  };

  it('says so after a grace period, with the command, then every few minutes, and when a worker connects', async () => {
    const w = watch([0, 0, 0, 0, 0, 2]);
    await w.at(0);
    await w.at(NO_WORKER_GRACE_MS - 1500);
    expect(w.said).toEqual([]);
    await w.at(NO_WORKER_GRACE_MS);
    expect(w.said).toEqual(['no worker connected to opsim-q for 10 s: start one with "opsim worker --queue redis://h:1"; waiting (Ctrl-C writes the partial results; --resume continues; --worker-timeout stops on its own)']);
    await w.at(NO_WORKER_GRACE_MS + 60_000);
    expect(w.said).toHaveLength(1);
    await w.at(NO_WORKER_GRACE_MS + NO_WORKER_REPEAT_MS);
    expect(w.said[1]).toMatch(/^no worker connected to opsim-q for 310 s/);
    await w.at(NO_WORKER_GRACE_MS + NO_WORKER_REPEAT_MS + 2000);
    expect(w.said[2]).toBe('2 workers connected to opsim-q; continuing');
    expect(w.gaveUp()).toBe(0);
  });

  it('gives up once after --worker-timeout', async () => {
    const w = watch([], 30_000);
    await w.at(0);
    await w.at(28_500);
    expect(w.gaveUp()).toBe(0);
    await w.at(30_000);
    await w.at(32_000);
    expect(w.gaveUp()).toBe(1);
    expect(w.said.at(-1)).toBe('no worker connected to opsim-q for 30 s (--worker-timeout): stopping; queued blocks stay in Redis, continue with --resume once a worker runs');
  });

  it('a Redis that refuses CLIENT LIST raises no alarm', async () => {
    const said: string[] = [];
    let now = 0;
    const notice = new NoWorkerNotice({ count: async () => Promise.reject(new Error('ERR unknown command')), hint: '', giveUp: () => undefined, now: () => now, timeoutMs: 1 }, 'q', (l) => said.push(l));
    for (now = 0; now < 100_000; now += 5000) await notice.check();
    expect(said).toEqual([]);
  });
});
