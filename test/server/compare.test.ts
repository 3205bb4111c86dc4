/**
 * GET /api/compare answers what `opsim compare --json` prints for the same two runs (every
 * shared variant, a verdict per metric), refuses what compare refuses with a 4xx and its words
 * (never a crash, never a server path), and GET /api/runs/:id/decision gives report.html's
 * decision order: results.json's own, or the same rule's for a document written before it.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../src/results/format.js';
import { buildServer } from '../../src/server/index.js';
import { cli } from '../experiment/helpers.js';
import { deskRun } from './desk-runs.js';
import { fakeExecutor, tempProject } from './helpers.js';

const BASE = '20261201-010000-aaaaaa';
/** The same question with 10 % more calls: the waits grow, in every variant. */
const BUSIER = '20261201-010500-bbbbbb';
/** BASE's results as another scenario's. */
const OTHER = '20261201-011000-cccccc';
/** BASE's results.json damaged on disk, then one that is JSON but no results document. */
const BROKEN = '20261201-011500-dddddd';
const FOREIGN = '20261201-012000-eeeeee';
/** BASE's results as written before results.json carried its decision order. */
const OLDER = '20261201-012500-ffffff';
/** A run still queued: no results. */
const QUEUED = '20261201-013000-abcdef';

let p: Awaited<ReturnType<typeof tempProject>>;
let app: FastifyInstance;
const file = (id: string): string => path.join(p.reports, 'runs', id, 'results.json');

async function copyRun(from: string, to: string, edit: (doc: ResultsDocument) => unknown): Promise<void> {
  const dir = path.join(p.reports, 'runs', to);
  await cp(path.join(p.reports, 'runs', from), dir, { recursive: true });
  const text = await readFile(file(from), 'utf8');
  const doc = edit(JSON.parse(text) as ResultsDocument);
  await writeFile(file(to), typeof doc === 'string' ? doc : JSON.stringify(doc));
  const record = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...record, id: to }));
}

beforeAll(async () => {
  p = await tempProject();
  await Promise.all([deskRun(p.reports, BASE, 4), deskRun(p.reports, BUSIER, 4, ['--set', 'requests.calls.rate=110/30m'])]);
  await copyRun(BASE, OTHER, (d) => ({ ...d, scenario: { ...d.scenario, name: 'service-desk-elsewhere' } }));
  await copyRun(BASE, BROKEN, () => '{"format": "opsim-results/1", "variants": [');
  await copyRun(BASE, FOREIGN, () => ({ format: 'opsim-results/1', variants: 'none' }));
  await copyRun(BASE, OLDER, (d) => {
    delete d.decisionOrder;
    return d;
  });
  await mkdir(path.join(p.reports, 'runs', QUEUED), { recursive: true });
  await writeFile(path.join(p.reports, 'runs', QUEUED, 'run.json'), JSON.stringify({ id: QUEUED, status: 'failed', scenario: { name: 'x' }, createdAt: '2026-12-01T01:30:00.000Z', progress: { done: 0, total: 0, failed: 0 }, error: 'stopped', charts: [], hasResults: false }));
  app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor() });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await p?.cleanup();
});

const get = (url: string) => app.inject({ url });

