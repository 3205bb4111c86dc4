/**
 * GET /api/runs/:id/catalog: a run's metric catalog as today's opsim reads it. A results.json
 * written before metric specs carried SLA roles and labels gets them from today's models
 * (report/catalog.ts), so the dashboard shows its P(met) and labels as report.html does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.js';
import { makeResults } from '../report/fixtures/make.js';
import { tempProject } from './helpers.js';

const RUN = '20261123-120000-0abcd5';
let app: FastifyInstance;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const p = await tempProject();
  cleanup = p.cleanup;
  const doc = makeResults([['base', 4, 52000, 0.95]], 86400);
  // As an older opsim wrote it: the verdict's spec without its SLA role or label.
  doc.metrics!['sla.checkout.met'] = { name: 'sla.<sla>.met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'met' };
  const dir = path.join(p.reports, 'runs', RUN);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'results.json'), JSON.stringify(doc));
  const record = { id: RUN, status: 'done', scenario: { name: 'old', file: null, hash: 'f1c7ae0b9d2e4f6a' }, request: { scenario: 'old' }, createdAt: '2026-11-23T12:00:00.000Z', startedAt: '2026-11-23T12:00:00.000Z', finishedAt: '2026-11-23T12:01:00.000Z', progress: { done: 1, total: 1, failed: 0 }, error: null, charts: [], hasResults: true };
  await writeFile(path.join(dir, 'run.json'), JSON.stringify(record));
  app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, workers: 1 });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await cleanup();
});

describe('GET /api/runs/:id/catalog', () => {
  it("completes an older document's specs with today's SLA roles and labels", async () => {
    const res = await app.inject({ method: 'GET', url: `/api/runs/${RUN}/catalog` });
    expect(res.statusCode).toBe(200);
    const { metrics } = res.json() as { metrics: Record<string, { name: string; sla?: string; label?: string }> };
    expect(metrics['sla.checkout.met']).toMatchObject({ name: 'sla.<sla>.met', sla: 'met' });
    expect(metrics['sla.checkout.met']!.label).toBeDefined();
    expect(metrics['cost.total']).toMatchObject({ name: 'cost.total', label: 'Total cost' });
    // The stored document itself is served as written.
    const stored = (await app.inject({ method: 'GET', url: `/api/runs/${RUN}/results` })).json() as { metrics: Record<string, { sla?: string }> };
    expect(stored.metrics['sla.checkout.met']!.sla).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/api/runs/20261123-120000-000000/catalog' })).statusCode).toBe(404);
  });
});
