/**
 * Loopback load test of the HTTP service with autocannon: status polling, run listing and run
 * submission against a real server on 127.0.0.1 with the real worker pool. Passes when every
 * answer is 2xx or 429 (queue full), nothing times out, the server still answers afterwards,
 * and resident memory stays roughly where it was. Bounded: about 20 s in all.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServer, packageRoot } from '../src/server/index.js';
import { printTable, verdict } from './harness.js';

interface CannonResult {
  requests: { total: number; average: number };
  latency: { p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (o: CannonOptions) => Promise<CannonResult>;

const MB = 1024 * 1024;

function rss(): number {
  return process.memoryUsage().rss / MB;
}

/** Runs the load test and records its verdicts. */
export async function benchLoad(): Promise<void> {
  const root = packageRoot();
  const tmp = await mkdtemp(path.join(tmpdir(), 'opsim-load-'));
  const app = buildServer({ reportsDir: path.join(tmp, 'reports'), scenariosDir: path.join(root, 'scenarios'), maxQueued: 4 });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const submission = JSON.stringify({ scenario: 'service-desk-staffing', replications: 1, overrides: { horizon: '2h' } });
    const first = await fetch(`${base}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: submission });
    const { id } = (await first.json()) as { id: string };

    const before = rss();
    const phases: [string, CannonOptions][] = [
      ['GET /api/runs/:id', { url: `${base}/api/runs/${id}`, connections: 20, duration: 5 }],
      ['GET /api/runs', { url: `${base}/api/runs`, connections: 10, duration: 4 }],
      ['POST /api/runs', { url: `${base}/api/runs`, connections: 5, duration: 5, method: 'POST', headers: { 'content-type': 'application/json' }, body: submission }],
      ['GET /api/runs/:id (again)', { url: `${base}/api/runs/${id}`, connections: 20, duration: 4 }],
    ];
    const rows: string[][] = [];
    let bad = 0;
    for (const [label, o] of phases) {
      const r = await autocannon(o);
      const codes = Object.entries(r.statusCodeStats ?? {}).map(([c, s]) => `${c}×${s.count}`).join(' ');
      const unexpected = Object.entries(r.statusCodeStats ?? {}).filter(([c]) => !(c.startsWith('2') || c === '429')).reduce((a, [, s]) => a + s.count, 0);
      bad += unexpected + r.errors + r.timeouts;
      rows.push([label, String(r.requests.total), r.requests.average.toFixed(0), r.latency.average.toFixed(1), String(r.latency.p99), codes, String(r.errors + r.timeouts)]);
    }
    printTable('HTTP load (loopback)', ['phase', 'requests', 'req/s', 'mean ms', 'p99 ms', 'status codes', 'errors'], rows);

    // Let queued runs finish or be cancelled so the memory reading is not mid-run.
    const list = (await (await fetch(`${base}/api/runs`)).json()) as { runs: { id: string; status: string }[] };
    for (const r of list.runs) if (r.status === 'queued' || r.status === 'running') await fetch(`${base}/api/runs/${r.id}`, { method: 'DELETE' });
    const alive = (await fetch(`${base}/api/status`)).status === 200;
    const after = rss();
    console.log(`RSS before ${before.toFixed(0)} MB, after ${after.toFixed(0)} MB`);
    verdict('HTTP load: only 2xx and 429 answers, no errors or timeouts', bad === 0, `${bad} unexpected`);
    verdict('HTTP load: server alive afterwards', alive, alive ? 'GET /api/status 200' : 'no answer');
    verdict('HTTP load: RSS growth under 150 MB', after - before < 150, `${before.toFixed(0)} → ${after.toFixed(0)} MB`);
  } finally {
    await app.close();
    await rm(tmp, { recursive: true, force: true });
  }
}
