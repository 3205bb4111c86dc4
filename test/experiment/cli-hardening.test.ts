/**
 * `opsim run` under abuse: signals stop a long replication at once also with --workers 1
 * (it runs on a worker thread), an unusable --out is refused before simulating, and a SIGKILL
 * at any moment never leaves a corrupt or half-written results file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../src/results/format.js';
import { CLI, ROOT, cli } from './helpers.js';

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'opsim-cli-hard-'));
const MMC = path.join(ROOT, 'scenarios/mmc-validation.yaml');

/** Starts a replication that would take minutes, signals it once it runs, and times the exit. */
async function signalled(sig: NodeJS.Signals, workers: string): Promise<{ code: number | null; ms: number; out: string; stderr: string }> {
  const out = tmp();
  const child = spawn(process.execPath, [CLI, 'run', MMC, '--horizon', '300d', '--workers', workers, '--out', out], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  // Long enough for the worker to be deep inside the 300-day replication.
  await new Promise((r) => setTimeout(r, 2500));
  const t0 = Date.now();
  child.kill(sig);
  const code = await closed;
  return { code, ms: Date.now() - t0, out, stderr };
}

describe('opsim run: signals', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig} with --workers 1 stops a long replication at once and writes partial results`, async () => {
      const r = await signalled(sig, '1');
      expect(r.stderr).toContain(`opsim: ${sig}: stopping`);
      expect(r.code).toBe(130);
      expect(r.ms).toBeLessThan(10_000);
      const doc = JSON.parse(readFileSync(path.join(r.out, 'results.json'), 'utf8')) as ResultsDocument;
      expect(doc.interrupted).toBe(true);
      expect(doc.complete).toBe(false);
    }, 60_000);
  }
});

describe('opsim run: the output folder is checked before simulating', () => {
  it('refuses /proc, a file in the way, and says so at once', async () => {
    const r1 = await cli(['run', MMC, '--out', '/proc/self/opsim']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--out \/proc\/self\/opsim: \/proc is not a place for result files/);
    const dir = tmp();
    const file = path.join(dir, 'taken');
    writeFileSync(file, 'x');
    const r2 = await cli(['run', MMC, '--out', file]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/not a folder/);
    expect(r2.stdout).toBe('');
    const r3 = await cli(['run', MMC, '--out', path.join(file, 'below')]);
    expect(r3.code).toBe(2);
  }, 60_000);
});

describe('opsim run: SIGKILL at random moments', () => {
  it('never leaves a corrupt results.json or series.csv', async () => {
    // Seeded moments (a linear congruential sequence): reproducible, spread over start-up,
    // simulation and writing.
    let x = 12345;
    const moments = Array.from({ length: 6 }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31), 150 + (x % 2500)));
    const out = tmp();
    let seen = 0;
    for (const ms of moments) {
      const child = spawn(process.execPath, [CLI, 'run', MMC, '--horizon', '2h', '--replications', '4', '--workers', '2', '--out', out, '--quiet'], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await closed;
      clearTimeout(timer);
      // Either no file yet, or a whole one: results.json parses and says what it holds.
      const f = path.join(out, 'results.json');
      if (existsSync(f)) {
        const doc = JSON.parse(readFileSync(f, 'utf8')) as ResultsDocument;
        expect(doc.format).toMatch(/^opsim-results\//);
        seen++;
        expect(readFileSync(path.join(out, 'series.csv'), 'utf8').endsWith('\n')).toBe(true);
      }
      // A killed writer may leave its temporary dot file behind, never a half-written target.
      for (const name of readdirSync(out)) expect(name === 'results.json' || name === 'series.csv' || name === 'report.html' || name === 'charts' || name.endsWith('.tmp')).toBe(true);
    }
    // Not vacuous: some kills came after a run had written its results.
    expect(seen).toBeGreaterThan(0);
  }, 120_000);
});
