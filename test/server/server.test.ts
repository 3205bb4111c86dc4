import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { fakeExecutor, tempProject, TINY } from './helpers.js';
import { makeResults } from '../report/fixtures/make.js';
import { resultsJson, seriesCsv } from '../../src/results/write.js';

const TOKEN = '0d1e2c3b4a5968778695a4b3c2d1e0f0';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(o: Parameters<typeof fakeExecutor>[0] & { maxQueued?: number; token?: string; bodyLimit?: number } = {}) {
  const p = await tempProject();
  const executor = fakeExecutor(o);
  const app = buildServer({
    reportsDir: p.reports,
    scenariosDir: p.scenarios,
    executor,
    maxQueued: o.maxQueued ?? 4,
    ...(o.token ? { token: o.token } : {}),
    ...(o.bodyLimit ? { bodyLimit: o.bodyLimit } : {}),
  });
  cleanups.push(async () => {
    executor.release();
    await app.close();
    await p.cleanup();
  });
  await app.ready();
  return { app, p, executor };
}

async function waitDone(app: FastifyInstance, id: string): Promise<{ status: string; charts: string[] }> {
  for (let i = 0; i < 400; i++) {
    const r = await app.inject({ method: 'GET', url: `/api/runs/${id}` });
    const run = r.json() as { status: string; charts: string[] };
    if (['done', 'failed', 'cancelled'].includes(run.status)) return run;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('run did not finish');
}

const post = (app: FastifyInstance, body: unknown) => app.inject({ method: 'POST', url: '/api/runs', payload: body as Record<string, unknown> });

describe('runs', () => {
  it('runs a named scenario end to end: 202, progress, results, charts, report', async () => {
    const { app } = await setup();
    const r = await post(app, { scenario: 'tiny', replications: 3, overrides: { horizon: '1h' } });
    expect(r.statusCode).toBe(202);
    const { id } = r.json() as { id: string };
    expect(r.headers.location).toBe(`/api/runs/${id}`);
    const run = await waitDone(app, id);
    expect(run.status).toBe('done');
    expect(run.charts).toContain('load');

    const list = (await app.inject('/api/runs')).json() as { runs: { id: string; request: { overrides: Record<string, unknown> } }[] };
    expect(list.runs[0]!.id).toBe(id);
    expect(list.runs[0]!.request.overrides).toEqual({ horizon: '1h' });

    const results = await app.inject(`/api/runs/${id}/results`);
    expect(results.statusCode).toBe(200);
    expect((results.json() as { format: string }).format).toBe('opsim-results/1');

    const svg = await app.inject(`/api/runs/${id}/charts/load`);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(svg.body.startsWith('<svg')).toBe(true);
    const vl = await app.inject(`/api/runs/${id}/charts/load?format=vl`);
    expect((vl.json() as { $schema: string }).$schema).toMatch(/vega-lite/);
    const viaAccept = await app.inject({ url: `/api/runs/${id}/charts/load`, headers: { accept: 'application/json' } });
    expect(viaAccept.headers['content-type']).toMatch(/application\/json/);
    expect((await app.inject(`/api/runs/${id}/charts/nope`)).statusCode).toBe(404);
    expect((await app.inject(`/api/runs/${id}/charts/..%2f..%2frun`)).statusCode).toBe(400);

    const report = await app.inject(`/api/runs/${id}/report`);
    expect(report.headers['content-type']).toMatch(/text\/html/);
    expect(report.body).toContain('<svg');

    const events = await app.inject(`/api/runs/${id}/events`);
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.body).toContain('event: done');
  });

  it('writes results.json and series.csv with the shared atomic writer (fsync + rename, no temp files left)', async () => {
    const { app, p } = await setup();
    const { id } = (await post(app, { scenario: 'tiny' })).json() as { id: string };
    expect((await waitDone(app, id)).status).toBe('done');
    const dir = path.join(p.reports, 'runs', id);
    const doc = makeResults();
    expect(await readFile(path.join(dir, 'results.json'), 'utf8')).toBe(resultsJson(doc));
    expect(await readFile(path.join(dir, 'series.csv'), 'utf8')).toBe(seriesCsv(doc));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('streams progress as server-sent events until completion', async () => {
    const { app } = await setup({ steps: 5, tickMs: 20 });
    const { id } = (await post(app, { scenario: 'tiny.yaml' })).json() as { id: string };
    const events = await app.inject(`/api/runs/${id}/events`);
    const names = [...events.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names).toContain('progress');
    expect(names.at(-1)).toBe('done');
    const last = events.body.trim().split('\n').at(-1)!;
    expect((JSON.parse(last.replace(/^data: /, '')) as { status: string }).status).toBe('done');
  });

  it('accepts inline YAML and JSON', async () => {
    const { app } = await setup();
    const y = await post(app, { text: TINY, replications: 2 });
    expect(y.statusCode).toBe(202);
    const j = await post(app, { text: JSON.stringify({ name: 'tiny-json', horizon: '1h' }) });
    expect(j.statusCode).toBe(202);
    const run = (await app.inject(`/api/runs/${(j.json() as { id: string }).id}`)).json() as { scenario: { name: string } };
    expect(run.scenario.name).toBe('tiny-json');
  });

  it('cancels queued and running runs; finished runs cannot be cancelled', async () => {
    const { app, executor } = await setup({ hold: true });
    const a = (await post(app, { scenario: 'tiny' })).json() as { id: string };
    const b = (await post(app, { scenario: 'tiny' })).json() as { id: string };
    await new Promise((r) => setTimeout(r, 20));
    expect(((await app.inject(`/api/runs/${a.id}`)).json() as { status: string }).status).toBe('running');
    expect(((await app.inject(`/api/runs/${b.id}`)).json() as { status: string }).status).toBe('queued');
    const cb = await app.inject({ method: 'DELETE', url: `/api/runs/${b.id}` });
    expect(cb.statusCode).toBe(202);
    expect((cb.json() as { status: string }).status).toBe('cancelled');
    expect((await app.inject({ method: 'DELETE', url: `/api/runs/${a.id}` })).statusCode).toBe(202);
    expect((await waitDone(app, a.id)).status).toBe('cancelled');
    expect((await app.inject({ method: 'DELETE', url: `/api/runs/${a.id}` })).statusCode).toBe(409);
    expect((await app.inject({ method: 'DELETE', url: '/api/runs/20250101-000000-abcdef' })).statusCode).toBe(404);
    expect(executor.calls).toBe(1);
  });

  it('answers 429 with Retry-After when the queue is full', async () => {
    const { app, executor } = await setup({ hold: true, maxQueued: 1 });
    expect((await post(app, { scenario: 'tiny' })).statusCode).toBe(202);
    expect((await post(app, { scenario: 'tiny' })).statusCode).toBe(202);
    const full = await post(app, { scenario: 'tiny' });
    expect(full.statusCode).toBe(429);
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    executor.release();
    const status = (await app.inject('/api/status')).json() as { maxQueued: number };
    expect(status.maxQueued).toBe(1);
  });

  it('persists runs: a restarted server lists them and serves their results', async () => {
    const { app, p } = await setup();
    const { id } = (await post(app, { scenario: 'tiny' })).json() as { id: string };
    await waitDone(app, id);
    const again = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor() });
    cleanups.unshift(() => again.close());
    const runs = (await again.inject('/api/runs')).json() as { runs: { id: string; status: string }[] };
    expect(runs.runs.map((r) => r.id)).toEqual([id]);
    expect(runs.runs[0]!.status).toBe('done');
    expect((await again.inject(`/api/runs/${id}/results`)).statusCode).toBe(200);
  });
});

