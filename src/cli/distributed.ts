/**
 * The distributed branches of `opsim run`: `--shard I/N` (run one shard, write its records
 * for `opsim merge`) and `--queue URL` (coordinate the run on BullMQ, see src/distributed/).
 */
import path from 'node:path';
import { executeExperiment } from '../experiment/run.js';
import { createProgress } from '../experiment/progress.js';
import { ScenarioLoadError } from '../scenario/index.js';
import { experimentIdentity, type ExperimentSpec } from '../distributed/identity.js';
import { recordsHeader, writePart } from '../distributed/part.js';
import { EXIT_FAILED_REPLICATIONS, EXIT_INTERRUPTED, slug, writeRunOutputs } from './run.js';

/** The flags of `opsim run` the distributed branches read. */
export interface DistributedFlags {
  shard?: string;
  queue?: string;
  resume?: boolean;
  workers?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  report?: boolean;
  /** With --queue: replications per job. */
  block?: number;
  /** With --queue: seconds without a connected worker before stopping. */
  workerTimeout?: number;
}

/** Parses `I/N` (1-based) into a 0-based shard. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!(n >= 1 && i >= 1 && i <= n)) throw new ScenarioLoadError([{ file: null, line: null, column: null, path: '', message: `--shard ${JSON.stringify(text)}: expected I/N with 1 ≤ I ≤ N, e.g. 2/8` }]);
  return { index: i - 1, count: n };
}

/** Runs the distributed branch the flags ask for. */
export async function runDistributed(spec: ExperimentSpec, flags: DistributedFlags): Promise<void> {
  if (flags.shard !== undefined && flags.queue !== undefined) throw new Error('--shard and --queue cannot be combined: a shard runs on this machine, the queue on its workers');
  if (flags.shard !== undefined) return runShard(spec, parseShard(flags.shard), flags);
  const { coordinate } = await import('../distributed/coordinator.js');
  const raw = spec.input.raw;
  const name = typeof raw === 'object' && raw !== null && 'name' in raw && typeof raw.name === 'string' ? raw.name : 'scenario';
  const out = flags.out ?? path.join('reports', slug(name));
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!controller.signal.aborted) process.stderr.write(`opsim: ${sig}: stopping; queued blocks stay in Redis, continue with --resume\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress({ quiet: flags.quiet === true });
  try {
    const doc = await coordinate(spec, {
      url: flags.queue!,
      out,
      resume: flags.resume === true,
      ...(flags.block !== undefined ? { block: flags.block } : {}),
      ...(flags.workerTimeout !== undefined ? { workerTimeoutMs: flags.workerTimeout * 1000 } : {}),
      onProgress: (p) => progress.update(p),
      signal: controller.signal,
      log: (line) => {
        if (flags.quiet !== true) process.stderr.write(`opsim: ${line}\n`);
      },
    });
    progress.stop();
    await writeRunOutputs(doc, { ...flags, out });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runShard(spec: ExperimentSpec, shard: { index: number; count: number }, flags: DistributedFlags): Promise<void> {
  const identity = experimentIdentity(spec);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress({ quiet: flags.quiet === true });
  try {
    const outcome = await executeExperiment(spec.input, {
      ...spec.options,
      ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
      shard,
      onProgress: (p) => progress.update(p),
      signal: controller.signal,
    });
    progress.stop();
    const out = flags.out ?? `part-${shard.index + 1}`;
    const file = await writePart(out, recordsHeader(spec, identity, shard), outcome);
    process.stdout.write(`shard ${shard.index + 1}/${shard.count} of experiment ${identity.slice(0, 12)}: ${outcome.records.length} replications, ${outcome.failures.length} failed\nrecords: ${file}\n`);
    for (const f of outcome.failures) process.stdout.write(`FAILED ${f.variant}:${f.replication} (seed ${f.seed}): ${f.error.split('\n')[0]}\n`);
    if (outcome.interrupted) process.exitCode = EXIT_INTERRUPTED;
    else if (outcome.failures.length > 0) process.exitCode = EXIT_FAILED_REPLICATIONS;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
