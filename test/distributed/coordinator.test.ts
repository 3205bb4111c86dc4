/**
 * The coordinator's double-delivery check, with test doubles for the queue: a block whose
 * replications are already in the log and whose finished job is still in Redis is compared
 * bit for bit; a difference is a determinism fault, and the job is removed either way.
 */
import { describe, expect, it } from 'vitest';
import { QueueExecutor, logKey, type QueueExecutorContext } from '../../src/distributed/coordinator.js';
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