describe('errors', () => {
  it('reports bad YAML with file, line and column', async () => {
    const { app } = await setup();
    const r = await post(app, { text: 'name: x\nhorizon: [1h\n  bad: : :\n' });
    expect(r.statusCode).toBe(400);
    const e = (r.json() as { errors: { file: string; line: number; path: string; message: string }[] }).errors;
    expect(e.length).toBeGreaterThan(0);
    expect(e[0]!.file).toBe('inline.yaml');
    expect(typeof e[0]!.line).toBe('number');
  });

  it('reports invalid fields with the same paths as the CLI', async () => {
    const { app } = await setup();
    const r = await post(app, { text: 'name: x\nhorizon: 1h\nwarmupp: 5m\n' });
    expect(r.statusCode).toBe(400);
    const e = (r.json() as { errors: { path: string; line: number | null; message: string }[] }).errors;
    expect(e.some((x) => x.line === 3)).toBe(true);
    const o = await post(app, { scenario: 'tiny', overrides: { 'horizonn': '1h' } });
    expect(o.statusCode).toBe(400);
    expect((o.json() as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    // A seed with '|' would make derived stream seeds ambiguous: refused before a run starts.
    expect((await post(app, { scenario: 'tiny', seed: 'a|b' })).statusCode).toBe(400);
  });

  it('refuses unknown scenarios and path traversal', async () => {
    const { app, p } = await setup();
    await writeFile(path.join(p.root, 'secret.yaml'), TINY);
    await symlink(path.join(p.root, 'secret.yaml'), path.join(p.scenarios, 'escape.yaml'));
    expect((await post(app, { scenario: 'nope' })).statusCode).toBe(404);
    for (const name of ['../package.json', '..', '%2e%2e%2fpackage.json', '/etc/passwd', '..\\secret', 'a/../../secret', '.hidden']) {
      const r = await post(app, { scenario: name });
      expect(r.statusCode, name).toBe(400);
    }
    expect((await post(app, { scenario: 'escape' })).statusCode).toBe(404);
    expect((await post(app, { text: 'extends: ../secret.yaml\nname: x\n' })).statusCode).toBe(400);
    expect((await app.inject('/api/runs/..%2f..%2fpackage.json')).statusCode).toBe(400);
    expect((await app.inject('/api/runs/%2e%2e%2f%2e%2e%2fpackage.json/results')).statusCode).toBe(400);
    const names = ((await app.inject('/api/scenarios')).json() as { scenarios: { name: string }[] }).scenarios.map((s) => s.name);
    expect(names).toEqual(['tiny']);
  });

  it('limits the body size', async () => {
    const { app } = await setup({ bodyLimit: 64 * 1024 });
    const r = await post(app, { text: `name: big\nhorizon: 1h\ndescription: "${'x'.repeat(100_000)}"\n` });
    expect(r.statusCode).toBe(413);
  });

  it('survives malformed JSON, wrong content types, huge numbers and junk', async () => {
    const { app } = await setup();
    const bad = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '{"scenario": "tiny",' });
    expect(bad.statusCode).toBe(400);
    const type = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'scenario=tiny' });
    expect(type.statusCode).toBe(415);
    const text = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'text/plain' }, payload: 'scenario=tiny' });
    expect(text.statusCode).toBe(400);
    const huge = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '{"scenario":"tiny","replications":1e400}' });
    expect(huge.statusCode).toBe(400);
    const big = await post(app, { scenario: 'tiny', replications: 1e20 });
    expect(big.statusCode).toBe(400);
    expect((big.json() as { errors: { path: string }[] }).errors[0]!.path).toBe('body.replications');
    expect((await post(app, { scenario: 'tiny', text: TINY })).statusCode).toBe(400);
    expect((await post(app, {})).statusCode).toBe(400);
    expect((await post(app, { scenario: 'tiny', extra: 1 })).statusCode).toBe(400);
    expect((await post(app, { scenario: 'tiny', overrides: { horizon: { deep: 1 } } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/runs', payload: [] as unknown as Record<string, unknown> })).statusCode).toBe(400);
    expect((await app.inject('/api/runs/20250101-000000-abcdef')).statusCode).toBe(404);
    expect((await app.inject('/nowhere')).json()).toEqual({ error: 'no route GET /nowhere' });
    expect((await app.inject('/api/status')).statusCode).toBe(200);
  });
});

