/**
 * Queue bench: replications per second of the same experiment on the local pool (1 and 2
 * threads) and on the BullMQ queue with 1 and 2 `opsim worker` processes (1 thread each)
 * against a private redis-server on loopback, all measured in one run; and the coordinator's
 * overhead per block (blocks of one near-instant replication, so the time is the round trip:
 * add, take, verify-cached run, return, durable log append, remove).
 * Wall time counts everything a planner waits for, including each worker verifying (and
 * compiling) the experiment once; the ≥ 90 % target is for blocks of ≥ 10 s, far longer
 * than a 2-core bench can afford, so the verdict reports the ratio at the block size used.
 * Add `benchQueue` to the sections in bench/run.ts; `node dist/bench/queue.js` runs it alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coordinate } from '../src/distributed/coordinator.js';
import type { ExperimentSpec } from '../src/distributed/identity.js';
import { startLocalRedis } from '../src/distributed/local-redis.js';
import { planExperiment, runExperiment } from '../src/experiment/index.js';
import { formatScenarioError, loadScenarioFile } from '../src/scenario/index.js';
import { printTable, verdict } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');

function spec(file: string, options: ExperimentSpec['options']): ExperimentSpec {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(formatScenarioError(r.errors[0]!));
  return { input: { raw: r.raw, file: r.file, hash: r.hash }, options };
}

/** Starts `opsim worker` processes and resolves when all listen. */
async function startWorkers(url: string, n: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/taking blocks from/.test(err)) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`opsim worker exited with ${code}: ${err}`)));
    })),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
    if (w.exitCode !== null) return resolve();
    w.removeAllListeners('exit');
    w.once('exit', () => resolve());
    w.kill('SIGTERM');
  })));
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

/** Measures local pool versus queue throughput, and the coordinator's overhead per block. */
export async function benchQueue(): Promise<void> {
  const file = path.join(ROOT, 'scenarios', 'globalmart-peak.yaml');
  const fallback = path.join(ROOT, 'scenarios', 'mmc-validation.yaml');
  const scenario = existsSync(file) ? file : fallback;
  const replications = Number(process.env.OPSIM_BENCH_QUEUE_REPLICATIONS ?? 8);
  const all = spec(scenario, { replications });
  // One variant keeps the bench near a minute on two cores; blocks are then replications/2 long.
  const heavy = spec(scenario, { replications, variants: [planExperiment(all.input, all.options).variants[0]!] });
  const label = path.basename(scenario, '.yaml');
  const redis = await startLocalRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'opsim-bench-queue-'));
  const rows: string[][] = [];
  const rate: Record<string, number> = {};
  let perBlockMs = NaN;
  try {
    const total = planExperiment(heavy.input, heavy.options).variants.length * replications;
    for (const n of [1, 2]) {
      const s = await timed(() => runExperiment(heavy.input, { ...heavy.options, workers: n }));
      rate[`pool${n}`] = total / s;
      rows.push([`local pool, ${n} thread${n > 1 ? 's' : ''}`, String(total), s.toFixed(2), (total / s).toFixed(3)]);
    }
    for (const n of [1, 2]) {
      const workers = await startWorkers(redis.url, n);
      try {
        // Two blocks per worker: every worker busy, with a tail of at most one block.
        const block = Math.max(1, Math.ceil(total / (2 * n)));
        const s = await timed(() => coordinate(heavy, { url: redis.url, out: path.join(dir, `heavy-${n}`), resume: false, block, log: () => undefined }));
        rate[`queue${n}`] = total / s;
        rows.push([`queue, ${n} worker process${n > 1 ? 'es' : ''} × 1 thread, blocks of ${block}`, String(total), s.toFixed(2), (total / s).toFixed(3)]);
      } finally {
        await stopWorkers(workers);
      }
    }
    // Overhead per block: many blocks of one short replication, one worker, against in-process.
    const light = spec(path.join(ROOT, 'test', 'experiment', 'fixtures', 'desk.yaml'), { replications: 20, variants: ['twelve'] });
    const inProcess = await timed(() => runExperiment(light.input, { ...light.options, workers: 1 }));
    const workers = await startWorkers(redis.url, 1);
    try {
      // A first run lets the worker verify the experiment; the timed second run uses its cache.
      await coordinate(light, { url: redis.url, out: path.join(dir, 'light-warm'), resume: false, block: 20, log: () => undefined });
      const queued = await timed(() => coordinate(light, { url: redis.url, out: path.join(dir, 'light'), resume: false, block: 1, log: () => undefined }));
      perBlockMs = ((queued - inProcess) / 20) * 1000;
    } finally {
      await stopWorkers(workers);
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(`Queue versus local pool: ${label}, ${replications} replications of "${heavy.options.variants![0]}"`, ['executor', 'replications', 'wall s', 'replications/s'], rows);
  console.log(`coordinator overhead per block (1 worker, blocks of 1 short replication): ${perBlockMs.toFixed(1)} ms`);
  for (const n of [1, 2]) {
    const ratio = rate[`queue${n}`]! / rate[`pool${n}`]!;
    verdict(`queue throughput, ${n} worker process${n > 1 ? 'es' : ''} vs local pool of ${n} thread${n > 1 ? 's' : ''} (${label})`, ratio >= 0.9, `${(100 * ratio).toFixed(0)} % (target ≥ 90 % for blocks of ≥ 10 s)`);
  }
}

// Run alone: node dist/bench/queue.js
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await benchQueue();
