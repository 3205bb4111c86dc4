/**
 * What the coordinator does when no worker will run its blocks (BullMQ on a private
 * redis-server): a job whose overrides were edited in Redis, or an experiment whose stored spec
 * was edited, is refused by the worker for good, and the coordinator reports those
 * replications failed with their seeds and exits 3 instead of waiting forever; with no worker
 * at all, --worker-timeout stops it as an interruption (exit 130, partial results).
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueName, specKey } from '../../src/distributed/queue.js';
import { FIXTURE, processes, startRedis, stop, tmp, type Proc, type TestRedis } from './helpers.js';

let redis: TestRedis;
let client: Redis;
const procs = processes();
const spawnCli = procs.spawn;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  await procs.killAll();
  client?.disconnect();
  await redis?.stop();
});

interface QueuedJob {
  id: string;
  data: { identity: string; seed: string; tasks: { variant: string; replication: number; overrides: Record<string, unknown> }[] };
}

/** The jobs waiting on this opsim's queue, as the coordinator added them. */
async function waiting(): Promise<QueuedJob[]> {
  const ids = await client.lrange(`bull:${queueName()}:wait`, 0, -1);
  return Promise.all(ids.map(async (id) => ({ id, data: JSON.parse((await client.hget(`bull:${queueName()}:${id}`, 'data'))!) as QueuedJob['data'] })));
}

/** Waits for the process to exit, failing (instead of hanging) after `ms`. */
async function exitWithin(p: Proc, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms / 1000} s; stderr:\n${p.stderr()}`)), ms);
  });
  try {
    return await Promise.race([p.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

const run = (out: string, extra: string[] = []): string[] => ['run', FIXTURE, '--replications', '2', '--horizon', '2h', '--block', '2', '--no-report', '--queue', redis.url, '--out', out, ...extra];

describe('opsim run --queue, blocks no worker will run', () => {
  it('a job whose overrides were edited in Redis: its replications fail at once with their seeds, the rest are kept, exit 3', async () => {
    const dir = tmp();
    const coordinator = spawnCli(run(path.join(dir, 'q')));
    await coordinator.waitFor(/queued 2 blocks of up to 2 replications/);
    const [victim] = await waiting();
    expect(victim).toBeDefined();
    victim!.data.tasks[0]!.overrides['teams.service-desk.headcount'] = 1;
    await client.hset(`bull:${queueName()}:${victim!.id}`, 'data', JSON.stringify(victim!.data));
    const worker = spawnCli(['worker', '--queue', redis.url, '--threads', '1']);
    expect(await exitWithin(coordinator, 90_000)).toBe(3);
    expect(worker.stderr()).toContain(`block ${victim!.id} failed: variant ${victim!.data.tasks[0]!.variant}: the job's overrides are not the verified experiment's`);
    const out = coordinator.stdout();
    for (const t of victim!.data.tasks) {
      expect(out).toContain(`FAILED ${t.variant}:${t.replication} (seed 7): block ${victim!.id} refused by a worker, not retried: variant ${victim!.data.tasks[0]!.variant}: the job's overrides are not the verified experiment's`);
    }
    expect(out.match(/^FAILED /gm)).toHaveLength(2);
    expect(coordinator.stderr()).toContain(`(replications ${victim!.data.tasks.map((t) => `${t.variant}:${t.replication}`).join(', ')}, seed 7)`);
    await stop(worker);
  }, 120_000);

  it('an experiment whose stored spec was edited: every block refused, every replication failed, exit 3', async () => {
    const dir = tmp();
    const coordinator = spawnCli(run(path.join(dir, 'q'), ['--seed', '8']));
    await coordinator.waitFor(/queued 2 blocks of up to 2 replications/);
    const [job] = await waiting();
    const key = specKey(job!.data.identity);
    const spec = JSON.parse((await client.get(key))!) as { input: { raw: { teams: { headcount: number }[] } } };
    spec.input.raw.teams[0]!.headcount = 13;
    await client.set(key, JSON.stringify(spec));
    const worker = spawnCli(['worker', '--queue', redis.url, '--threads', '1']);
    expect(await exitWithin(coordinator, 90_000)).toBe(3);
    expect(worker.stderr()).toMatch(/the stored scenario does not hash to the job's identity; refusing to run it/);
    expect(coordinator.stdout().match(/^FAILED \w+:[01] \(seed 8\): block b[0-9a-f]{40} refused by a worker, not retried: experiment [0-9a-f]{12}: the stored scenario does not hash/gm)).toHaveLength(4);
    await stop(worker);
  }, 120_000);

  it('no worker at all: a notice, and --worker-timeout stops the run as an interruption (exit 130, --resume continues)', async () => {
    const dir = tmp();
    // A queue of its own (another announced version), so no worker of the other tests counts.
    const coordinator = spawnCli(run(path.join(dir, 'q'), ['--worker-timeout', '1']), { OPSIM_QUEUE_VERSION: '0.0.0-alone' });
    expect(await exitWithin(coordinator, 60_000)).toBe(130);
    expect(coordinator.stderr()).toMatch(/no worker connected to opsim-0\.0\.0-alone-node\d+ for \d+ s \(--worker-timeout\): stopping; queued blocks stay in Redis, continue with --resume once a worker runs/);
    expect(coordinator.stdout()).toContain('interrupted: partial results (complete: false)');
  }, 90_000);
});