describe('run budget', () => {
  const inline = (experiment: string, horizon = '2h'): string => `name: big\nhorizon: ${horizon}\n${experiment}`;
  const factors = (n: number): string => `  variants:\n    factors:\n      seed: [${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]\n`;

  it('refuses an inline scenario whose variants × replications exceed the budget, before queueing it', async () => {
    const { app, executor } = await setup();
    // 10 variants × 1000 replications: each number is allowed alone, together they are 10 000.
    const r = await post(app, { text: inline(`experiment:\n  replications: 1000\n${factors(10)}`) });
    expect(r.statusCode).toBe(400);
    const body = r.json() as { error: string; errors: { path: string; message: string }[] };
    expect(body.error).toMatch(/budget/);
    expect(body.errors[0]!.message).toMatch(/10000 replications \(10 variant\(s\) × 1000 replication\(s\)\).*at most 2000/);
    // The request's own replications count too, and so does stopWhen.maxReplications.
    expect((await post(app, { text: inline(`experiment:\n${factors(3)}`), replications: 1000 })).statusCode).toBe(400);
    const stop = inline('experiment:\n  replications: 2\n  stopWhen: { metric: events, halfWidth: 1, maxReplications: 5000 }\n');
    expect((await post(app, { text: stop })).statusCode).toBe(400);
    expect(executor.calls).toBe(0);
    expect(((await app.inject('/api/runs')).json() as { runs: unknown[] }).runs).toEqual([]);
    // Within the budget it is accepted; choosing fewer variants brings a run back inside it.
    expect((await post(app, { text: inline(`experiment:\n  replications: 500\n${factors(4)}`) })).statusCode).toBe(202);
    expect((await post(app, { text: inline(`experiment:\n  replications: 1000\n${factors(10)}`), variants: ['seed=1', 'seed=2'] })).statusCode).toBe(202);
  });

  it('refuses horizons beyond the budget, also when set by an override', async () => {
    const { app } = await setup();
    const r = await post(app, { text: inline('', '400d') });
    expect(r.statusCode).toBe(400);
    expect((r.json() as { error: string }).error).toMatch(/horizon is 400 d.*at most 366 d/);
    expect((await post(app, { scenario: 'tiny', overrides: { horizon: '3y' } })).statusCode).toBe(400);
    expect((await post(app, { scenario: 'tiny', overrides: { horizon: '300d' } })).statusCode).toBe(202);
  });

  it('is configurable in buildServer options, and unknown variants are a 400 up front', async () => {
    const p = await tempProject();
    const executor = fakeExecutor();
    const app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor, budget: { maxReplications: 10, maxHorizonSeconds: 3600 } });
    cleanups.push(async () => {
      await app.close();
      await p.cleanup();
    });
    await app.ready();
    expect((await post(app, { scenario: 'tiny', replications: 11 })).statusCode).toBe(400);
    expect((await post(app, { scenario: 'tiny', replications: 10, overrides: { horizon: '1h' } })).statusCode).toBe(202);
    expect((await post(app, { scenario: 'tiny', replications: 2 })).statusCode).toBe(400); // tiny's horizon is 2 h
    const unknown = await post(app, { scenario: 'tiny', overrides: { horizon: '1h' }, variants: ['nope'] });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { errors: { message: string }[] }).errors[0]!.message).toMatch(/no such variant/);
  });
});

