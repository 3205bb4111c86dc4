/** What GET /api/scenarios tells the dashboard, and the dashboard's icon. */
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { fakeExecutor, tempProject, TINY } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const POOL = `name: pool
horizon: 1h
services:
  - name: web
    servers: 3
    concurrency: 2
    retries: 1
    serviceTime: 100ms
`;
const SEARCHABLE = `${POOL}search:
  variables:
    - { path: services.web.servers, name: servers, range: { from: 2, to: 4 }, price: 100 }
  constraints:
    - { kind: mean, name: latency, metric: service.web.response_time.mean, atMost: 1, tolerance: 0.1 }
  budget: 50
`;

async function serve(files: Record<string, string>) {
  const p = await tempProject(files);
  const app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor() });
  cleanups.push(async () => {
    await app.close();
    await p.cleanup();
  });
  return app;
}

interface Info {
  name: string;
  search: boolean;
  knobs: { path: string; value: unknown; doc?: string }[];
}

describe('GET /api/scenarios', () => {
  it('gives each knob with its doc line and says which scenarios a policy search can run on', async () => {
    const app = await serve({ 'tiny.yaml': TINY, 'pool.yaml': POOL, 'searchable.yaml': SEARCHABLE });
    const list = ((await app.inject('/api/scenarios')).json() as { scenarios: (Info & { errors: unknown[] })[] }).scenarios;
    expect(list.flatMap((s) => s.errors)).toEqual([]);
    expect(list.map((s) => [s.name, s.search])).toEqual([['pool', false], ['searchable', true], ['tiny', false]]);
    const pool = list.find((s) => s.name === 'pool')!;
    expect(pool.knobs.map((k) => [k.path, k.value])).toEqual([['services.web.servers', 3], ['services.web.concurrency', 2]]);
    expect(pool.knobs[0]!.doc).toMatch(/servers in the pool/i);
  });
});

describe('the dashboard icon', () => {
  it('is declared by the page and served, so the browser does not probe /favicon.ico', async () => {
    const app = await serve({ 'tiny.yaml': TINY });
    const html = (await app.inject('/')).body;
    const href = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBe('/dashboard/favicon.svg');
    const icon = await app.inject(href!);
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.body).toMatch(/^<svg /);
  });
});
