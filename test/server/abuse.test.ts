/**
 * The server under abuse, with the real executor where it matters: a run that would grow a
 * queue without bound fails with its reasons while the server lives on, DELETE frees the
 * worker of a replication that would run for minutes, `extends` of a FIFO, a device or a
 * directory is refused at once, malformed JSON bodies are located, and no answer shows the
 * server's absolute paths.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { fakeExecutor, tempProject } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(o: { real?: boolean; files?: Record<string, string> } = {}): Promise<{ app: FastifyInstance; scenarios: string }> {
  const p = await tempProject(o.files);
  const app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, ...(o.real ? { workers: 1 } : { executor: fakeExecutor() }) });
  cleanups.push(async () => {
    await app.close();
    await p.cleanup();
  });
  await app.ready();
  return { app, scenarios: p.scenarios };
}

async function waitFinal(app: FastifyInstance, id: string, ms = 60_000): Promise<{ status: string; error: string | null; progress: { done: number; failed: number }; hasResults: boolean }> {
  const until = Date.now() + ms;
  for (;;) {
    const run = (await app.inject(`/api/runs/${id}`)).json() as { status: string; error: string | null; progress: { done: number; failed: number }; hasResults: boolean };
    if (['done', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > until) throw new Error(`run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const station = (rate: string, horizon: string): string => `name: station
horizon: ${horizon}
load: [{ name: customers, service: station, rate: ${rate} }]
services: [{ name: station, servers: 1, serviceTime: { dist: exponential, mean: 1s } }]
`;

describe('runs that cannot finish', () => {
  it('a queue growing without bound fails every replication with its seed; the run is "failed" with the reasons; the server lives on', async () => {
    const { app } = await setup({ real: true });
    const r = await app.inject({ method: 'POST', url: '/api/runs', payload: { text: station('100000/s', '1h'), replications: 2 } });
    expect(r.statusCode).toBe(202);
    const run = await waitFinal(app, (r.json() as { id: string }).id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^every replication failed \(2\): base:0 \(seed 1\): the waiting line of station grew past 2,097,152 .*; base:1 \(seed 1\)/);
    expect(run.hasResults).toBe(true);
    expect((await app.inject('/api/status')).statusCode).toBe(200);
  }, 120_000);

  it('DELETE stops a replication that would run for minutes and frees its worker for the next run', async () => {
    const { app } = await setup({ real: true });
    const long = await app.inject({ method: 'POST', url: '/api/runs', payload: { text: station('0.9/s', '300d'), replications: 1 } });
    const id = (long.json() as { id: string }).id;
    await new Promise((r) => setTimeout(r, 2_000));
    expect(((await app.inject(`/api/runs/${id}`)).json() as { status: string }).status).toBe('running');
    const t0 = Date.now();
    expect((await app.inject({ method: 'DELETE', url: `/api/runs/${id}` })).statusCode).toBe(202);
    expect((await waitFinal(app, id)).status).toBe('cancelled');
    // The only worker was busy with a 300-day replication; a short run now gets it at once.
    const short = await app.inject({ method: 'POST', url: '/api/runs', payload: { text: station('0.9/s', '1h'), replications: 1 } });
    const done = await waitFinal(app, (short.json() as { id: string }).id, 30_000);
    expect(done.status).toBe('done');
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 120_000);
});

describe('files and bodies', () => {
  it('extends of a FIFO, a device, a directory or through a file is refused at once, without absolute paths', async () => {
    const { app, scenarios } = await setup({
      files: {
        'tiny.yaml': 'name: tiny\nhorizon: 2h\n',
        'on-fifo.yaml': 'extends: fifo.yaml\nname: x\n',
        'on-device.yaml': 'extends: zero.yaml\nname: x\n',
        'on-dir.yaml': 'extends: sub\nname: x\n',
      },
    });
    execFileSync('mkfifo', [path.join(scenarios, 'fifo.yaml')]);
    symlinkSync('/dev/zero', path.join(scenarios, 'zero.yaml'));
    mkdirSync(path.join(scenarios, 'sub'));
    const cases: [Record<string, string>, RegExp][] = [
      [{ scenario: 'on-fifo' }, /not a regular file \(a device, FIFO or socket\)|inside the scenarios directory/],
      [{ scenario: 'on-device' }, /not a regular file|inside the scenarios directory/],
      [{ scenario: 'on-dir' }, /is a directory/],
      [{ text: 'name: t\nhorizon: 1h\nextends: fifo.yaml\n' }, /not a regular file|inside the scenarios directory/],
      [{ text: 'name: t\nhorizon: 1h\nextends: tiny.yaml/x\n' }, /a part of the path is not a directory/],
    ];
    for (const [payload, expected] of cases) {
      const t0 = Date.now();
      const r = await app.inject({ method: 'POST', url: '/api/runs', payload });
      expect(Date.now() - t0, JSON.stringify(payload)).toBeLessThan(5_000);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(JSON.stringify((r.json() as { errors: unknown[] }).errors.map((e) => (e as { message: string }).message)), JSON.stringify(payload)).toMatch(expected);
      expect(r.body, JSON.stringify(payload)).not.toContain(`'${scenarios}`);
    }
  }, 60_000);

  it('a malformed JSON body is answered with its line and column; prototype poisoning is still refused', async () => {
    const { app } = await setup();
    const bad = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '{\n  "scenario": "tiny",\n  "replications": }' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: 'request body is not valid JSON (line 3, column 19)',
      errors: [{ file: null, line: 3, column: 19, path: 'body', message: expect.stringMatching(/^invalid JSON: /) }],
    });
    const unterminated = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '{"scenario": "tiny"' });
    expect(unterminated.statusCode).toBe(400);
    expect((unterminated.json() as { error: string }).error).toMatch(/line 1, column \d+/);
    const poison = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '{"scenario": "tiny", "__proto__": {"x": 1}}' });
    expect(poison.statusCode).toBe(400);
    const empty = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    const fine = await app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': 'application/json' }, payload: '{"scenario": "tiny"}' });
    expect(fine.statusCode).toBe(202);
  });

  it('a billion replications, or Infinity, is refused before anything is queued', async () => {
    const { app } = await setup();
    for (const text of ['name: t\nhorizon: 1h\nexperiment: { replications: 1000000000 }\n', 'name: t\nhorizon: 1h\nexperiment: { replications: .inf }\n']) {
      const t0 = Date.now();
      const r = await app.inject({ method: 'POST', url: '/api/runs', payload: { text } });
      expect(r.statusCode).toBe(400);
      expect(Date.now() - t0).toBeLessThan(5_000);
    }
    expect(((await app.inject('/api/runs')).json() as { runs: unknown[] }).runs).toEqual([]);
  });
});
