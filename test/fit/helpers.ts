/** Shared helpers of the fit tests: samples drawn with opsim's own distributions, synthetic exports, the CLI. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { weibull as weibullDist } from '../../src/engine/distributions.js';
import type { Distribution } from '../../src/engine/distributions.js';
import { RandomStreams } from '../../src/engine/random.js';
import type { DurationSample } from '../../src/fit/sample.js';

/**
 * n draws of `d`; each is censored by an independent Uniform(0, L) time, L chosen (by bisection
 * on these draws) so that about `censorFraction` of them are censored.
 */
export function censoredSample(d: Distribution, n: number, censorFraction: number, seed: string): DurationSample {
  const streams = new RandomStreams(seed, 0);
  const rng = streams.stream('durations');
  const crng = streams.stream('censoring');
  const t = Array.from({ length: n }, () => d.sample(rng));
  const u = Array.from({ length: n }, () => crng.next());
  if (censorFraction <= 0) return { times: t, censored: t.map(() => false) };
  const frac = (L: number): number => t.filter((x, i) => u[i]! * L < x).length / n;
  let lo = 0;
  let hi = Math.max(...t) * 1e3;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (frac(mid) > censorFraction) lo = mid;
    else hi = mid;
  }
  const L = hi;
  return { times: t.map((x, i) => Math.min(x, u[i]! * L)), censored: t.map((x, i) => u[i]! * L < x) };
}


export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/src/cli.js');
export const ITSM_FIXTURE = path.join(ROOT, 'test/fixtures/itsm/incident_event_log_prefix.csv.gz');

/** Runs the built CLI; resolves with exit code and output. */
export function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix = 'opsim-fit-'): { dir: string; file(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file: (name, text) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A one-row-per-incident export (Jira-like columns key, created, resolutiondate, priority) of
 * `days` days of incidents: Poisson arrivals at `ratePerHour` by day (08–18 h), a fifth of it
 * at night, Weibull(shape, scale) times to resolve; incidents not resolved by the last arrival
 * have an empty resolutiondate (still open at the export).
 */
export function syntheticExport(days: number, ratePerHour: number, shape: number, scaleSeconds: number, seed: string): string {
  const streams = new RandomStreams(seed, 0);
  const arr = streams.stream('arrivals');
  const res = streams.stream('resolution');
  const d = weibullDist(shape, scaleSeconds);
  const start = Date.UTC(2026, 0, 5); // a Monday
  const end = start + days * 86_400_000;
  const rows: { opened: number; resolved: number; p: string }[] = [];
  let t = start;
  for (;;) {
    t += (-Math.log(1 - arr.next()) / ratePerHour) * 3_600_000;
    if (t >= end) break;
    const h = new Date(t).getUTCHours();
    // Thinning: keep every arrival by day, one in five at night.
    if (!(h >= 8 && h < 18) && arr.next() >= 0.2) continue;
    const opened = Math.floor(t / 60_000) * 60_000;
    rows.push({ opened, resolved: opened + Math.max(60_000, Math.round(d.sample(res) / 60) * 60_000), p: ['P1', 'P2', 'P3', 'P3', 'P4'][Math.floor(res.next() * 5)]! });
  }
  const asOf = rows[rows.length - 1]!.opened;
  const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return ['key,created,resolutiondate,priority', ...rows.map((r, i) => `SD-${i + 1},${iso(r.opened)},${r.resolved <= asOf ? iso(r.resolved) : ''},${r.p}`)].join('\n') + '\n';
}
