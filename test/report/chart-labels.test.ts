/**
 * Charts say what the tables say: an axis over the metrics of one spec is titled by the spec's
 * label (without the label the chart spreads them over), the cost axis by cost.total's label;
 * tooltips keep the metric's name as in results.json.
 */
import { describe, expect, it } from 'vitest';
import { buildCharts, type Json } from '../../src/report/charts.js';
import { makePolicyResults } from './fixtures/make.js';

/** Every axis or legend title in a chart spec. */
function titles(spec: Json): string[] {
  const out: string[] = [];
  const walk = (x: Json): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) if (k === 'title' && typeof v === 'string') out.push(v); else walk(v);
  };
  walk(spec);
  return out;
}

function chart(name: string, doc = makePolicyResults()): Json {
  const c = buildCharts(doc).find((x) => x.name === name);
  expect(c, name).toBeDefined();
  return c!.spec;
}

describe('chart titles from the metric labels', () => {
  it('title the MTTR, attainment and cost axes by the labels', () => {
    expect(titles(chart('mttr'))).toContain('mean time to resolve (h)');
    expect(titles(chart('mttr'))).not.toContain('MTTR (h)');
    expect(titles(chart('sla-attainment'))).toContain('SLA attainment (%)');
    expect(titles(chart('cost-vs-sla'))).toContain('Total cost (currency units)');
  });

  it('follow a reworded label, and fall back to their own words without one', () => {
    const doc = makePolicyResults();
    for (const [n, s] of Object.entries(doc.metrics!)) if (s.name === 'incidents.<priority>.mttr') doc.metrics![n] = { ...s, label: 'time to fix <priority> incidents' };
    expect(titles(chart('mttr', doc))).toContain('time to fix incidents (h)');
    // A metric today's models do not declare, without a label: the chart's own words.
    const bare = makePolicyResults();
    for (const v of bare.variants) {
      for (const k of Object.keys(v.metrics)) if (k.endsWith('.mttr')) { v.metrics[k.replace('incidents.', 'tickets.')] = v.metrics[k]!; delete v.metrics[k]; }
    }
    for (const k of Object.keys(bare.metrics!)) if (k.endsWith('.mttr')) { bare.metrics![k.replace('incidents.', 'tickets.')] = { ...bare.metrics![k]!, name: 'tickets.<priority>.mttr', label: undefined }; delete bare.metrics![k]; }
    expect(titles(chart('mttr', bare))).toContain('MTTR (h)');
  });

  it('keep the metric name in the tooltips', () => {
    const tips = JSON.stringify(chart('mttr'));
    expect(tips).toContain('"metric":"incidents.P1.mttr"');
    expect(tips).toMatch(/"tooltip":\[[^\]]*\{"field":"metric"\}/);
    expect(JSON.stringify(chart('sla-attainment'))).toMatch(/"metric":"sla\.[a-z-]+\.attainment"/);
  });
});

describe('the cost axis of the cost-vs-SLA chart', () => {
  it('reads like the tables: one variant\'s cost is "3,360", never "3,360.000000"', async () => {
    const { renderSvg } = await import('../../src/report/render.js');
    const doc = makePolicyResults();
    doc.variants = doc.variants.slice(0, 1);
    const cost = doc.variants[0]!.metrics['cost.total']!;
    doc.variants[0]!.metrics['cost.total'] = { ...cost, mean: 3360, ci95: [3360, 3360], min: 3360, max: 3360, p05: 3360, p50: 3360, p95: 3360 };
    const c = buildCharts(doc).find((x) => x.name === 'cost-vs-sla')!;
    const svg = await renderSvg(c.spec);
    const labels = [...svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/gs)].flatMap((m) => [...m[1]!.matchAll(/>([^<]+)<\/text>/g)].map((x) => x[1]!));
    expect(labels).toContain('3,360');
    expect(labels.join(' ')).not.toMatch(/\.0{3,}/);
  });
});
