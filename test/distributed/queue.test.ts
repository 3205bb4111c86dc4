/**
 * The queue (BullMQ on a private redis-server): results.json has the SHA-256 of a local run
 * with two worker processes, and with one worker SIGKILLed mid-block and the coordinator
 * SIGKILLed and resumed; a worker of another opsim version leaves the jobs to a matching one.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueName } from '../../src/distributed/queue.js';
import { runExperiment } from '../../src/experiment/run.js';
import { resultsJson } from '../../src/results/write.js';
import { queueExecutor } from '../../src/server/run-host.js';
import { input } from '../experiment/helpers.js';
import { FIXTURE, cli, processes, sha, startRedis, stop, tmp, type Proc, type TestRedis } from './helpers.js';

let redis: TestRedis;
const procs = processes();
const spawnCli = procs.spawn;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await procs.killAll();
  await redis?.stop();
});

describe('opsim run --queue and opsim worker', () => {
  it('leaves jobs of another version to a matching worker, and two workers give the bytes of a local run', async () => {
    const dir = tmp();
    // Blocks of about a second (100 simulated days): with millisecond blocks the first worker
    // up could drain the queue before the second had connected.
    const args = [FIXTURE, '--replications', '5', '--horizon', '100d', '--no-report'];
    const local = cli(['run', ...args, '--workers', '1', '--quiet', '--out', path.join(dir, 'local')]);
    const coordinator = spawnCli(['run', ...args, '--queue', redis.url, '--block', '2', '--out', path.join(dir, 'queue')]);
    await coordinator.waitFor(/queued 5 blocks of up to 2 replications on opsim-/);
    const stranger = spawnCli(['worker', '--queue', redis.url, '--threads', '1'], { OPSIM_QUEUE_VERSION: '9.9.9' });
    await stranger.waitFor(/5 blocks wait on opsim-.*built by another opsim or Node version: left for a matching worker/);
    const r = new Redis(redis.url);
    try {
      // Nothing taken: every block still waits on the coordinator's queue.
      expect(await r.llen(`bull:${queueName()}:wait`)).toBe(5);
    } finally {
      r.disconnect();
    }
    const workers = [1, 2].map(() => spawnCli(['worker', '--queue', redis.url, '--threads', '1']));
    expect(await coordinator.exited).toBe(0);
    expect((await local).code).toBe(0);
    expect(sha(path.join(dir, 'queue/results.json'))).toBe(sha(path.join(dir, 'local/results.json')));
    expect(stranger.stderr()).not.toMatch(/block b[0-9a-f]+:/);
    expect(workers.map((w) => /block b[0-9a-f]+:/.test(w.stderr()))).toEqual([true, true]);
    await Promise.all([stranger, ...workers].map((w) => stop(w)));
  }, 150_000);

  it('survives a worker SIGKILLed mid-block and a coordinator SIGKILLed and resumed, byte for byte', async () => {
    const dir = tmp();
    const args = [FIXTURE, '--replications', '6', '--horizon', '40d', '--no-report'];
    const local = cli(['run', ...args, '--workers', '1', '--quiet', '--out', path.join(dir, 'local')]);
    const out = path.join(dir, 'queue');
    const doomed = spawnCli(['worker', '--queue', redis.url, '--threads', '1', '--lock', '3000']);
    const coordinator = spawnCli(['run', ...args, '--queue', redis.url, '--block', '3', '--out', out]);
    await doomed.waitFor(/block b[0-9a-f]+: 3 replications/);
    await stop(doomed, 'SIGKILL');
    const killedBlock = /block (b[0-9a-f]+): 3 replications/.exec(doomed.stderr())![1]!;
    const survivor = spawnCli(['worker', '--queue', redis.url, '--threads', '1', '--lock', '3000']);
    await coordinator.waitFor(/opsim: ([2-9]|1[01])\/12 replications/);
    await stop(coordinator, 'SIGKILL');
    const resumed = spawnCli(['run', ...args, '--queue', redis.url, '--block', '3', '--out', out, '--resume']);
    expect(await resumed.exited).toBe(0);
    expect(resumed.stderr()).toMatch(/resuming experiment [0-9a-f]{12}: [1-9]\d* replications already in/);
    expect((await local).code).toBe(0);
    expect(sha(path.join(out, 'results.json'))).toBe(sha(path.join(dir, 'local/results.json')));
    // The killed worker's block was run again by the survivor, logged as its second attempt.
    expect(survivor.stderr()).toMatch(new RegExp(`block ${killedBlock}: 3 replications of experiment [0-9a-f]{12} \\(attempt 2\\)`));
    expect(doomed.stderr()).toMatch(new RegExp(`block ${killedBlock}: 3 replications of experiment [0-9a-f]{12} \\(attempt 1\\)`));
    await stop(survivor);
  }, 180_000);

  it('opsim serve --queue: the server\'s queue executor returns the document of a local run, a throwing replication failed for good with its seed', async () => {
    const FAIL = { OPSIM_FAIL_REPLICATION: 'fourteen:2' };
    const worker = spawnCli(['worker', '--queue', redis.url, '--threads', '1'], FAIL);
    const progress: number[] = [];
    const doc = await queueExecutor(redis.url).run(input(), { replications: 3, seed: '11', onProgress: (p) => progress.push(p.done), signal: new AbortController().signal });
    process.env.OPSIM_FAIL_REPLICATION = FAIL.OPSIM_FAIL_REPLICATION;
    let local;
    try {
      local = await runExperiment(input(), { replications: 3, seed: '11', workers: 1 });
    } finally {
      delete process.env.OPSIM_FAIL_REPLICATION;
    }
    expect(doc.failures).toEqual([{ variant: 'fourteen', replication: 2, seed: '11', error: 'injected failure (OPSIM_FAIL_REPLICATION) in fourteen:2' }]);
    expect(resultsJson(doc)).toBe(resultsJson(local));
    expect(progress.at(-1)).toBe(6);
    // Deterministic failures are results, not retried: every block ran once.
    expect(worker.stderr()).not.toMatch(/attempt 2/);
    await stop(worker);
  }, 150_000);
});
