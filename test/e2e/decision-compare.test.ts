/**
 * The dashboard tells a planner what report.html and the CLI tell them, in real headless
 * Chromium over runs made by the real `opsim run`: the run view ranks the service desk's 13, 14
 * and 15 agents in the report's decision order (thirteen, the cheapest, last: it misses its 80 %
 * target), with the report's P(met) colours and words; the compare view shows `opsim compare`'s
 * verdicts, a section per shared variant, coloured by verdict only, and a refused comparison as
 * a message with the way to compare anyway.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, deskRun } from '../server/desk-runs.js';
import { openDashboard, ROOT, type DashboardSession } from './browser.js';

const RUN = '20261201-020000-a1a1a1';
/** The same question with 10 % more calls. */
const BUSIER = '20261201-020500-b2b2b2';
/** RUN's results as another scenario's: compare refuses it without force. */
const OTHER = '20261201-021000-c3c3c3';
const OUT = path.join(ROOT, 'test-output');

describe('the dashboard decides nothing itself (headless Chromium, 1400 × 900)', () => {
  let session: DashboardSession;
  let page: Page;
  let summary: string;

  beforeAll(async () => {
    // The refused comparison's 409 is printed by the browser as a console error; the page says it in words.
    session = await openDashboard({ prefix: 'opsim-e2e-decision-', viewport: { width: 1400, height: 900 }, expectedConsoleError: (t) => /status of 409/.test(t) });
    page = session.page;
    const reports = path.join(session.tmp, 'reports');
    [summary] = await Promise.all([deskRun(reports, RUN, 10), deskRun(reports, BUSIER, 10, ['--set', 'requests.calls.rate=110/30m'])]);
    const other = path.join(reports, 'runs', OTHER);
    await cp(path.join(reports, 'runs', RUN), other, { recursive: true });
    const doc = JSON.parse(await readFile(path.join(other, 'results.json'), 'utf8')) as { scenario: { name: string } };
    doc.scenario.name = 'service-desk-elsewhere';
    await writeFile(path.join(other, 'results.json'), JSON.stringify(doc));
    const record = JSON.parse(await readFile(path.join(other, 'run.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(other, 'run.json'), JSON.stringify({ ...record, id: OTHER, createdAt: '2026-12-01T02:10:00.000Z' }));
    await mkdir(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it("ranks the variants in the report's and the CLI's decision order, with the report's bands and words", async () => {
    await page.goto(`${session.url}#run=${RUN}`);
    await page.waitForSelector(`#run-body[data-run="${RUN}"][data-ready="true"]`, { timeout: 30_000 });
    const dashboard = await page.$$eval('#run-summary table.verdict tbody tr', (rows) => rows.map((r) => `${r.querySelector('td')!.textContent}. ${r.querySelector('th')!.textContent}`));

    const html = await readFile(path.join(session.tmp, 'reports', 'runs', RUN, 'report.html'), 'utf8');
    const at = html.indexOf('<table class="verdict">');
    const table = html.slice(at, html.indexOf('</table>', at));
    const report = [...table.matchAll(/<tr><td>(\d+)<\/td><th scope="row">([^<]+)</g)].map((m) => `${m[1]}. ${m[2]}`);
    const cli = summary.split('\n').find((l) => l.startsWith('ranking by worst P(met) band'))!.replace(/^.*\): /, '').split('  ');
    // thirteen is the cheapest (results.json's cost ranking puts it first) but misses its target in most replications.
    expect(report).toEqual(['1. fourteen', '2. fifteen', '3. thirteen']);
    expect(dashboard).toEqual(report);
    expect(cli).toEqual(report);
    // The key metrics' columns follow the same order.
    expect(await page.$$eval('#run-summary table.key-metrics thead th', (ths) => ths.slice(1).map((th) => th.textContent))).toEqual(['fourteen', 'fifteen', 'thirteen']);

    // The same P(…) columns, under the same headings, coloured alike in every row.
    const reportHeads = [...table.slice(0, table.indexOf('</thead>')).matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((m) => m[1]!.replace(/<span class="ci">.*?<\/span>/g, '').replace(/<[^>]+>/g, '').trim());
    const reportRows = [...table.matchAll(/<tr><td>\d+<\/td><th scope="row">([^<]+)<\/th>(.*?)<\/tr>/g)].map((m) => ({ name: m[1]!, classes: [...m[2]!.matchAll(/<td(?: class="([^"]*)")?/g)].map((c) => c[1] ?? '') }));
    const dash = await page.$eval('#run-summary table.verdict', (t) => ({
      heads: Array.from(t.querySelectorAll('thead th')).map((th) => th.textContent!.trim()),
      rows: Array.from(t.querySelectorAll('tbody tr')).map((r) => ({ name: r.querySelector('th')!.textContent!, classes: Array.from(r.querySelectorAll('td')).slice(1).map((td) => td.className) })),
    }));
    const pHeads = dash.heads.filter((h) => h.startsWith('P('));
    expect(pHeads).toEqual(['P(calls service-level target met)']);
    for (const h of pHeads) {
      const di = dash.heads.indexOf(h) - 2;
      const ri = reportHeads.indexOf(h) - 2;
      expect(ri, `report column ${h}`).toBeGreaterThanOrEqual(0);
      for (const name of AGENTS) {
        const d = dash.rows.find((r) => r.name === name)!.classes[di];
        expect(d, `${name} ${h}`).toBe(reportRows.find((r) => r.name === name)!.classes[ri]);
      }
    }
    expect(dash.rows.find((r) => r.name === 'thirteen')!.classes[0]).toBe('bad');
    expect(dash.rows.find((r) => r.name === 'fourteen')!.classes[0]).toBe('good');
    // The rule under the table in the report's words.
    const rule = (await page.textContent('#decision-rule'))!;
    expect(rule).toMatch(/^Rank: variants whose every P\(met\) above is at least 0\.90 first/);
    expect(html.replace(/<[^>]+>/g, '')).toContain(rule);
    await page.screenshot({ path: path.join(OUT, 'e2e-decision-order.png') });
    expect(session.problems).toEqual([]);
  }, 60_000);

  it("shows `opsim compare`'s verdicts per shared variant, coloured by verdict only", async () => {
    await page.goto(`${session.url}#`);
    await page.waitForSelector(`tr[data-run="${BUSIER}"] input[type=checkbox]`);
    await page.check(`tr[data-run="${BUSIER}"] input[type=checkbox]`);
    await page.check(`tr[data-run="${RUN}"] input[type=checkbox]`);
    await page.click('#compare-button');
    await page.waitForSelector('#view[data-ready="true"]', { timeout: 30_000 });
    // The older run is the baseline, whichever was ticked first.
    expect(await page.evaluate(() => location.hash)).toBe(`#compare=${RUN},${BUSIER}`);
    const api = (await (await fetch(`${session.url}api/compare?baseline=${RUN}&current=${BUSIER}`)).json()) as { regressions: number; sections: { currentVariant: string; verdicts: { metric: string; verdict: string }[] }[] };
    const sections = await page.$$eval('#compare-verdicts section.compare-variant', (secs) =>
      secs.map((s) => ({
        variant: s.getAttribute('data-variant'),
        rows: Array.from(s.querySelectorAll('tbody tr')).map((r) => ({
          metric: r.getAttribute('data-metric'),
          verdict: r.getAttribute('data-verdict'),
          verdictClass: r.querySelector('td.verdict')!.className,
          // Every other cell: a raw difference is never coloured.
          coloured: Array.from(r.querySelectorAll('td:not(.verdict)')).filter((td) => /\b(good|bad|mid)\b/.test(td.className)).length,
        })),
      })),
    );
    expect(sections.map((s) => s.variant)).toEqual([...AGENTS]);
    for (const s of sections) {
      const verdicts = api.sections.find((x) => x.currentVariant === s.variant)!.verdicts;
      // Every metric compare judged is in the section (the quiet ones folded), with compare's verdict.
      expect(s.rows.map((r) => r.metric).sort()).toEqual(verdicts.map((v) => v.metric).sort());
      for (const r of s.rows) {
        expect(r.verdict).toBe(verdicts.find((v) => v.metric === r.metric)!.verdict);
        expect(r.verdictClass).toBe(`verdict ${{ regression: 'bad', improvement: 'good', inconclusive: 'mid' }[r.verdict!] ?? ''}`);
        expect(r.coloured).toBe(0);
      }
    }
    expect(api.regressions).toBeGreaterThan(0);
    expect(await page.textContent('#compare-headline')).toMatch(new RegExp(`^3 variants compared: ${api.regressions} regressions \\("thirteen", "fourteen", "fifteen"\\)`));
    await page.screenshot({ path: path.join(OUT, 'e2e-compare-verdicts.png'), fullPage: true });
    expect(session.problems).toEqual([]);
  }, 60_000);

  it('says why runs of different scenarios are not compared, and compares them on request with the note', async () => {
    await page.goto(`${session.url}#compare=${RUN},${OTHER}`);
    await page.waitForSelector('#view[data-ready="true"]', { timeout: 30_000 });
    expect(await page.textContent('#compare-refused')).toContain('the runs come from different scenarios ("service-desk-staffing" and "service-desk-elsewhere")');
    await page.click('#compare-force');
    await page.waitForFunction(() => document.querySelector('#compare-notes') !== null && document.querySelector('#view')!.getAttribute('data-ready') === 'true', undefined, { timeout: 30_000 });
    expect(await page.textContent('#compare-notes')).toContain('note: compared across scenarios: "service-desk-staffing" and "service-desk-elsewhere" (--force)');
    expect(await page.$$eval('#compare-verdicts section.compare-variant', (s) => s.length)).toBe(3);
    expect(session.problems).toEqual([]);
  }, 60_000);
});
