/**
 * What a planner sees of a finished eight-variant run on a 1400-px screen, in real headless
 * Chromium: every variant of the key-metrics table without sideways scrolling, metrics and
 * verdicts headed by their labels (the raw name beneath, for the CSV), and every knob of
 * GlobalMart's launch form, grouped by section and folded, none cut off. The run is a
 * hand-made results document placed in the server's runs folder, so nothing is simulated.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/report/index.js';
import { meanAndInterval } from '../../src/report/units.js';
import { makeResults } from '../report/fixtures/make.js';
import { openDashboard, ROOT, type DashboardSession } from './browser.js';

const RUN = '20261130-120000-abc123';
/** The same run ranked the other way round (the last variant first), with its report.html. */
const RANKED_LAST_FIRST = '20261130-120500-def456';
const VARIANTS: [string, number, number, number][] = ['base', 'l1-1-per-shift', 'l1-3-per-shift', 'pool-10', 'alert-1s', 'auto-remediation', 'failed-change', 'freeze-peak-hours'].map((n, i) => [n, 4 + (i % 3), 52000 + 1500 * i, 0.95 + 0.005 * i]);

/** An eight-variant results document with a ranking and a per-priority verdict, as GlobalMart writes. */
function eightVariants() {
  const doc = makeResults(VARIANTS, 86400);
  doc.reference = 'base';
  doc.ranking = { metric: 'cost.total', direction: 'lower', order: doc.variants.map((v, i) => ({ variant: v.name, mean: v.metrics['cost.total']!.mean, ci95: v.metrics['cost.total']!.ci95, rank: i + 1 })) };
  for (const v of doc.variants) v.metrics['incidents.P1.targets_met'] = { n: 10, mean: 0.8, sd: 0.4, ci95: [0.49, 0.94], method: 'wilson', min: 0, max: 1, p05: 0, p50: 1, p95: 1 };
  doc.metrics!['incidents.P1.targets_met'] = { name: 'incidents.<priority>.targets_met', label: '<priority> incident targets met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'P1 targets met' };
  // Twelve warnings of two kinds, as a real run piles them up.
  doc.warnings = [
    ...['P3', 'P4'].flatMap((p) => ['mtta', 'mttd', 'mttr'].map((m) => ({ kind: 'never-observed' as const, metric: `incidents.${p}.${m}`, message: `incidents.${p}.${m}: no replication of any variant observed it` }))),
    ...['P3', 'P4'].flatMap((p) => ['count', 'breaches', 'escalations'].map((m) => ({ kind: 'never-occurred' as const, metric: `incidents.${p}.${m}`, message: `incidents.${p}.${m}: 0 in every replication of every variant` }))),
  ];
  return doc;
}

describe('the dashboard as a planner sees it (headless Chromium, 1400 × 900)', () => {
  let session: DashboardSession;
  let page: Page;

  beforeAll(async () => {
    session = await openDashboard({ prefix: 'opsim-e2e-planner-', viewport: { width: 1400, height: 900 } });
    page = session.page;
    const dir = path.join(session.tmp, 'reports', 'runs', RUN);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'results.json'), JSON.stringify(eightVariants()));
    const record = { id: RUN, status: 'done', scenario: { name: 'globalmart-peak', file: null, hash: 'f1c7ae0b9d2e4f6a' }, request: { scenario: 'globalmart-peak' }, createdAt: '2026-11-30T12:00:00.000Z', startedAt: '2026-11-30T12:00:00.000Z', finishedAt: '2026-11-30T12:01:00.000Z', progress: { done: 80, total: 80, failed: 0 }, error: null, charts: [], hasResults: true };
    await writeFile(path.join(dir, 'run.json'), JSON.stringify(record));
    const other = eightVariants();
    other.ranking!.order = other.ranking!.order.map((o, i) => ({ ...o, rank: other.variants.length - i }));
    const dir2 = path.join(session.tmp, 'reports', 'runs', RANKED_LAST_FIRST);
    await mkdir(dir2, { recursive: true });
    await writeFile(path.join(dir2, 'results.json'), JSON.stringify(other));
    await writeFile(path.join(dir2, 'report.html'), reportHtml(other, []));
    await writeFile(path.join(dir2, 'run.json'), JSON.stringify({ ...record, id: RANKED_LAST_FIRST }));
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows every variant of the key metrics without scrolling sideways, metrics by label with the name beneath', async () => {
    await page.goto(`${session.url}#run=${RUN}`);
    await page.waitForSelector(`#run-body[data-run="${RUN}"][data-ready="true"]`, { timeout: 30_000 });
    const table = await page.$eval('#run-summary table.key-metrics', (t) => {
      const box = t.closest('#run-summary')!;
      return {
        scroll: [box.scrollWidth, box.clientWidth],
        heads: Array.from(t.querySelectorAll('thead th')).map((th) => ({ text: th.textContent, right: th.getBoundingClientRect().right })),
        row: t.querySelector('tr[data-metric="service.checkout.response_time.p95"] th')!.textContent,
      };
    });
    expect(table.scroll[0]).toBeLessThanOrEqual(table.scroll[1]);
    expect(table.heads.map((h) => h.text)).toEqual(['metric', ...VARIANTS.map((v) => v[0])]);
    for (const h of table.heads) expect(h.right, h.text ?? '').toBeLessThanOrEqual(1400);
    expect(table.row).toBe('checkout p95 response timeservice.checkout.response_time.p95');
    // A mean and its interval in one scale: l1-1-per-shift's P2 MTTR is 7200 s [6300 s, 8100 s], read 2 h [1.75 h, 2.25 h], not [105 min, 2.25 h].
    const p2 = await page.$eval('#run-summary table.key-metrics tr[data-metric="incidents.P2.mttr"]', (tr) => tr.querySelectorAll('td')[1]!.textContent);
    expect(p2).toBe('2 h n=10[1.75 h, 2.25 h]');
    // The verdict table names the other verdicts and the rank metric by their labels.
    const verdict = await page.$eval('#run-summary table.verdict thead', (h) => h.textContent);
    expect(verdict).toContain('P(P1 incident targets met)');
    // …and the total cost, as report.html's decision table writes it: mean and interval in one scale.
    expect(verdict).toContain('total cost (currency units)');
    const doc = eightVariants();
    const costs = await page.$$eval('#run-summary table.verdict tbody tr', (rows) => rows.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td.cost')?.textContent ?? null]));
    for (const [name, text] of costs) {
      const { mean, ci } = meanAndInterval(doc.variants.find((v) => v.name === name)!.metrics['cost.total']!, 'currency');
      expect(text, name ?? '').toBe(`${mean} [${ci![0]}, ${ci![1]}]`);
    }
    // A document written before results.json carried its decision order: the server orders it by report.html's rule, in its words.
    expect(await page.textContent('#decision-rule')).toBe('Rank by Total cost (cost.total, lower is better).');
    // The warnings fold counts them by kind and names each metric once, by label.
    expect(await page.textContent('#run-warnings summary')).toBe('12 warnings about these figures: 6 never-observed, 6 never-occurred');
    expect(await page.$$eval('#run-warnings .wkind', (ks) => ks.map((k) => k.getAttribute('data-kind')))).toEqual(['never-observed', 'never-occurred']);
    expect(await page.textContent('#run-warnings .wkind[data-kind="never-observed"]')).toContain('P3 mean time to resolve · incidents.P4.mtta');
    await mkdir(path.join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'e2e-planner-summary.png') });
    expect(session.problems).toEqual([]);
  }, 60_000);

  it('offers every knob of GlobalMart, grouped by section and folded, none cut off', async () => {
    const api = (await (await fetch(`${session.url}api/scenarios`)).json()) as { scenarios: { name: string; knobs: { path: string }[] }[] };
    const knobs = api.scenarios.find((s) => s.name === 'globalmart-peak')!.knobs;
    // More than the 16 the form used to stop at.
    expect(knobs.length).toBeGreaterThan(16);
    await page.selectOption('#scenario', 'globalmart-peak');
    const form = await page.$$eval('#knobs details.knob-group', (groups) => groups.map((g) => ({ section: g.getAttribute('data-section'), open: (g as HTMLDetailsElement).open, summary: g.querySelector('summary')!.textContent, paths: Array.from(g.querySelectorAll('input')).map((i) => i.dataset.path) })));
    expect(form.flatMap((g) => g.paths)).toEqual(expect.arrayContaining(knobs.map((k) => k.path)));
    expect(form.flatMap((g) => g.paths)).toHaveLength(knobs.length);
    expect(form.map((g) => g.section)).toEqual(['Teams', 'Services', 'Monitoring', 'Rooms']);
    expect(form.map((g) => g.open)).toEqual([true, false, false, false]);
    for (const g of form) expect(g.summary).toBe(`${g.section} (${g.paths.length} knob${g.paths.length === 1 ? '' : 's'})`);
    expect(await page.textContent('#knob-count')).toBe(`${knobs.length} knobs in 4 groups; only changed ones are sent.`);
    // A folded group still counts what was changed in it.
    await page.click('#knobs details[data-section="Monitoring"] summary');
    const input = page.locator('#knobs details[data-section="Monitoring"] input').first();
    await input.fill('3s');
    expect(await page.textContent('#knobs details[data-section="Monitoring"] summary')).toMatch(/^Monitoring \(\d+ knobs, 1 changed\)$/);
    expect(session.problems).toEqual([]);
  }, 60_000);

  it("report.html's key metrics fit the window, the ranked-first variant first (and the dashboard's)", async () => {
    await page.goto(`${session.url}api/runs/${RANKED_LAST_FIRST}/report`);
    const t = await page.$eval('table.metrics', (table) => ({
      page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
      heads: Array.from(table.querySelectorAll('thead th')).map((th) => ({ text: th.textContent, right: th.getBoundingClientRect().right })),
      sticky: getComputedStyle(table.querySelector('tbody th')!).position,
    }));
    // The page never scrolls sideways; the variants come in the decision table's order.
    expect(t.page[0]).toBeLessThanOrEqual(t.page[1]);
    expect(t.heads.map((h) => h.text)).toEqual(['metric', ...VARIANTS.map((v, i) => `${v[0]} rank ${VARIANTS.length - i}`).reverse()]);
    // The ranked-first variant is in view; the metric names stay in view if the table must scroll.
    expect(t.heads[1]!.right).toBeLessThanOrEqual(1400);
    expect(t.sticky).toBe('sticky');
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'e2e-report-key-metrics.png') });
    // The dashboard orders its key metrics the same way.
    await page.goto(`${session.url}#run=${RANKED_LAST_FIRST}`);
    await page.waitForSelector(`#run-body[data-run="${RANKED_LAST_FIRST}"][data-ready="true"]`, { timeout: 30_000 });
    expect(await page.$$eval('#run-summary table.key-metrics thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['metric', ...VARIANTS.map((v) => v[0]).reverse()]);
    expect(session.problems).toEqual([]);
  }, 60_000);
});
