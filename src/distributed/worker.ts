/**
 * A queue worker (`opsim worker --queue redis://…`): takes blocks of replications from the
 * queue of its own opsim version and Node major, verifies each block's experiment by
 * recomputing its identity from the spec in Redis, runs the block's replications on its
 * Piscina pool (the event loop stays free, so BullMQ renews the job's lock) and returns one
 * line per replication. A replication that throws is a result (it fails for good, with its
 * seed); a worker thread that dies fails the block, which BullMQ then retries.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { PoolExecutor } from '../experiment/jobs.js';
import { stableKey } from '../experiment/plan.js';
import { ReplicationPool } from '../experiment/pool.js';
import type { ScenarioPayload } from '../experiment/task.js';
import { nodeMajor } from './identity.js';
import { canonicalJson } from '../scenario/canonical-json.js';
import { connectionOptions, connectRedis, otherQueuesWaiting, queueName, queueVersion, specKey, type BlockJob, type BlockResult, type BlockTask } from './queue.js';
import { recordLine, type RecordLine } from './record.js';
import { verifyOnThread, type VerifiedExperiment } from './verify.js';

/** Options of a worker process. */
export interface WorkerOptions {
  url: string;
  /** Worker threads of the pool (default min(2, cores)). */
  threads?: number;
  /** Job lock in ms: a worker that dies loses its block to another after about this long (default 30000). */
  lockMs?: number;
  log?: (line: string) => void;
}

/** A verified experiment, ready to run blocks. */
interface Verified {
  hash: string;
  seed: string;
  variants: Map<string, VerifiedExperiment['variants'][number]>;
}

/** A running worker; close() finishes the current blocks and stops. */
export interface RunningWorker {
  close(): Promise<void>;
}

/** Starts a worker and returns once it listens. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const say = options.log ?? ((line: string) => process.stderr.write(`opsim worker: ${line}\n`));
  const redis = await connectRedis(options.url);
  const pool = new ReplicationPool(options.threads !== undefined ? { size: options.threads } : {});
  const executor = new PoolExecutor(pool);
  // Promises, so two blocks of a new experiment arriving together verify it once.
  const verified = new Map<string, Promise<Verified>>();
  const name = queueName();
  const lockMs = options.lockMs ?? 30_000;

  const verify = (identity: string): Promise<Verified> => {
    let p = verified.get(identity);
    if (p === undefined) {
      p = verifyExperiment(identity);
      verified.set(identity, p);
      p.catch(() => verified.delete(identity));
    }
    return p;
  };
  const verifyExperiment = async (identity: string): Promise<Verified> => {
    const text = await redis.get(specKey(identity));
    if (text === null) throw new Error(`experiment ${identity.slice(0, 12)}: its spec is not in Redis (expired or removed); its coordinator stores it again with --resume`);
    // Trust nothing the job says: the identity is recomputed from the spec on this machine.
    let e;
    try {
      e = await verifyOnThread(text, identity);
    } catch (err) {
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
    return { hash: e.hash, seed: e.seed, variants: new Map(e.variants.map((p) => [p.name, p])) };
  };

  /** The payload of a task, checked against the verified variant: its overrides, plus at most a warm-up. */
  const payloadOf = (exp: Verified, t: BlockTask): { key: string; payload: ScenarioPayload } => {
    const v = exp.variants.get(t.variant);
    if (v === undefined) throw new UnrecoverableError(`variant ${JSON.stringify(t.variant)} is not in the verified experiment`);
    const { warmup, ...rest } = t.overrides;
    const own = v.payload.overrides;
    const ownRest = Object.fromEntries(Object.entries(own).filter(([k]) => k !== 'warmup'));
    const warmupOk = warmup === undefined ? !('warmup' in own) : typeof warmup === 'number' || warmup === own.warmup;
    if (canonicalJson(rest, { exact: true }) !== canonicalJson(ownRest, { exact: true }) || !warmupOk) throw new UnrecoverableError(`variant ${t.variant}: the job's overrides are not the verified experiment's`);
    if (warmup === undefined || warmup === own.warmup) return { key: v.key, payload: v.payload };
    const overrides = { ...own, warmup };
    return { key: stableKey(exp.hash, overrides), payload: { ...v.payload, overrides, compiled: { ...v.payload.compiled!, warmup: warmup as number } } };
  };

  const processBlock = async (job: Job<BlockJob, BlockResult>): Promise<BlockResult> => {
    const d = job.data;
    if (d.opsimVersion !== queueVersion() || d.nodeMajor !== nodeMajor()) {
      // Only reachable if someone added a job to the wrong queue by hand.
      throw new UnrecoverableError(`block built by opsim ${d.opsimVersion} on Node ${d.nodeMajor}; this worker is opsim ${queueVersion()} on Node ${nodeMajor()}`);
    }
    const exp = await verify(d.identity);
    say(`block ${job.id ?? '?'}: ${d.tasks.length} replication${d.tasks.length === 1 ? '' : 's'} of experiment ${d.identity.slice(0, 12)} (attempt ${attemptOf(job)})`);
    if (d.seed !== exp.seed) throw new UnrecoverableError(`seed ${JSON.stringify(d.seed)} is not the verified experiment's`);
    const runs = d.tasks.map(async (t): Promise<RecordLine> => {
      const { key, payload } = payloadOf(exp, t);
      // A rejected promise here is a worker thread that died: the block fails and is retried.
      const r = await executor.run({ key, variant: t.variant, replication: t.replication, seed: d.seed }, payload);
      if (r.status === 'ok') return recordLine(r.record);
      const error = r.status === 'failed' ? r.error : 'worker did not accept the scenario';
      return { kind: 'failure', failure: { variant: t.variant, replication: t.replication, seed: d.seed, error } };
    });
    const lines = await Promise.all(runs);
    return { lines };
  };

  const worker = new Worker<BlockJob, BlockResult>(name, processBlock, {
    connection: connectionOptions(options.url),
    // Two blocks at a time: the next block starts while the last replications of one finish.
    concurrency: 2,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 3,
  });
  worker.on('failed', (job, err) => say(`block ${job?.id ?? '?'} failed: ${err.message}`));
  worker.on('error', (err) => say(`queue error: ${err.message}`));
  await worker.waitUntilReady();
  say(`opsim ${queueVersion()} on Node ${nodeMajor()}, ${pool.size} thread${pool.size === 1 ? '' : 's'}, taking blocks from ${name}`);
  for (const other of await otherQueuesWaiting(redis, name)) {
    say(`${other.waiting} block${other.waiting === 1 ? '' : 's'} wait on ${other.queue}, built by another opsim or Node version: left for a matching worker`);
  }
  return {
    async close() {
      await worker.close();
      await pool.close();
      redis.disconnect();
    },
  };
}

/**
 * The attempt a block is on: BullMQ counts every move to active in attemptsStarted, including
 * one after a worker died holding the block (which attemptsMade, counting failures, misses).
 */
export function attemptOf(job: Pick<Job, 'attemptsStarted' | 'attemptsMade'>): number {
  return Math.max(job.attemptsStarted, job.attemptsMade + 1);
}
