/**
 * The queue coordinator (`opsim run FILE --queue redis://…`). It stores the experiment's spec
 * in Redis once, and runs the experiment's usual stages (warm-up pilot, fixed or sequential
 * replications) with an executor that adds each stage's replications as blocks of BullMQ
 * jobs. A block's job id is a hash of the experiment identity and the block's tasks, so a
 * restarted coordinator computes the same ids and adds nothing twice. Each returned block is
 * appended to the log (OUT/queue-log.jsonl, fsynced) before its job is removed; `--resume`
 * reads the log, takes what it holds and waits for, or re-adds, only the rest.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { assembleResults } from '../experiment/assemble.js';
import { isAborted, type Executor } from '../experiment/jobs.js';
import type { ExperimentProgress } from '../experiment/plan.js';
import { executeExperiment } from '../experiment/run.js';
import type { ReplicationTask, ScenarioPayload, TaskResult } from '../experiment/task.js';
import type { FailedReplication, ResultsDocument } from '../results/format.js';
import { experimentIdentity, nodeMajor, type ExperimentSpec } from './identity.js';
import { canonicalJson } from '../scenario/canonical-json.js';
import { appendLines, readRecordsFile, recordsHeader, type RecordsEnd } from './part.js';
import { connectionOptions, connectRedis, queueName, queueVersion, redactUrl, specKey, SPEC_TTL_SECONDS, type BlockJob, type BlockResult } from './queue.js';
import { decodeRecord, sameRecord, type RecordLine } from './record.js';

/** File name of the coordinator's log inside the output folder. */
export const QUEUE_LOG = 'queue-log.jsonl';

/** Options of a coordinated run. */
export interface CoordinateOptions {
  /** redis://HOST:PORT */
  url: string;
  /** Output folder; the log lives in it. */
  out: string;
  /** Continue from an existing log (else an existing log is refused). */
  resume: boolean;
  /** Replications per job (default: a stage's replications / 16, between 1 and 64). */
  block?: number;
  /** Attempts per block before its replications fail for good (a worker that died counts one). */
  attempts?: number;
  onProgress?: (p: ExperimentProgress) => void;
  /** Aborting stops waiting; queued blocks stay in Redis for --resume. */
  signal?: AbortSignal;
  /**
   * Stop (as an interruption: partial results, queued blocks kept for --resume) when no worker
   * has been connected to the queue for this long. Default: wait, saying so every few minutes.
   */
  workerTimeoutMs?: number;
  /** Messages for the planner (queued blocks, resumed replications, determinism faults). */
  log?: (line: string) => void;
}

/** A block's deterministic job id: the experiment and exactly which replications of which compiled scenario. */
export function blockJobId(identity: string, tasks: readonly ReplicationTask[]): string {
  const h = createHash('sha256').update(identity).update(canonicalJson(tasks.map((t) => [t.key, t.variant, t.replication, t.seed]), { exact: true }));
  return `b${h.digest('hex').slice(0, 40)}`;
}

/** The log's key of a replication of a compiled scenario. */
export function logKey(key: string, variant: string, replication: number): string {
  return `${key}\u0000${variant}\u0000${replication}`;
}

