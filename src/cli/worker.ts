/**
 * `opsim worker --queue redis://HOST:PORT [--threads N]`: runs replications for queue
 * coordinators (`opsim run FILE --queue …`) on this machine until SIGINT/SIGTERM, which
 * finish the blocks in hand before stopping. See docs/distributed.md.
 */
import type { Command } from 'commander';

interface WorkerFlags {
  queue: string;
  threads?: number;
  lock?: number;
}

function positive(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer ≥ 1, got ${JSON.stringify(v)}`);
    return n;
  };
}

/** Registers `opsim worker`. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('Run queued replications for "opsim run --queue" coordinators, on this machine\'s worker threads')
    .requiredOption('--queue <url>', 'the Redis of the queue, redis://HOST:PORT')
    .option('-t, --threads <n>', 'worker threads (default min(2, cores))', positive('--threads'))
    .option('--lock <ms>', 'job lock: a block held by a worker that died goes to another after about this long', positive('--lock'), 30_000)
    .action(async (flags: WorkerFlags) => {
      const { startWorker } = await import('../distributed/worker.js');
      const worker = await startWorker({ url: flags.queue, ...(flags.threads !== undefined ? { threads: flags.threads } : {}), ...(flags.lock !== undefined ? { lockMs: flags.lock } : {}) });
      await new Promise<void>((resolve) => {
        const stop = (sig: NodeJS.Signals): void => {
          process.stderr.write(`opsim worker: ${sig}: finishing the blocks in hand\n`);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.close();
    });
}
