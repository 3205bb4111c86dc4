/**
 * `opsim run` under abuse: signals stop a long replication at once also with --workers 1
 * (it runs on a worker thread), an unusable --out is refused before simulating, and a SIGKILL
 * at any moment never leaves a corrupt or half-written results file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../src/results/format.js';
import { CLI, ROOT, cli } from './helpers.js';

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'opsim-cli-hard-'));
const MMC = path.join(ROOT, 'scenarios/mmc-validation.yaml');

// Two variants on one worker: "short" (an hour) finishes first and prints progress; "long"
// (300 simulated days, minutes of CPU) is then running when the signal comes.
const SHORT_AND_LONG = `name: short-and-long
horizon: 1h
load: [{ name: customers, service: station, rate: 9/s }]
services: [{ name: station, servers: 10, serviceTime: { dist: exponential, mean: 1s } }]
experiment:
  replications: 1
  variants:
    list:
      - name: short
      - name: long
        set: { horizon: 300d }
`;

/** Signals a run once its long replication is in progress, and times the exit. */
async function signalled(sig: NodeJS.Signals, workers: string): Promise<{ code: number | null; ms: number; out: string; stderr: string }> {
  const out = tmp();
  const file = path.join(out, 'short-and-long.yaml');
  writeFileSync(file, SHORT_AND_LONG);
  const child = spawn(process.execPath, [CLI, 'run', file, '--workers', workers, '--out', path.join(out, 'results')], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let t0 = 0;
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (t0 === 0 && /opsim: 1\/2 replications/.test(stderr)) {
        t0 = Date.now();
        child.kill(sig);
      }
    });
    child.on('close', (c) => resolve(c));
  });
  return { code, ms: Date.now() - t0, out: path.join(out, 'results'), stderr };
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
      expect(doc.variants.map((v) => [v.name, v.replications])).toEqual([['short', 1], ['long', 0]]);
    }, 120_000);
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

describe('opsim run: a billion replications', () => {
  it('is refused with the arithmetic before any job list is built', async () => {
    const flag = await cli(['run', MMC, '--replications', '1000000000', '--out', tmp()]);
    expect(flag.code).toBe(2); // an option error exits 2, as every option error does
    expect(flag.stderr).toMatch(/--replications must be an integer ≥ 1 and ≤ 100,000/);
    // Within the flag's bound, the plan across variants still is: 11 variants × 100,000.
    const dir = tmp();
    const file = path.join(dir, 'many.yaml');
    const variants = Array.from({ length: 11 }, (_, i) => `      - { name: v${i}, set: { services.station.servers: ${10 + i} } }`).join('\n');
    writeFileSync(file, `${SHORT_AND_LONG.split('experiment:')[0]}experiment:\n  variants:\n    list:\n${variants}\n`);
    const plan = await cli(['run', file, '--replications', '100000', '--out', path.join(dir, 'out')]);
    expect(plan.stderr).toMatch(/the run needs 1100000 replications \(11 variant\(s\) × 100000 replication\(s\)\); at most 1,000,000 per run/);
    expect(plan.code).toBe(2);
  }, 60_000);
});

describe('opsim run: SIGKILL at random moments', () => {
  it('never leaves a corrupt results.json or series.csv: a reader finds the old files or the new ones', async () => {
    const out = tmp();
    const args = [CLI, 'run', MMC, '--horizon', '2h', '--replications', '2', '--workers', '2', '--out', out, '--quiet'];
    const run = (killAfterMs: number | null): Promise<number> =>
      new Promise((resolve) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
        const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.on('close', () => {
          if (timer !== null) clearTimeout(timer);
          resolve(Date.now() - t0);
        });
      });
    // One whole run first: there are files to corrupt, and its duration spreads the kills
    // over start-up, simulation and writing.
    const full = await run(null);
    const check = (): void => {
      const doc = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsDocument;
      expect(doc.format).toMatch(/^opsim-results\//);
      expect(doc.variants[0]!.replications).toBe(2);
      const csv = readFileSync(path.join(out, 'series.csv'), 'utf8');
      expect(csv.startsWith('variant,')).toBe(true);
      expect(csv.endsWith('\n')).toBe(true);
      // A killed writer may leave its temporary dot file behind, never a half-written target.
      for (const name of readdirSync(out)) expect(['results.json', 'series.csv', 'summary.csv', 'report.html', 'charts'].includes(name) || /^\..*\.tmp$/.test(name), name).toBe(true);
    };
    check();
    // Seeded moments (a linear congruential sequence), reproducible, within 1.2 × a whole run.
    let x = 12345;
    for (let i = 0; i < 4; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      await run(Math.round((x / 2 ** 31) * 1.2 * full));
      check();
    }
  }, 180_000);
});
