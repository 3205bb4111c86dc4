import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCharts, paretoFrontier, renderSvg, reportHtml, renderCharts, writeReport } from '../../src/report/index.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { makePolicyResults, makeResults } from './fixtures/make.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('charts', () => {
  it('builds every chart the results support', () => {
    const names = buildCharts(makePolicyResults()).map((c) => c.name);
    expect(names).toEqual(['load', 'response-time-p95', 'utilisation', 'room-temperature', 'open-incidents', 'staffing', 'sla-attainment', 'cost-vs-sla', 'incident-timeline', 'time-to-resolve', 'mttr']);
  });

  it('skips charts whose data are absent', () => {
    const doc = makeResults();
    const v = doc.variants[0]!;
    v.series = { ...v.series!, columns: ['t', 'checkout.arrivals'], mean: v.series!.mean.map((r) => r.slice(0, 2)), lo: v.series!.lo.map((r) => r.slice(0, 2)), hi: v.series!.hi.map((r) => r.slice(0, 2)) };
    v.sampleIncidents = [];
    v.metrics = { 'cost.total': v.metrics['cost.total']! };
    expect(buildCharts(doc).map((c) => c.name)).toEqual(['load']);
  });

  it('copes with an empty document', () => {
    const doc: ResultsDocument = { ...makeResults(), variants: [] };
    expect(buildCharts(doc)).toEqual([]);
    expect(reportHtml(doc, [])).toContain('No chart data');
  });

  it('finds the Pareto frontier (cheaper and better dominates)', () => {
    const f = paretoFrontier([
      { cost: 1, attainment: 0.9 },
      { cost: 2, attainment: 0.95 },
      { cost: 3, attainment: 0.94 },
      { cost: 3, attainment: 0.99 },
    ]);
    expect([...f].sort()).toEqual([0, 1, 3]);
    const spec = buildCharts(makePolicyResults()).find((c) => c.name === 'cost-vs-sla')!.spec;
    const rows = (spec.data as { values: { variant: string; frontier: string }[] }).values;
    expect(rows.find((r) => r.variant === 'outsourced-l1')!.frontier).toBe('dominated');
    expect(rows.find((r) => r.variant === 'six-operators')!.frontier).toBe('Pareto frontier');
  });

  it('cost axis starts at zero when the cheapest policy is near it, and no label overprints another', () => {
    const doc = makePolicyResults();
    // GlobalMart's shape: one policy almost free, the others hundreds of times dearer, all on one probability.
    const costs = [5247, 72830, 169400, 386900];
    doc.variants.forEach((v, i) => (v.metrics['cost.total'] = { ...v.metrics['cost.total']!, mean: costs[i % costs.length]! }));
    for (const v of doc.variants) v.metrics['sla.checkout-latency.attainment'] = { ...v.metrics['sla.checkout-latency.attainment']!, mean: 0.999 };
    for (const v of doc.variants) v.metrics['sla.incident-response.attainment'] = { ...v.metrics['sla.incident-response.attainment']!, mean: 0.999 };
    const spec = buildCharts(doc).find((c) => c.name === 'cost-vs-sla')!.spec;
    expect(JSON.stringify(spec)).toContain('"scale":{"zero":true}');
    const rows = (spec.data as { values: { variant: string; cost: number; labelY: number }[] }).values;
    const span = Math.max(...rows.map((r) => r.cost));
    const width = (spec as { width: number }).width;
    for (const a of rows)
      for (const b of rows) {
        if (a === b || b.cost < a.cost) continue;
        const overlapX = ((b.cost - a.cost) * width) / span < a.variant.length * 7 + 14;
        expect(overlapX && a.labelY === b.labelY, `${a.variant} / ${b.variant}`).toBe(false);
      }
  });

  it('shades the ASHRAE bands on the temperature chart', () => {
    const spec = JSON.stringify(buildCharts(makeResults()).find((c) => c.name === 'room-temperature')!.spec);
    expect(spec).toContain('recommended 18–27 °C');
    expect(spec).toContain('A1 allowable 15–32 °C');
  });
});

describe('rendering', () => {
  it('renders SVG deterministically, without a browser', async () => {
    const spec = buildCharts(makeResults())[0]!.spec;
    const a = await renderSvg(spec);
    const b = await renderSvg(JSON.parse(JSON.stringify(spec)));
    expect(a.startsWith('<svg')).toBe(true);
    expect(a).toContain('mark-line');
    expect(a).toBe(b);
  });

  it('writes a self-contained report with charts beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsim-report-'));
    dirs.push(dir);
    const doc = makePolicyResults();
    const written = await writeReport(dir, doc);
    expect(written.path).toBe(join(dir, 'report.html'));
    const html = await readFile(written.path, 'utf8');
    // Offline: nothing is fetched (the only URLs are SVG namespace identifiers).
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html.replace(/xmlns(:xlink)?="[^"]*"/g, '')).not.toMatch(/https?:\/\//);
    expect(html).toContain('<svg');
    expect(html).toContain('sla.checkout-latency.attainment');
    expect(html).toContain('five-operators');
    const files = (await readdir(join(dir, 'charts'))).sort();
    expect(files).toContain('cost-vs-sla.vl.json');
    expect(files).toContain('cost-vs-sla.svg');
    expect(files.length).toBe(2 * written.charts.length);
    // Same results, same bytes.
    const again = reportHtml(doc, await renderCharts(doc));
    expect(again).toBe(html);
    if (process.env.OPSIM_KEEP_REPORT) await writeReport(process.env.OPSIM_KEEP_REPORT, doc);
  });

  it('escapes scenario text in HTML', async () => {
    const doc = makeResults();
    doc.scenario.name = '<script>alert(1)</script>';
    doc.complete = false;
    doc.failures = [{ variant: 'base', replication: 3, seed: '1', error: 'boom <b>' }];
    const html = reportHtml(doc, []);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('incomplete');
  });
});

describe('report.html escapes what the user named', () => {
  it('a scenario file name and a variant name holding <, & and " never become markup', () => {
    const file = 'a<img src=x onerror=alert(1)>&"q.yaml';
    const evil = 'v<b>&"x';
    const doc = makeResults([['base', 4, 52000, 0.962], [evil, 5, 58000, 0.981]]);
    doc.scenario.file = file;
    doc.scenarioWarnings = [
      { file, line: 4, column: 23, path: 'services[0].servers', message: `in variant ${evil}: "s" is overloaded` },
      { file: null, line: null, column: null, path: 'x<y>', message: 'inline <i>' },
    ];
    doc.failures = [{ variant: evil, replication: 2, seed: '9', error: '<script>boom</script>' }];
    const html = reportHtml(doc, []);
    // Nothing the user named opens a tag: the only tags are the report's own.
    expect(html).not.toMatch(/<img|<b>|<script|<i>|<y>/);
    expect(html).toContain('(a&lt;img src=x onerror=alert(1)&gt;&amp;&quot;q.yaml:4:23 <code>services[0].servers</code>)');
    expect(html).toContain('((inline) <code>x&lt;y&gt;</code>)');
    expect(html).toContain('v&lt;b&gt;&amp;&quot;x');
  });
});
