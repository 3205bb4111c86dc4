/**
 * The dashboard's search view in real headless Chromium (Debian's chromium, as the end-to-end
 * test): a search started through the API shows answer first — the chosen policy, what its
 * cheaper neighbour missed, the replications against the grid — under the server's CSP, and
 * the search form shows a refusal's reason. A missing browser is a failure, not a skip.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';

const CHROMIUM = [process.env.OPSIM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p !== undefined && existsSync(p)) ?? null;
const ROOT = path.resolve(import.meta.dirname, '../..');

/** 10 erlangs of calls; 14 agents answer 88.8 % within 20 s, 13 agents 79.6 %: against 85 % ± 2 both are clear. */
const SEARCH = `extends: service-desk-staffing.yaml
search:
  variables: [{ path: teams.service-desk.headcount, name: agents, range: { from: 12, to: 16 } }]
  constraints: [{ kind: mean, name: answer-85-in-20, metric: requests.calls.service_level, atLeast: 0.85, tolerance: 0.02 }]
  budget: 1000
`;

describe('dashboard search view in headless Chromium', () => {
  let app: FastifyInstance;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (CHROMIUM === null) throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does this)');
    tmp = await mkdtemp(path.join(tmpdir(), 'opsim-search-e2e-'));
    app = buildServer({ reportsDir: path.join(tmp, 'reports'), scenariosDir: path.join(ROOT, 'scenarios') });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Script errors and CSP violations; the browser's own favicon probe is not the dashboard's.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon|Failed to load resource/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('requestfailed', (r) => {
      // The dashboard closes the event stream itself once the search is done.
      if (r.url().endsWith('/favicon.ico') || (r.url().endsWith('/events') && r.failure()?.errorText === 'net::ERR_ABORTED')) return;
      problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? ''})`);
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('shows a finished search answer first, with the cheaper neighbour and the replications', async () => {
    const res = await fetch(`${url}api/searches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: SEARCH }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${url}#search=${id}`);
    await page.waitForSelector('#view[data-ready="true"] #search-answer', { timeout: 90_000 });
    expect(await page.textContent('#search-answer')).toMatch(/^agents=14 · cost 3,780 · certified/);
    const row = await page.textContent('#search-neighbours tbody tr');
    expect(row).toMatch(/^agents=133,510270infeasibleanswer-85-in-20: mean requests\.calls\.service_level 0\.7\d+/);
    expect(await page.textContent('#search-status')).toMatch(/^done · \d+\/1000 replications simulated · 2\/2 policies decided$/);
    // The two bars are drawn to scale: the search's is no longer than the grid's lower bound.
    const widths = await page.$$eval('#search-spend .bar', (bars) => bars.map((b) => (b as HTMLElement).getBoundingClientRect().width));
    expect(widths).toHaveLength(2);
    expect(widths[0]!).toBeGreaterThan(0);
    expect(widths[0]!).toBeLessThanOrEqual(widths[1]!);
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'dashboard-search.png') });
    expect(problems).toEqual([]);
  }, 120_000);

  it('the search form shows why the server refuses a scenario without a search: section', async () => {
    await page.goto(url);
    await page.waitForSelector('#search-scenario option[value="mmc-validation"]', { state: 'attached' });
    await page.selectOption('#search-scenario', 'mmc-validation');
    await page.click('#search-button');
    await page.waitForFunction(() => (document.querySelector('#search-error')?.textContent ?? '') !== '');
    expect(await page.textContent('#search-error')).toMatch(/invalid search\nsearch: the scenario has no `search:` section/);
    expect(problems).toEqual([]);
  }, 60_000);
});