describe('documents and assets', () => {
  it('serves the OpenAPI document with every route', async () => {
    const { app } = await setup();
    const doc = (await app.inject('/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/runs', '/api/runs/{id}', '/api/runs/{id}/events', '/api/runs/{id}/results', '/api/runs/{id}/charts/{name}', '/api/scenarios']) expect(Object.keys(doc.paths)).toContain(p);
  });

  it('lists scenarios with description and knobs', async () => {
    const { app } = await setup();
    const s = (await app.inject('/api/scenarios')).json() as { scenarios: { name: string; description: string; knobs: unknown[] }[] };
    expect(s.scenarios[0]!.name).toBe('tiny');
    expect(s.scenarios[0]!.description).toMatch(/smallest/);
  });

  it('serves the dashboard and the vega bundles locally', async () => {
    const { app } = await setup();
    const html = await app.inject('/');
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).not.toMatch(/src="https?:/);
    for (const f of ['/dashboard/app.js', '/dashboard/style.css', '/vendor/vega.min.js', '/vendor/vega-lite.min.js', '/vendor/vega-embed.min.js']) {
      expect((await app.inject(f)).statusCode, f).toBe(200);
    }
    expect((await app.inject('/vendor/../package.json')).statusCode).toBe(404);
  });

  it('requires the bearer token when one is configured', async () => {
    const { app } = await setup({ token: TOKEN });
    expect((await app.inject('/api/runs')).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/runs', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/runs', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    expect((await app.inject('/openapi.json')).statusCode).toBe(401);
    expect((await app.inject('/')).statusCode).toBe(200);
  });
});
