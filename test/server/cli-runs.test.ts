/** Runs written into the runs folder by another process (the CLI's `opsim main`) appear in a running server's list without a restart. */
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { fakeExecutor, tempProject } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('runs written by another process', () => {
  it('are listed by a server that was already up, with their status as written', async () => {
    const p = await tempProject();
    const watcher = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor() });
    const writer = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor() });
    cleanups.push(async () => {
      await watcher.close();
      await writer.close();
      await p.cleanup();
    });
    await watcher.ready();
    expect(((await watcher.inject('/api/runs')).json() as { runs: unknown[] }).runs).toEqual([]);
    const { id } = (await writer.inject({ method: 'POST', url: '/api/runs', payload: { scenario: 'tiny' } })).json() as { id: string };
    for (let i = 0; i < 400; i++) {
      const run = (await writer.inject(`/api/runs/${id}`)).json() as { status: string };
      if (run.status === 'done') break;
      await new Promise((res) => setTimeout(res, 10));
    }
    const runs = ((await watcher.inject('/api/runs')).json() as { runs: { id: string; status: string }[] }).runs;
    expect(runs.map((r) => [r.id, r.status])).toEqual([[id, 'done']]);
    expect((await watcher.inject(`/api/runs/${id}/results`)).statusCode).toBe(200);
  });
});
