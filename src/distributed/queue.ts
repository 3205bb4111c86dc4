/**
 * What the queue coordinator and its workers share: the queue's name, the job's data, the
 * Redis connection settings and where the experiment's spec is stored.
 *
 * One queue per opsim version and Node major (`opsim-<version>-node<major>`): a worker only
 * ever takes jobs built by its own versions, and leaves any other job for a matching worker,
 * without taking it, failing it or delaying it. Jobs also carry the versions and the
 * experiment's identity, which the worker checks again before running anything.
 */
import { byName } from '../results/key-metrics.js';
import { Redis } from 'ioredis';
import { OPSIM_VERSION } from '../version.js';
import { nodeMajor } from './identity.js';
import type { RecordLine } from './record.js';

/** One replication of a block: which variant, which replication, with which full override set. */
export interface BlockTask {
  variant: string;
  replication: number;
  /** The variant's overrides (global + its own), plus `warmup` when a warm-up pilot set it. */
  overrides: Record<string, unknown>;
}

/** A queue job: a block of replications of one experiment. */
export interface BlockJob {
  identity: string;
  opsimVersion: string;
  nodeMajor: string;
  seed: string;
  tasks: BlockTask[];
}

/** What a worker returns for a block: one line per replication, in the block's order. */
export interface BlockResult {
  lines: RecordLine[];
}

/**
 * The opsim version this process announces on the queue. OPSIM_QUEUE_VERSION overrides it
 * so tests and drills can start a mismatched worker; it is never set in production.
 */
export function queueVersion(): string {
  const v = process.env.OPSIM_QUEUE_VERSION;
  return v !== undefined && v !== '' ? v : OPSIM_VERSION;
}

/** The queue of jobs this process may run or add: one per opsim version and Node major. */
export function queueName(version = queueVersion(), major = nodeMajor()): string {
  return `opsim-${version.replace(/[^A-Za-z0-9.-]/g, '_')}-node${major}`;
}

/** Redis key of an experiment's spec (stored once by the coordinator, read by every worker). */
export function specKey(identity: string): string {
  return `opsim:experiment:${identity}`;
}

/** How long an experiment's spec stays in Redis after its coordinator last stored it. */
export const SPEC_TTL_SECONDS = 14 * 24 * 3600;

/** Checks a queue URL; only redis:// and rediss:// are accepted. */
export function checkQueueUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue ${JSON.stringify(url)}: expected redis://HOST:PORT (or rediss:// for TLS)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--queue ${JSON.stringify(url)}: expected redis://HOST:PORT (or rediss:// for TLS)`);
  return url;
}

/**
 * BullMQ's connection options for a queue URL. `maxRetriesPerRequest: null` as BullMQ's
 * production guide requires for workers: a Redis restart makes commands wait, not throw.
 */
export function connectionOptions(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url: checkQueueUrl(url), maxRetriesPerRequest: null };
}

/** A plain Redis client for opsim's own keys (the spec), closed by the caller. */
export function redisClient(url: string): Redis {
  const client = new Redis(checkQueueUrl(url), { maxRetriesPerRequest: null, lazyConnect: false });
  // Connection errors are retried by ioredis and surface as a command that waits (see
  // checkReachable); without a listener each retry would print "Unhandled error event".
  client.on('error', (err: Error) => lastErrors.set(client, err.message));
  return client;
}

const lastErrors = new WeakMap<Redis, string>();

/**
 * Waits until Redis answers, or throws a sentence after `timeoutMs`: with
 * maxRetriesPerRequest null a wrong URL would otherwise wait forever in silence.
 */
export async function checkReachable(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const last = lastErrors.get(redis);
      reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs / 1000} s${last !== undefined ? ` (${last})` : ''}: is redis-server running there, and the password right?`));
    }, timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A queue URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Waiting jobs on other versions' opsim queues, e.g. for a worker's "left for a matching worker" note. */
export async function otherQueuesWaiting(redis: Redis, own: string): Promise<{ queue: string; waiting: number }[]> {
  const out: { queue: string; waiting: number }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'bull:opsim-*:wait', 'COUNT', 200);
    cursor = next;
    for (const k of keys) {
      const name = k.slice('bull:'.length, -':wait'.length);
      if (name === own) continue;
      const n = await redis.llen(k);
      if (n > 0) out.push({ queue: name, waiting: n });
    }
  } while (cursor !== '0');
  // Code-unit order, not the locale's (localeCompare): the same listing on every machine.
  return out.sort((a, b) => byName(a.queue, b.queue));
}

/** A client that has answered within the time limit; disconnected again when it has not. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = redisClient(url);
  try {
    await checkReachable(redis, url);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}
