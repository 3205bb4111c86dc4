/**
 * Output that cannot be written (stdout or stderr on a full disk, Linux's /dev/full) is a
 * failure the exit code says: one line on stderr (when stderr works), no stack trace, exit 1
 * instead of 0 (`opsim compare`: 5, "opsim failed", instead of a verdict, 0 or 1), a code that
 * says the command failed otherwise kept, and results files still written whole. Before
 * src/cli/finish.ts outputFailed, `opsim run … > /dev/full` exited 0 with its summary lost and
 * `opsim compare … > /dev/full` exited 1 ("regression") with an ENOSPC stack trace. A closed
 * reader (EPIPE) is not a failure: test/cli/closed-stdout.test.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'opsim.cjs');
const FULL = '/dev/full';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'opsim-full-output-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `opsim ARGS` with stdout (or stderr) on /dev/full, the other a pipe. */
function onFull(which: 'stdout' | 'stderr', args: string[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const full = fs.openSync(FULL, 'w');
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', which === 'stdout' ? full : 'pipe', which === 'stderr' ? full : 'pipe'], env: { ...process.env, CI: 'true', OPSIM_DEBUG: '' } });
    fs.closeSync(full);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const SAID = /^opsim: could not write to stdout \(ENOSPC: no space left on device, write\): the output is incomplete$/m;
const CRASH = /Node\.js v\d|^\s+at /m;

/** stdout on /dev/full: the one line on stderr, no stack trace, the code asked for. */
function expectFailed(r: Ended, code: number): void {
  expect(r.stderr).not.toMatch(CRASH);
  expect(r.stderr.match(new RegExp(SAID.source, 'gm'))).toHaveLength(1);
  expect(r.code).toBe(code);
}

/** A results document written whole (atomically: no temporary file left beside it). */
function expectWhole(file: string): void {
  expect(() => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown).not.toThrow();
  expect(fs.readdirSync(path.dirname(file)).filter((f) => f.includes('.tmp'))).toEqual([]);
}

const MMC = ['scenarios/mmc-validation.yaml', '--horizon', '2h', '--quiet', '--no-report'];

describe.skipIf(!fs.existsSync(FULL))('stdout or stderr on a full disk (/dev/full)', () => {
  it('validate, schema and help exit 1, saying so in one line', async () => {
    expectFailed(await onFull('stdout', ['validate', 'scenarios/mmc-validation.yaml']), 1);
    expectFailed(await onFull('stdout', ['schema']), 1);
    expectFailed(await onFull('stdout', ['--help']), 1);
    // A scenario error keeps its own code (2): it is printed on stderr, which works.
    const bad = await onFull('stdout', ['validate', 'test/fixtures/bad/ambiguous-units.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ambiguous-units.yaml:');
  });

  it('run (summary or --json, in the main thread or on workers) and merge exit 1 with results.json written whole', async () => {
    // One replication, no --workers: run in the main thread and ended by endProcess.
    for (const json of [false, true]) {
      const out = path.join(TMP, `one-${json}`);
      expectFailed(await onFull('stdout', ['run', ...MMC, '-r', '1', '-o', out, ...(json ? ['--json'] : [])]), 1);
      expectWhole(path.join(out, 'results.json'));
    }
    const out = path.join(TMP, 'two');
    expectFailed(await onFull('stdout', ['run', ...MMC, '-r', '2', '-w', '1', '-o', out]), 1);
    expectWhole(path.join(out, 'results.json'));
    for (const shard of ['1/2', '2/2']) expect((await onFull('stdout', ['run', ...MMC, '-r', '2', '-w', '0', '--shard', shard, '-o', path.join(TMP, `part-${shard[0]}`)])).code).toBe(1);
    const merged = path.join(TMP, 'merged');
    expectFailed(await onFull('stdout', ['merge', path.join(TMP, 'part-1'), path.join(TMP, 'part-2'), '--out', merged, '--no-report']), 1);
    expectWhole(path.join(merged, 'results.json'));
  }, 120_000);

  it('run with stderr on /dev/full (progress, warnings) exits 1; its summary is printed whole', async () => {
    const r = await onFull('stderr', ['run', 'scenarios/mmc-validation.yaml', '--horizon', '2h', '--no-report', '-r', '2', '-w', '0', '-o', path.join(TMP, 'err')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/results: .*results\.json\n/);
    expectWhole(path.join(TMP, 'err', 'results.json'));
  }, 60_000);

  it('compare exits 5 (opsim failed), never a verdict: not 0, not 1 (regression); a refusal keeps its code', async () => {
    const out = path.join(TMP, 'base');
    expect((await onFull('stdout', ['run', ...MMC, '-r', '2', '-w', '0', '-o', out])).code).toBe(1);
    const base = path.join(out, 'results.json');
    // The same run made three times slower plus 5 s in a lower-is-better metric: a regression (exit 1 when printed).
    const doc = JSON.parse(fs.readFileSync(base, 'utf8')) as { variants: { metrics: Record<string, Record<string, unknown>>; perReplication: { metrics: Record<string, (number | null)[]> } }[] };
    const metric = 'service.station.response_time.mean';
    const worse = (x: unknown): unknown => (typeof x === 'number' ? x * 3 + 5 : Array.isArray(x) ? x.map(worse) : x);
    for (const v of doc.variants) {
      const s = v.metrics[metric]!;
      for (const k of ['mean', 'min', 'max', 'p05', 'p50', 'p95', 'ci95']) s[k] = worse(s[k]);
      s.sd = (s.sd as number) * 3;
      v.perReplication.metrics[metric] = worse(v.perReplication.metrics[metric]) as number[];
    }
    const slower = path.join(TMP, 'slower.json');
    fs.writeFileSync(slower, JSON.stringify(doc));
    expect((await onFull('stderr', ['compare', base, slower])).code).toBe(1);
    expect((await onFull('stderr', ['compare', base, base])).code).toBe(0);

    expectFailed(await onFull('stdout', ['compare', base, slower]), 5);
    expectFailed(await onFull('stdout', ['compare', base, base]), 5);
    expectFailed(await onFull('stdout', ['compare', base, base, '--json']), 5);
    // A refusal (unusable input, 3) is printed on stderr: on /dev/full it is lost, its code stays.
    expect((await onFull('stderr', ['compare', base, path.join(TMP, 'nowhere.json')])).code).toBe(3);
  }, 120_000);

  it('fit and search exit 1 with their files written', async () => {
    const fit = path.join(TMP, 'fit');
    expectFailed(await onFull('stdout', ['fit', 'incidents', 'test/fixtures/itsm/incident_event_log_prefix.csv.gz', '--quiet', '-o', fit]), 1);
    expect(fs.readdirSync(fit).sort()).toEqual(['fit-report.html', 'fitted-incident-flow.yaml', 'fitted-incidents.yaml']);
    const search = path.join(TMP, 'search');
    expectFailed(await onFull('stdout', ['search', 'test/search/fixtures/service-desk-search.yaml', '--quiet', '-o', search]), 1);
    expectWhole(path.join(search, 'search.json'));
  }, 120_000);
});