/** Runs the experiment of `spec` on the queue and returns its results document. */
export async function coordinate(spec: ExperimentSpec, options: CoordinateOptions): Promise<ResultsDocument> {
  const say = options.log ?? ((line: string) => process.stderr.write(`opsim: ${line}\n`));
  const identity = experimentIdentity(spec);
  const logFile = path.join(options.out, QUEUE_LOG);
  const logged = new Map<string, RecordLine>();
  if (existsSync(logFile)) {
    if (!options.resume) throw new Error(`${logFile} exists: a coordinator already ran this output folder; continue it with --resume, or choose another --out`);
    const prior = await readRecordsFile(logFile);
    if (prior.header.identity !== identity) throw new Error(`${logFile} belongs to experiment ${prior.header.identity.slice(0, 12)}, this run is ${identity.slice(0, 12)}: resume the same scenario, options and versions, or choose another --out`);
    for (const l of prior.lines) {
      if (l.key === undefined) continue;
      logged.set(l.kind === 'record' ? logKey(l.key, l.variant, l.replication) : logKey(l.key, l.failure.variant, l.failure.replication), l);
    }
    say(`resuming experiment ${identity.slice(0, 12)}: ${logged.size} replications already in ${logFile}`);
  }

  const redis = await connectRedis(options.url);
  // The log starts once Redis answers, so a wrong URL leaves no log behind to refuse a rerun.
  if (!existsSync(logFile)) await appendLines(logFile, [recordsHeader(spec, identity, null)]);
  const connection = connectionOptions(options.url);
  const name = queueName();
  const queue = new Queue<BlockJob, BlockResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const faults: FailedReplication[] = [];
  // The run's own stop: the caller's signal, or the worker timeout.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) stop.abort();
  try {
    await redis.set(specKey(identity), JSON.stringify(spec), 'EX', SPEC_TTL_SECONDS);
    await events.waitUntilReady();
    const watch: WorkerWatch = {
      count: () => queue.getWorkersCount(),
      hint: `start one with "opsim worker --queue ${redactUrl(options.url)}" on a machine with opsim ${queueVersion()} and Node ${nodeMajor()}`,
      ...(options.workerTimeoutMs !== undefined ? { timeoutMs: options.workerTimeoutMs } : {}),
      giveUp: () => stop.abort(),
    };
    const executor = new QueueExecutor({ identity, queue, events, logFile, logged, faults, say, block: options.block, attempts: options.attempts ?? 3, watch });
    const outcome = await executeExperiment(spec.input, { ...spec.options, executor, ...(options.onProgress ? { onProgress: options.onProgress } : {}), signal: stop.signal });
    const end: RecordsEnd = { kind: 'end', interrupted: outcome.interrupted };
    if (!outcome.interrupted) await appendLines(logFile, [end]);
    return assembleResults({ ...outcome, failures: [...outcome.failures, ...faults] });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await events.close();
    await queue.close();
    redis.disconnect();
  }
}

/** What the queue executor works with (a Queue and QueueEvents, or test doubles of the parts it uses). */
export interface QueueExecutorContext {
  identity: string;
  queue: Pick<Queue<BlockJob, BlockResult>, 'name' | 'addBulk' | 'add' | 'getJob' | 'getJobState'>;
  events: Pick<QueueEvents, 'on' | 'off'>;
  logFile: string;
  logged: Map<string, RecordLine>;
  faults: FailedReplication[];
  say: (line: string) => void;
  block: number | undefined;
  attempts: number;
  /** Watches for a queue without workers (absent in tests of the collecting alone). */
  watch?: WorkerWatch;
}

/** How the coordinator notices that no worker takes its blocks. */
export interface WorkerWatch {
  /** Workers connected to the queue (BullMQ's CLIENT LIST; a failure skips the check). */
  count: () => Promise<number>;
  /** What the planner should do, e.g. the worker command. */
  hint: string;
  /** Give up after this long without a worker (default: never). */
  timeoutMs?: number;
  /** Called once when the timeout is reached: stops the run as an interruption. */
  giveUp: () => void;
  /** The clock (tests pass their own). */
  now?: () => number;
}

/** No worker for this long before the first notice: workers are often started just after the coordinator. */
export const NO_WORKER_GRACE_MS = 10_000;
/** Repeat the notice this often while still no worker is connected. */
export const NO_WORKER_REPEAT_MS = 5 * 60_000;

/**
 * Tells the planner, while blocks wait, that no worker is connected to the queue (and what to
 * do), says when one connects, and gives up after the watch's timeout if one is set. A
 * coordinator without workers would otherwise wait in silence forever.
 */
export class NoWorkerNotice {
  private since: number | null = null;
  private lastSaid: number | null = null;
  private gaveUp = false;
  private lastCheck: number | null = null;
  constructor(private readonly w: WorkerWatch, private readonly queueName: string, private readonly say: (line: string) => void) {}

  async check(): Promise<void> {
    const clock = this.w.now ?? Date.now;
    // At most one CLIENT LIST per second, however fast blocks come back.
    if (this.lastCheck !== null && clock() - this.lastCheck < 1000) return;
    this.lastCheck = clock();
    let n: number;
    try {
      n = await this.w.count();
    } catch {
      return; // CLIENT LIST refused (some managed Redis): no check, no false alarm.
    }
    const now = clock();
    if (n > 0) {
      if (this.lastSaid !== null) this.say(`${n} worker${n === 1 ? '' : 's'} connected to ${this.queueName}; continuing`);
      this.since = null;
      this.lastSaid = null;
      return;
    }
    this.since ??= now;
    const waited = now - this.since;
    if (this.w.timeoutMs !== undefined && waited >= this.w.timeoutMs && !this.gaveUp) {
      this.gaveUp = true;
      this.say(`no worker connected to ${this.queueName} for ${Math.round(waited / 1000)} s (--worker-timeout): stopping; queued blocks stay in Redis, continue with --resume once a worker runs`);
      this.w.giveUp();
      return;
    }
    if (waited < NO_WORKER_GRACE_MS) return;
    if (this.lastSaid !== null && now - this.lastSaid < NO_WORKER_REPEAT_MS) return;
    this.lastSaid = now;
    const limit = this.w.timeoutMs !== undefined ? `stopping after ${Math.round(this.w.timeoutMs / 1000)} s without one` : 'waiting (Ctrl-C writes the partial results; --resume continues; --worker-timeout stops on its own)';
    this.say(`no worker connected to ${this.queueName} for ${Math.round(waited / 1000)} s: ${this.w.hint}; ${limit}`);
  }
}

