/**
 * Helpers for the distributed tests: a private redis-server per test file (random loopback
 * port, no persistence, nothing written outside a temp folder), CLI processes, hashes.
 * A missing redis-server is a failure, not a skip (.ci/run installs it from Debian).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalRedis, type LocalRedis } from '../../src/distributed/local-redis.js';
import { CLI, ROOT } from '../experiment/helpers.js';

export { CLI, ROOT, FIXTURE, cli } from '../experiment/helpers.js';

/** A temporary folder. */
export const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'opsim-dist-'));

/** SHA-256 of a file (hex). */
export const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A private redis-server (random loopback port, no persistence). */
export const startRedis = startLocalRedis;
export type TestRedis = LocalRedis;

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
    waitFor(re, timeoutMs = 90_000) {
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

/** CLI processes a test file starts; killAll() (in afterAll) SIGKILLs whatever still runs. */
export function processes(): { spawn(args: string[], env?: Record<string, string>): Proc; killAll(): Promise<void> } {
  const procs: Proc[] = [];
  return {
    spawn(args, env = {}) {
      const p = start(args, env);
      procs.push(p);
      return p;
    },
    killAll: async () => void (await Promise.all(procs.map((p) => stop(p, 'SIGKILL')))),
  };
}
