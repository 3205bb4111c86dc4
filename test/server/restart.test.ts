/**
 * Durability: a server killed with SIGKILL in the middle of a run resumes it when it starts
 * again, taking the replications that had finished from reports/records/ (not simulating them
 * again) and producing the same results.json as an uninterrupted run. Real `opsim serve`
 * processes, real workers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');

const SCENARIO = `name: desk
horizon: 1d
load: [{ name: customers, service: station, rate: 9/s }]
services: [{ name: station, servers: 10, serviceTime: { dist: exponential, mean: 1s } }]
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--workers', '1', '--reports', path.join(dir, 'reports'), '--scenarios', path.join(dir, 'scenarios')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /opsim dashboard: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { child, url };
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  return (await r.json()) as T;
}

interface Run {
  id: string;
  status: string;
  progress: { done: number; total: number };
}

async function until<T>(f: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const records = (dir: string): Map<string, number> => {
  const d = path.join(dir, 'reports', 'records');
  return new Map(readdirSync(d).filter((f) => f.endsWith('.rec')).map((f) => [f, statSync(path.join(d, f)).ino]));
};

describe('a server killed mid-run', () => {
  it('resumes the run on restart, reusing finished replications, with the same results', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-restart-'));
    mkdirSync(path.join(dir, 'scenarios'));
    writeFileSync(path.join(dir, 'scenarios', 'desk.yaml'), SCENARIO);
    try {
      let server = await serve(dir);
      const { id } = await json<{ id: string }>(`${server.url}api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'desk', replications: 8 }) });
      await until(async () => {
        const r = await json<Run>(`${server.url}api/runs/${id}`);
        return r.progress.done >= 2 && r.progress.done < 8 ? r : undefined;
      }, 120_000);
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));
      const before = records(dir);
      expect(before.size).toBeGreaterThanOrEqual(2);
      expect(before.size).toBeLessThan(8);

      server = await serve(dir);
      const final = await until(async () => {
        const r = await json<Run>(`${server.url}api/runs/${id}`);
        return ['done', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
      }, 180_000);
      expect(final.status).toBe('done');
      const after = records(dir);
      expect(after.size).toBe(8);
      // The records from before the kill were read, not simulated and written again.
      for (const [f, ino] of before) expect(after.get(f), f).toBe(ino);
      const resumed = readFileSync(path.join(dir, 'reports', 'runs', id, 'results.json'), 'utf8');

      // The same request again: every replication from the cache, identical bytes.
      const { id: again } = await json<{ id: string }>(`${server.url}api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'desk', replications: 8 }) });
      await until(async () => ((await json<Run>(`${server.url}api/runs/${again}`)).status === 'done' ? true : undefined), 60_000);
      expect(readFileSync(path.join(dir, 'reports', 'runs', again, 'results.json'), 'utf8')).toBe(resumed);
      expect(records(dir)).toEqual(after);

      // And an uninterrupted run without any cache gives the same bytes.
      const fresh = path.join(dir, 'fresh');
      await new Promise<void>((resolve) => {
        const c = spawn(process.execPath, [CLI, 'run', path.join(dir, 'scenarios', 'desk.yaml'), '--replications', '8', '--out', fresh, '--quiet', '--no-report'], { cwd: dir, stdio: 'ignore' });
        c.on('close', () => resolve());
      });
      const a = JSON.parse(resumed) as { variants: unknown; scenario: { hash: string } };
      const b = JSON.parse(readFileSync(path.join(fresh, 'results.json'), 'utf8')) as { variants: unknown; scenario: { hash: string } };
      expect(a.scenario.hash).toBe(b.scenario.hash);
      expect(a.variants).toEqual(b.variants);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});

describe('opsim serve and signals', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig} cancels a run whose replication would take minutes and exits promptly`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'opsim-serve-sig-'));
      mkdirSync(path.join(dir, 'scenarios'));
      writeFileSync(path.join(dir, 'scenarios', 'long.yaml'), SCENARIO.replace('horizon: 1d', 'horizon: 300d'));
      try {
        const server = await serve(dir);
        const { id } = await json<{ id: string }>(`${server.url}api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'long', replications: 1 }) });
        await until(async () => ((await json<Run>(`${server.url}api/runs/${id}`)).status === 'running' ? true : undefined), 30_000);
        await new Promise((r) => setTimeout(r, 1_000));
        const t0 = Date.now();
        const exited = new Promise<number | null>((resolve) => server.child.once('exit', (c) => resolve(c)));
        server.child.kill(sig);
        await exited;
        expect(Date.now() - t0).toBeLessThan(10_000);
        const run = JSON.parse(readFileSync(path.join(dir, 'reports', 'runs', id, 'run.json'), 'utf8')) as Run;
        expect(run.status).toBe('cancelled');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