interface PendingBlock {
  tasks: ReplicationTask[];
  settled: Set<number>;
  /** The job as added, to add it again if it vanished. */
  add: BlockAdd;
}

type BlockAdd = { name: string; data: BlockJob; opts: { jobId: string; attempts: number; backoff: { type: 'fixed'; delay: number }; removeOnComplete: false; removeOnFail: false } };

/** The coordinator's executor: a stage becomes blocks of jobs; results come back through the log. */
export class QueueExecutor implements Executor {
  readonly concurrency = 1;
  constructor(private readonly c: QueueExecutorContext) {}

  run(): Promise<TaskResult> {
    return Promise.reject(new Error('the queue runs whole stages (runMany)'));
  }

  async runMany(items: readonly { task: ReplicationTask; payload: ScenarioPayload }[], settle: (task: ReplicationTask, result: TaskResult) => void, signal: AbortSignal | undefined): Promise<void> {
    const c = this.c;
    if (isAborted(signal)) return;
    const size = Math.max(1, Math.floor(c.block ?? Math.min(64, Math.max(1, Math.ceil(items.length / 16)))));
    const pending = new Map<string, PendingBlock>();
    const toAdd: BlockAdd[] = [];
    const alreadyLogged: [string, PendingBlock][] = [];
    for (let i = 0; i < items.length; i += size) {
      const chunk = items.slice(i, i + size);
      const tasks = chunk.map((x) => x.task);
      const id = blockJobId(c.identity, tasks);
      const data: BlockJob = { identity: c.identity, opsimVersion: queueVersion(), nodeMajor: nodeMajor(), seed: tasks[0]!.seed, tasks: chunk.map((x) => ({ variant: x.task.variant, replication: x.task.replication, overrides: x.payload.overrides })) };
      const add: BlockAdd = { name: 'block', data, opts: { jobId: id, attempts: c.attempts, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false } };
      const block: PendingBlock = { tasks, settled: new Set(), add };
      tasks.forEach((t, k) => {
        const prior = c.logged.get(logKey(t.key, t.variant, t.replication));
        if (prior === undefined) return;
        block.settled.add(k);
        settle(t, lineResult(prior));
      });
      if (block.settled.size === tasks.length) {
        alreadyLogged.push([id, block]);
        continue;
      }
      pending.set(id, block);
      toAdd.push(add);
    }
    // Blocks logged before a restart may still have a finished job in Redis (the coordinator
    // was killed between the append and the removal): it is compared with the log, then removed.
    for (const [id, block] of alreadyLogged) if ((await c.queue.getJobState(id)) === 'completed') await this.collect(id, block, settle);
    if (pending.size === 0) return;

    let wake: (() => void) | null = null;
    const kick = (): void => {
      const w = wake;
      wake = null;
      w?.();
    };
    const onEvent = ({ jobId }: { jobId: string }): void => {
      if (pending.has(jobId)) kick();
    };
    c.events.on('completed', onEvent);
    c.events.on('failed', onEvent);
    signal?.addEventListener('abort', kick, { once: true });
    const notice = c.watch !== undefined ? new NoWorkerNotice(c.watch, c.queue.name, c.say) : null;
    try {
      // Existing ids are left as they are (BullMQ ignores a duplicate jobId), so a restarted
      // coordinator adds nothing twice; a block that failed for good before is retried.
      await c.queue.addBulk(toAdd);
      for (const id of pending.keys()) {
        const job = await c.queue.getJob(id);
        if (job !== undefined && (await job.getState()) === 'failed') await job.retry('failed');
      }
      c.say(`queued ${toAdd.length} block${toAdd.length === 1 ? '' : 's'} of up to ${size} replications on ${c.queue.name}`);
      while (pending.size > 0 && !isAborted(signal)) {
        for (const [id, block] of [...pending]) {
          if (await this.collect(id, block, settle)) pending.delete(id);
        }
        if (pending.size === 0 || isAborted(signal)) break;
        await notice?.check();
        if (isAborted(signal)) break;
        // Events wake the loop at once; the timeout covers events missed while disconnected.
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(kick, 2000).unref();
        });
      }
    } finally {
      c.events.off('completed', onEvent);
      c.events.off('failed', onEvent);
      signal?.removeEventListener('abort', kick);
    }
  }

  /** Takes a finished block: appends it to the log, settles its tasks, removes its job. True when done with it. */
  private async collect(id: string, block: PendingBlock, settle: (task: ReplicationTask, result: TaskResult) => void): Promise<boolean> {
    const c = this.c;
    // The state first, then the job: a job read before it finished would have no return value yet.
    const state = await c.queue.getJobState(id);
    const job = state === 'unknown' ? undefined : await c.queue.getJob(id);
    if (job === undefined) {
      // Removed by someone else before its result was logged: add it again.
      c.say(`block ${id} disappeared from the queue; adding it again`);
      await c.queue.add(block.add.name, block.add.data, block.add.opts);
      return false;
    }
    // BullMQ moves a job to 'failed' only once it will not retry it: its attempts are used up,
    // or a worker refused it (UnrecoverableError: an unverifiable job, which no retry can make
    // verifiable, fails at its first attempt). Either way its replications fail for good now.
    if (state === 'failed') {
      const why = job.attemptsMade < c.attempts ? `refused by a worker, not retried` : `failed ${job.attemptsMade} times (a worker died or could not run it)`;
      const error = `block ${id} ${why}: ${job.failedReason}`;
      c.say(`${error} (replications ${block.tasks.map((t) => `${t.variant}:${t.replication}`).join(', ')}, seed ${block.tasks[0]!.seed})`);
      block.tasks.forEach((t, k) => {
        if (block.settled.has(k)) return;
        block.settled.add(k);
        settle(t, { status: 'failed', error });
      });
      return true;
    }
    if (state !== 'completed') return false;
    const result = job.returnvalue;
    if (result === null || result === undefined || !Array.isArray(result.lines) || result.lines.length !== block.tasks.length) {
      throw new Error(`block ${id}: the worker returned ${result?.lines?.length ?? 'no'} results for ${block.tasks.length} replications`);
    }
    const fresh: RecordLine[] = [];
    result.lines.forEach((line, k) => {
      const t = block.tasks[k]!;
      const keyed: RecordLine = { ...line, key: t.key };
      const prior = c.logged.get(logKey(t.key, t.variant, t.replication));
      if (prior !== undefined) {
        // Delivered twice (a resumed coordinator, a retried block): it must be the same bits.
        if (!sameLine(prior, keyed)) {
          const fault = { variant: t.variant, replication: t.replication, seed: t.seed, error: `determinism fault: block ${id} returned different results for this replication on a second delivery` };
          c.faults.push(fault);
          c.say(fault.error + ` (${t.variant}:${t.replication}, seed ${t.seed})`);
        }
        return;
      }
      fresh.push(keyed);
    });
    await appendLines(c.logFile, fresh);
    for (const l of fresh) {
      const k = block.tasks.findIndex((t) => t.variant === lineVariant(l) && t.replication === lineReplication(l));
      c.logged.set(logKey(block.tasks[k]!.key, lineVariant(l), lineReplication(l)), l);
      if (block.settled.has(k)) continue;
      block.settled.add(k);
      settle(block.tasks[k]!, lineResult(l));
    }
    await job.remove().catch(() => undefined);
    return true;
  }
}

function lineVariant(l: RecordLine): string {
  return l.kind === 'record' ? l.variant : l.failure.variant;
}

function lineReplication(l: RecordLine): number {
  return l.kind === 'record' ? l.replication : l.failure.replication;
}

function lineResult(l: RecordLine): TaskResult {
  return l.kind === 'record' ? { status: 'ok', record: decodeRecord(l.record) } : { status: 'failed', error: l.failure.error };
}

function sameLine(a: RecordLine, b: RecordLine): boolean {
  if (a.kind === 'record' && b.kind === 'record') return sameRecord(a.record, b.record);
  if (a.kind === 'failure' && b.kind === 'failure') return a.failure.error === b.failure.error;
  return false;
}
