/**
 * Every command that prints keeps its own exit code, and its files, when the reader of its
 * stdout has gone (`opsim validate … | head -1` in CI with pipefail). Each test runs the built
 * `opsim` bin with stdout a pipe whose reading end is closed before the command writes
 * anything, so every write it makes meets EPIPE (closing after a first chunk instead would
 * race the command's last write into the pipe's buffer). Without src/cli/finish.ts
 * ignoreClosedOutput, Node ends the process at the first such write with a stack trace
 * ("Error: write EPIPE … Node.js v20") and exit code 1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'opsim.cjs');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'opsim-closed-stdout-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `opsim ARGS` with its stdout's reader closed at once; `whileRunning` is called with the child once it has started. */
function withClosedStdout(args: string[], whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', OPSIM_DEBUG: '' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    whileRunning?.(child);
  });
}

/** What a crash on the closed pipe prints: none of it may appear. */
const CRASH = /EPIPE|Node\.js v\d|^\s+at /m;

function expectClean(r: Ended, code: number): void {
  expect(r.stderr).not.toMatch(CRASH);
  expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
}

/** A results document written whole (atomically: no temporary file left beside it). */
function expectWhole(file: string): void {
  expect(() => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown).not.toThrow();
  expect(fs.readdirSync(path.dirname(file)).filter((f) => f.includes('.tmp'))).toEqual([]);
}

describe('a closed stdout', () => {
  it('help and version exit 0, silently', async () => {
    for (const args of [['--help'], ['validate', '--help'], ['--version'], ['help', 'run']]) {
      const r = await withClosedStdout(args);
      expectClean(r, 0);
      expect(r.stderr).toBe('');
    }
  });

  it('validate keeps its exit code: 0 for valid scenarios, 2 for problems (printed on stderr)', async () => {
    const scenarios = fs.readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => path.join('scenarios', f));
    const good = await withClosedStdout(['validate', ...scenarios]);
    expectClean(good, 0);
    expect(good.stderr).toBe('');
    const bad = await withClosedStdout(['validate', 'scenarios/mmc-validation.yaml', 'test/fixtures/bad/ambiguous-units.yaml']);
    expectClean(bad, 2);
    expect(bad.stderr).toContain('ambiguous-units.yaml:');
  });

  it('schema exits 0', async () => {
    const r = await withClosedStdout(['schema']);
    expectClean(r, 0);
    expect(r.stderr).toBe('');
  });

  it('run --json, run --shard, merge and compare write their files whole and keep their codes', async () => {
    const out = path.join(TMP, 'run');
    const common = ['scenarios/mmc-validation.yaml', '--horizon', '2h', '-r', '2', '-w', '0', '--quiet', '--no-report'];
    const run = await withClosedStdout(['run', ...common, '--json', '-o', out]);
    expectClean(run, 0);
    expect(run.stderr).toBe('');
    expectWhole(path.join(out, 'results.json'));

    // One replication and no --workers: run in the main thread, ended by endProcess (src/cli/finish.ts).
    const one = await withClosedStdout(['run', 'scenarios/mmc-validation.yaml', '--horizon', '2h', '-r', '1', '--quiet', '--no-report', '--json', '-o', path.join(TMP, 'one')]);
    expectClean(one, 0);
    expect(one.stderr).toBe('');
    expectWhole(path.join(TMP, 'one', 'results.json'));

    for (const shard of ['1/2', '2/2']) {
      expectClean(await withClosedStdout(['run', ...common, '--shard', shard, '-o', path.join(TMP, `part-${shard[0]}`)]), 0);
    }
    const merged = path.join(TMP, 'merged');
    const merge = await withClosedStdout(['merge', path.join(TMP, 'part-1'), path.join(TMP, 'part-2'), '--out', merged, '--no-report']);
    expectClean(merge, 0);
    expectWhole(path.join(merged, 'results.json'));
    // The same experiment, joined from shards: byte-identical to the one run.
    expect(fs.readFileSync(path.join(merged, 'results.json'), 'utf8')).toBe(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));

    const same = await withClosedStdout(['compare', path.join(out, 'results.json'), path.join(merged, 'results.json')]);
    expectClean(same, 0);
    const missing = await withClosedStdout(['compare', path.join(out, 'results.json'), path.join(TMP, 'nowhere.json')]);
    expectClean(missing, 3);
  }, 120_000);

  it('fit incidents writes its fragment, flow and report, exit 0', async () => {
    const out = path.join(TMP, 'fit');
    const r = await withClosedStdout(['fit', 'incidents', 'test/fixtures/itsm/incident_event_log_prefix.csv.gz', '--quiet', '-o', out]);
    expectClean(r, 0);
    expect(r.stderr).toBe('');
    expect(fs.readdirSync(out).sort()).toEqual(['fit-report.html', 'fitted-incident-flow.yaml', 'fitted-incidents.yaml']);
    expect(fs.readFileSync(path.join(out, 'fitted-incidents.yaml'), 'utf8').length).toBeGreaterThan(100);
  }, 60_000);

  it('search writes search.json whole, exit 0', async () => {
    const out = path.join(TMP, 'search');
    const r = await withClosedStdout(['search', 'test/search/fixtures/service-desk-search.yaml', '--quiet', '-o', out]);
    expectClean(r, 0);
    expect(r.stderr).toBe('');
    expectWhole(path.join(out, 'search.json'));
  }, 120_000);

  it('serve keeps serving without a reader of its start line, and stops on SIGTERM', async () => {
    const port = await freePort();
    let answered = 0;
    const r = await withClosedStdout(['serve', '--port', String(port), '--reports', path.join(TMP, 'serve'), '--workers', '1'], (child) => {
      void (async () => {
        for (let i = 0; i < 300 && answered === 0; i++) {
          await new Promise((ok) => setTimeout(ok, 100));
          answered = await fetch(`http://127.0.0.1:${port}/`).then((res) => res.status, () => 0);
        }
        // Asked again after the start line met the closed pipe: the server is still there.
        answered = await fetch(`http://127.0.0.1:${port}/`).then((res) => res.status, () => 0);
        child.kill('SIGTERM');
      })();
    });
    expect(answered).toBe(200);
    expectClean(r, 0);
    expect(r.stderr.trim()).toBe('SIGTERM: stopping (cancelling runs in flight)…');
  }, 60_000);
});

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}
