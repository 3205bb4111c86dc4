/**
 * `opsim serve`: the HTTP API and dashboard. Binds to loopback unless OPSIM_TOKEN is set, in
 * which case every API request must carry that bearer token.
 */
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildServer, isLoopback, type ServerOptions } from '../server/index.js';
import { queueExecutor } from '../server/run-host.js';

/** Options shared by `serve` and `main`. */
export interface ListenOptions {
  host: string;
  port: number;
  /** Try a free port when the requested one is taken (main job only). */
  fallbackPort?: boolean;
}

/** Parses a TCP port. */
export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer 0–65535, got ${JSON.stringify(v)}`);
  return n;
}

/** Refuses non-loopback hosts without a token: an open simulator would run anyone's jobs. */
export function checkBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && (token === undefined || token === '')) {
    throw new Error(`refusing to listen on ${host} without a token: set OPSIM_TOKEN (clients then send "Authorization: Bearer <token>") or use --host 127.0.0.1`);
  }
}

/** Listens and returns the base URL. */
export async function listen(app: FastifyInstance, o: ListenOptions): Promise<string> {
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    if (!o.fallbackPort || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    process.stderr.write(`port ${o.port} is in use; using a free port instead\n`);
    await app.listen({ host: o.host, port: 0 });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return `http://${host}:${port}/`;
}

/** Closes the server on SIGINT/SIGTERM (running runs are cancelled, partial results kept). */
export function closeOnSignals(app: FastifyInstance, onClosed: () => void = () => {}): void {
  let closing = false;
  const stop = (sig: NodeJS.Signals): void => {
    if (closing) {
      // A second Ctrl-C means "now".
      process.exit(130);
    }
    closing = true;
    process.stderr.write(`\n${sig}: stopping (cancelling runs in flight)…\n`);
    void app.close().then(onClosed, (err: unknown) => {
      process.stderr.write(`opsim: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

interface ServeFlags {
  host: string;
  port: number;
  reports: string;
  scenarios: string;
  workers?: string;
  maxQueued?: string;
  queue?: string;
}

/** Registers `opsim serve`. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and the dashboard (loopback only unless OPSIM_TOKEN is set)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port', parsePort, 8080)
    .option('--reports <dir>', 'where runs are kept (reports/runs/<id>/)', 'reports')
    .option('--scenarios <dir>', 'the only folder named scenarios are read from', 'scenarios')
    .option('--workers <n>', 'worker threads shared by all runs (default min(2, cores))')
    .option('--max-queued <n>', 'runs waiting before new submissions get 429', '4')
    .option('--queue <url>', 'dispatch runs to a BullMQ queue in Redis (redis://HOST:PORT) for "opsim worker" processes')
    .action(async (flags: ServeFlags) => {
      const token = process.env.OPSIM_TOKEN;
      checkBind(flags.host, token);
      const options: ServerOptions = {
        reportsDir: path.resolve(flags.reports),
        scenariosDir: path.resolve(flags.scenarios),
        maxQueued: Number(flags.maxQueued ?? 4),
        ...(token ? { token } : {}),
        hosts: isLoopback(flags.host) ? 'loopback' : 'any',
        ...(flags.workers !== undefined ? { workers: Number(flags.workers) } : {}),
        ...(flags.queue !== undefined ? { executor: queueExecutor(flags.queue) } : {}),
      };
      const app = buildServer(options);
      const url = await listen(app, { host: flags.host, port: flags.port });
      process.stdout.write(`opsim dashboard: ${url}\n`);
      closeOnSignals(app);
    });
}