describe('GET /api/compare', () => {
  it('answers what `opsim compare --json` prints for the same runs: a section per shared variant with verdicts', async () => {
    const r = await get(`/api/compare?baseline=${BASE}&current=${BUSIER}`);
    expect(r.statusCode, r.body).toBe(200);
    const viaCli = await cli(['compare', file(BASE), file(BUSIER), '--json']);
    expect(viaCli.code, viaCli.stderr).toBe(1);
    expect(r.json()).toEqual(JSON.parse(viaCli.stdout));
    const report = r.json() as { sections: { currentVariant: string; paired: boolean; verdicts: { metric: string; verdict: string; p: number | null }[] }[]; regressions: number };
    expect(report.sections.map((s) => s.currentVariant)).toEqual(['thirteen', 'fourteen', 'fifteen']);
    expect(report.regressions).toBeGreaterThan(0);
    // More calls on the same agents, on the same seed (paired): more arrive and they wait longer, in every variant.
    for (const s of report.sections) {
      expect(s.paired).toBe(true);
      expect(s.verdicts.find((v) => v.metric === 'requests.calls.arrived')?.verdict).toBe('changed');
      expect(s.verdicts.find((v) => v.metric === 'requests.calls.wait.mean')?.verdict).toBe('regression');
    }
  }, 30_000);

  it('passes the tolerance on as --tolerance does', async () => {
    const r = await get(`/api/compare?baseline=${BASE}&current=${BUSIER}&tolerance=50`);
    expect(r.statusCode).toBe(200);
    const viaCli = await cli(['compare', file(BASE), file(BUSIER), '--json', '--tolerance', '50']);
    expect(r.json()).toEqual(JSON.parse(viaCli.stdout));
    expect((r.json() as { tolerancePct: number }).tolerancePct).toBe(50);
  }, 30_000);

  it('refuses runs of different scenarios as compare does (409, its words), and compares them with force=true, noting it', async () => {
    const r = await get(`/api/compare?baseline=${BASE}&current=${OTHER}`);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toEqual({ error: expect.stringContaining('the runs come from different scenarios ("service-desk-staffing" and "service-desk-elsewhere")'), problem: 'mismatch' });
    const forced = await get(`/api/compare?baseline=${BASE}&current=${OTHER}&force=true`);
    expect(forced.statusCode).toBe(200);
    expect((forced.json() as { notes: string[] }).notes).toContain('compared across scenarios: "service-desk-staffing" and "service-desk-elsewhere" (--force)');
  });

  it('answers every bad request with a 4xx and a message, naming runs, never server paths', async () => {
    const cases: [string, number, RegExp][] = [
      [`/api/compare?baseline=${BASE}&current=20991231-235959-000000`, 404, /^no run 20991231-235959-000000 \(the current run\)$/],
      [`/api/compare?baseline=${BASE}&current=${QUEUED}`, 409, /has no results \(failed\)/],
      [`/api/compare?baseline=${BROKEN}&current=${BASE}`, 422, new RegExp(`^run ${BROKEN} results.json: not valid JSON`)],
      [`/api/compare?baseline=${BASE}&current=${FOREIGN}`, 422, new RegExp(`^run ${FOREIGN} results.json: not an opsim results document`)],
      [`/api/compare?baseline=${BASE}`, 400, /invalid request/],
      [`/api/compare?baseline=..%2f..%2fetc&current=${BASE}`, 400, /invalid request/],
      [`/api/compare?baseline=${BASE}&current=${BASE}&tolerance=-3`, 400, /invalid request/],
      [`/api/compare?baseline=${BASE}&current=${BASE}&force=yes`, 400, /invalid request/],
    ];
    for (const [url, status, message] of cases) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(status);
      const body = r.json() as { error: string };
      expect(body.error, url).toMatch(message);
      expect(r.body, url).not.toContain(p.reports);
    }
    // Still answering.
    expect((await get('/api/status')).statusCode).toBe(200);
  });
});

describe('GET /api/runs/:id/decision', () => {
  it("gives results.json's decision order (thirteen last: it misses its target) with report.html's rule and bands", async () => {
    const r = await get(`/api/runs/${BASE}/decision`);
    expect(r.statusCode).toBe(200);
    const doc = JSON.parse(await readFile(file(BASE), 'utf8')) as ResultsDocument;
    expect(r.json()).toEqual({ ...doc.decisionOrder, source: 'results', rule: expect.stringMatching(/^Rank: variants whose every P\(met\) above is at least 0\.90 first, .* within each group by Total cost \(cost\.total, lower is better\)\.$/), bands: { high: 0.9, low: 0.5 } });
    expect(doc.decisionOrder!.order.map((o) => o.variant).at(-1)).toBe('thirteen');
    // The same words as the report's note under its decision table.
    const html = await readFile(path.join(p.reports, 'runs', BASE, 'report.html'), 'utf8');
    expect(html.replace(/<[^>]+>/g, '')).toContain((r.json() as { rule: string }).rule);
  });

  it('derives the same order by the same rule for a results.json written before the field', async () => {
    const r = await get(`/api/runs/${OLDER}/decision`);
    expect(r.statusCode).toBe(200);
    const fresh = (await get(`/api/runs/${BASE}/decision`)).json() as Record<string, unknown>;
    expect(r.json()).toEqual({ ...fresh, source: 'derived' });
  });

  it('answers a damaged results.json with 422, not a crash', async () => {
    for (const id of [BROKEN, FOREIGN]) {
      for (const route of ['decision', 'catalog']) {
        const r = await get(`/api/runs/${id}/${route}`);
        expect(r.statusCode, `${id} ${route}`).toBe(422);
        expect((r.json() as { error: string }).error).toMatch(new RegExp(`^run ${id}: results.json`));
      }
    }
  });
});
