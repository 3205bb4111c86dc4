/**
 * Worker-pool bench: replications per second on scenarios/globalmart-peak.yaml (falling back
 * to mmc-validation.yaml when it is absent or invalid) with 1 and 2 workers, in one run, the
 * speedup against the machine's own two-thread ceiling measured in the same rounds, and the
 * memory per worker. Each pool is warmed first (one replication per worker: module loading
 * and the variant cache), so the figure is the steady-state throughput a long experiment sees.
 * Add `benchWorkers` to the sections in bench/run.ts; `node dist/bench/workers.js` runs it alone.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReplicationPool, runExperiment, type ExperimentInput } from '../src/experiment/index.js';
import { expandVariants } from '../src/experiment/variants.js';
import { formatScenarioError, loadScenarioFile } from '../src/scenario/index.js';
import { printTable, verdict } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function load(): { label: string; input: ExperimentInput; variant: string } {
  for (const name of ['globalmart-peak', 'mmc-validation']) {
    const file = path.join(ROOT, 'scenarios', `${name}.yaml`);
    if (!existsSync(file)) continue;
    const r = loadScenarioFile(file);
    if (!r.ok) {
      console.log(`(${name}: not usable, ${r.errors.length} error(s), first: ${formatScenarioError(r.errors[0]!)})`);
      continue;
    }
    return { label: name, input: { raw: r.raw, file: r.file, hash: r.hash }, variant: expandVariants(r.scenario.experiment)[0]!.name };
  }
  throw new Error('no bench scenario found (scenarios/globalmart-peak.yaml or mmc-validation.yaml)');
}

/** The arithmetic both ceiling probes run per thread (about a replication's CPU time on the project's machine). */
const ARITHMETIC = `const { parentPort } = require('node:worker_threads'); parentPort.once('message', () => { let x = 0; for (let i = 0; i < 2e8; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;

/**
 * Wall seconds for `n` threads to each run the same pure arithmetic, timed from when all of
 * them are started (thread start-up excluded, as the pools below are timed warm).
 */
async function arithmetic(n: number): Promise<number> {
  const workers = Array.from({ length: n }, () => new Worker(ARITHMETIC, { eval: true }));
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
    const t0 = performance.now();
    await Promise.all(
      workers.map((w) => {
        const done = new Promise((resolve) => w.once('message', resolve));
        w.postMessage('go');
        return done;
      }),
    );
    return (performance.now() - t0) / 1000;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Resident set size of this process, MB (worker threads included). */
const rssMb = (): number => process.memoryUsage().rss / 2 ** 20;

/**
 * 2 workers against 1, and against what this machine can give right now. The machine is
 * shared with other jobs, so the ceiling is measured, not assumed to be 2: two threads of
 * pure arithmetic against one. Both are measured in the same rounds, interleaved in short
 * blocks (arithmetic on 1 thread, replications on 1 worker, arithmetic on 2 threads,
 * replications on 2 workers), so a neighbour's burst lands on the ceiling and on the pools
 * alike; each ratio is taken over the sums of its rounds. The target is ≥ 0.9× the ceiling.
 * Memory: each pool's resident set after its warm-up minus before the pool started, per worker.
 */
export async function benchWorkers(): Promise<void> {
  const { label, input, variant } = load();
  // Replications per worker per block: a block of the 1-worker pool and of the 2-worker pool take about the same time.
  const perWorker = Number(process.env.OPSIM_BENCH_REPLICATIONS ?? 4);
  const rounds = Number(process.env.OPSIM_BENCH_ROUNDS ?? 3);
  const pools: Record<number, ReplicationPool> = {};
  const memory: Record<number, { warm: number; peak: number }> = {};
  const wall = { 1: 0, 2: 0 } as Record<number, number>;
  const done = { 1: 0, 2: 0 } as Record<number, number>;
  const arith = { 1: 0, 2: 0 } as Record<number, number>;
  const rows: string[][] = [];
  let next = 0;
  try {
    for (const workers of [1, 2]) {
      const rss0 = rssMb();
      const pool = new ReplicationPool({ size: workers });
      pools[workers] = pool;
      // Warm-up: every worker loads the models and caches the variant (replications beyond the timed ones).
      await runExperiment(input, { pool, only: Array.from({ length: workers }, (_, i) => ({ variant, replication: 1000 + i })) });
      memory[workers] = { warm: (rssMb() - rss0) / workers, peak: 0 };
      memory[workers]!.peak = memory[workers]!.warm;
    }
    for (let round = 0; round < rounds; round++) {
      const cells: string[] = [String(round + 1)];
      for (const workers of [1, 2]) {
        const a = await arithmetic(workers);
        arith[workers]! += a;
        const n = perWorker * workers;
        const t0 = performance.now();
        const rss0 = rssMb();
        const doc = await runExperiment(input, { pool: pools[workers]!, only: Array.from({ length: n }, () => ({ variant, replication: next++ })) });
        const seconds = (performance.now() - t0) / 1000;
        if (doc.failures.length > 0) throw new Error(`bench replication failed: ${doc.failures[0]!.error}`);
        wall[workers]! += seconds;
        done[workers]! += n;
        memory[workers]!.peak = Math.max(memory[workers]!.peak, memory[workers]!.warm + (rssMb() - rss0) / workers);
        cells.push(a.toFixed(2), (n / seconds).toFixed(3));
      }
      cells.push(((2 * Number(cells[1])) / Number(cells[3])).toFixed(2), (Number(cells[4]) / Number(cells[2])).toFixed(2));
      rows.push(cells);
    }
  } finally {
    for (const pool of Object.values(pools)) await pool.close();
  }
  const rate1 = done[1]! / wall[1]!;
  const rate2 = done[2]! / wall[2]!;
  const ceiling = (2 * arith[1]!) / arith[2]!;
  const speedup = rate2 / rate1;
  rows.push(['all', arith[1]!.toFixed(2), rate1.toFixed(3), arith[2]!.toFixed(2), rate2.toFixed(3), ceiling.toFixed(2), speedup.toFixed(2)]);
  printTable(
    `Worker pool: ${label}, "${variant}", ${perWorker} replications per worker per block, ${rounds} rounds interleaved with the arithmetic ceiling (wall time; load average ${loadavg()[0]!.toFixed(1)})`,
    ['round', 'arith 1 thread s', '1 worker repl/s', 'arith 2 threads s', '2 workers repl/s', 'ceiling ×', '2 vs 1 ×'],
    rows,
  );
  printTable(
    'Memory per worker (resident set of the process added by each pool, divided by its workers)',
    ['workers', 'MB per worker after warm-up', 'MB per worker at most, after a block'],
    [1, 2].map((w) => [String(w), memory[w]!.warm.toFixed(0), memory[w]!.peak.toFixed(0)]),
  );
  console.log(`ceiling: two threads of pure arithmetic against one, measured in the same rounds (2.00 on an idle 2-core machine)`);
  verdict(`2 workers vs 1 ≥ 0.9× the machine's two-thread ceiling (${label})`, speedup >= 0.9 * ceiling, `${speedup.toFixed(2)}× vs ceiling ${ceiling.toFixed(2)}× = ${(speedup / ceiling).toFixed(2)}`);
}

// Run alone: node dist/bench/workers.js
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await benchWorkers();
