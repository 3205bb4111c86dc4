/**
 * End to end in real headless Chromium: the dashboard launches a run through the API, follows
 * it over server-sent events, draws its charts with vega-embed, and compares two runs.
 * Chromium is Debian's package (.ci/run installs it); a missing browser is a failure, not a skip.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, ROOT, type DashboardSession } from './browser.js';

const OUT = path.join(ROOT, 'test-output');
// GlobalMart once it exists; until then the service-desk scenario keeps the test honest.
const SCENARIO = existsSync(path.join(ROOT, 'scenarios', 'globalmart-peak.yaml')) ? 'globalmart-peak' : 'service-desk-staffing';
const HORIZON = '6h';

// No silent skip: without the browser this test fails and says how to install it.
describe('dashboard in headless Chromium', () => {
  let session: DashboardSession;
  let url: string;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    await mkdir(OUT, { recursive: true });
    session = await openDashboard({ prefix: 'opsim-e2e-', viewport: { width: 1400, height: 1000 } });
    ({ url, page, problems: consoleErrors } = session);
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  async function launch(replications: number): Promise<string> {
    await page.selectOption('#scenario', SCENARIO);
    await page.fill('#replications', String(replications));
    await page.fill('#horizon', HORIZON);
    const before = await page.evaluate(() => location.hash);
    await page.click('#launch-button');
    await page.waitForFunction((h) => location.hash.startsWith('#run=') && location.hash !== h, before);
    const id = await page.evaluate(() => location.hash.slice(5));
    await page.waitForSelector(`#run-body[data-run="${id}"][data-ready="true"]`, { timeout: 90_000 });
    return id;
  }

  it('launches a run, follows it live, renders its charts and compares two runs', async () => {
    await page.goto(url);
    await page.waitForSelector(`#scenario option[value="${SCENARIO}"]`, { state: 'attached' });
    const first = await launch(2);
    expect(await page.textContent('#run-status')).toMatch(/^done/);
    const charts = await page.$$eval('#run-body .chart', (els) => els.map((e) => e.getAttribute('data-chart')));
    expect(charts.length).toBeGreaterThan(0);
    expect(charts).toContain('load');
    // vega-embed drew real marks (SVG paths inside mark groups), not an empty frame.
    const marks = await page.$$eval('#run-body .chart svg g[class*="mark-"] path', (els) => els.length);
    expect(marks).toBeGreaterThan(charts.length);
    // The numbers, not only charts: key metrics per variant with their unit, interval and n.
    const numbers = await page.$$eval('#run-summary table.numbers tbody tr[data-metric]', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(numbers.length).toBeGreaterThan(3);
    expect(numbers.join('\n')).toMatch(/n=2/);
    expect(numbers.join('\n')).toMatch(/ %|ms|min/);
    await page.screenshot({ path: path.join(OUT, 'e2e-dashboard.png'), fullPage: true });

    const second = await launch(1);
    expect(second).not.toBe(first);
    await page.check(`tr[data-run="${first}"] input[type=checkbox]`);
    await page.check(`tr[data-run="${second}"] input[type=checkbox]`);
    await page.click('#compare-button');
    await page.waitForSelector('#view[data-ready="true"]', { timeout: 30_000 });
    const columns = await page.$$eval('.compare > div', (els) => els.map((e) => e.querySelectorAll('.chart svg').length));
    expect(columns).toHaveLength(2);
    expect(columns[0]).toBeGreaterThan(0);
    expect(columns[1]).toBe(columns[0]);
    // `opsim compare`'s verdicts sit above the charts: a section per shared variant, a row per metric.
    const sections = await page.$$eval('#compare-verdicts section.compare-variant', (secs) => secs.map((s) => s.querySelectorAll('tbody tr[data-verdict]').length));
    expect(sections.length).toBeGreaterThan(0);
    for (const rows of sections) expect(rows).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(OUT, 'e2e-compare.png'), fullPage: true });

    expect(consoleErrors).toEqual([]);
  }, 110_000);
});
