/**
 * Helpers for the distributed tests: a private redis-server per test file (random loopback
 * port, no persistence, nothing written outside a temp folder), CLI processes, hashes.
 * A missing redis-server is a failure, not a skip (.ci/run installs it from Debian).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, ROOT } from '../experiment/helpers.js';

export { CLI, ROOT, FIXTURE, cli } from '../experiment/helpers.js';

/** A temporary folder. */
export const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'opsim-dist-'));

/** SHA-256 of a file (hex). */
export const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running redis-server; stop() ends it. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server on a random loopback port with no persistence; resolves when it accepts connections. */
export async function startRedis(): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error('redis-server is not installed: apt-get install -y redis-server (.ci/run does this) before the distributed tests');
  }
  const port = await freePort();
  const dir = tmp();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A CLI process whose output can be awaited line by line. */
export interface Proc {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches, rejects if the process exits first. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts the built CLI. */
export function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) if (w.re.test(err) || w.re.test(out)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), check()));
  child.stderr.on('data', (d: Buffer) => ((err += d.toString()), check()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stderr:\n${err}\nstdout:\n${out}`)), timeoutMs);
        void exited.then((c) => {
          clearTimeout(timer);
          if (!re.test(err) && !re.test(out)) reject(new Error(`process exited (${c}) before ${re}; stderr:\n${err}`));
        });
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      });
    },
  };
}

/** Stops a process (SIGTERM unless told otherwise) and waits for it. */
export async function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}
