/**
 * Planner-facing labels: tables and summaries are headed by a metric spec's short `label`
 * (filled like its name template), with the raw name kept as a tooltip or small print for the
 * CSV; a document written before labels existed is labelled through today's specs. And the
 * report's warnings, folded, read as a few grouped statements instead of a hundred lines.
 */
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../src/cli/run.js';
import { MODELS } from '../../src/models/index.js';
import { labelOf, readCatalog } from '../../src/report/catalog.js';
import { reportHtml } from '../../src/report/index.js';
import { verdictTable, warningsHtml } from '../../src/report/decision.js';
import type { MetricSummary, ResultsDocument } from '../../src/results/format.js';
import { metricLabel, templateLabels } from '../../src/results/metrics.js';
import { makePolicyResults, makeResults } from './fixtures/make.js';

const summary = (mean: number, n = 10): MetricSummary => ({ n, mean, sd: 0.1, ci95: [mean * 0.9, mean * 1.1], min: 0, max: 1, p05: 0, p50: mean, p95: 1 });

describe('metric labels', () => {
  it('fill the label template with the values of the name, else fall back to the name', () => {
    const spec = { name: 'incidents.<priority>.targets_met', label: '<priority> incident targets met' };
    expect(metricLabel(spec, 'incidents.P1.targets_met')).toBe('P1 incident targets met');
    expect(metricLabel({ name: 'service.<service>.class.<class>.x', label: '<class> x at <service>' }, 'service.web.class.gold.x')).toBe('gold x at web');
    expect(metricLabel({ name: 'cost.total' }, 'cost.total')).toBe('cost.total');
    expect(metricLabel(undefined, 'cost.total')).toBe('cost.total');
    // A name that is not an instance of the template keeps its own name.
    expect(metricLabel(spec, 'incidents.P1.mttr')).toBe('incidents.P1.mttr');
  });

  it('are declared for every key metric and every 0/1 verdict, using only labels their name has', () => {
    for (const m of MODELS) {
      for (const s of m.metrics) {
        if (s.key !== undefined || s.flag === true) expect(s.label, s.name).toBeDefined();
        if (s.label === undefined) continue;
        const have = templateLabels(s.name);
        for (const l of templateLabels(s.label)) expect(have, `${s.name} label "${s.label}"`).toContain(l);
        expect(s.label.length, s.name).toBeLessThanOrEqual(40);
      }
    }
  });

  it('head the key-metrics rows, with the raw name in small print beneath', () => {
    const doc = makePolicyResults();
    const html = reportHtml(doc, []);
    expect(html).toContain('<span class="label" title="95th percentile of the response time of successful requests (same histogram).">checkout p95 response time</span>');
    // A duration has no unit tag (its figures carry theirs); other units keep theirs after the label.
    expect(html).toContain('checkout p95 response time</span><br><code class="name">service.checkout.response_time.p95</code>');
    expect(html).toContain('Total cost</span> <span class="ci">currency units</span><br><code class="name">cost.total</code>');
    // A metric without a label is shown by its name, as before.
    expect(html).toMatch(/<code title="[^"]*">sla\.checkout-latency\.attainment<\/code>|checkout-latency SLA attainment/);
  });

  it('label a document written before labels through today\'s specs of the same template', () => {
    const doc = makePolicyResults();
    for (const [name, spec] of Object.entries(doc.metrics!)) doc.metrics![name] = { ...spec, label: undefined };
    expect(doc.metrics!['incidents.P1.mttr']!.label).toBeUndefined();
    expect(labelOf(doc, 'incidents.P1.mttr')).toBe('P1 mean time to resolve');
    // A spec today's models do not declare keeps its name.
    doc.metrics!['pump.flow'] = { name: 'pump.flow', unit: 'count', better: 'neutral', doc: 'test' };
    expect(labelOf(doc, 'pump.flow')).toBe('pump.flow');
  });

  it('of one metric are the whole catalog\'s, read before or after it', () => {
    // labelOf completes only the metric it is asked for until the whole catalog has been read.
    const docs: [string, () => ResultsDocument][] = [
      ['with catalog', makePolicyResults],
      ['another', makeResults],
      ['written before labels', () => {
        const d = makePolicyResults();
        for (const [name, spec] of Object.entries(d.metrics!)) d.metrics![name] = { ...spec, label: undefined };
        return d;
      }],
      ['without catalog', () => {
        const d = makePolicyResults();
        delete d.metrics;
        return d;
      }],
      ['partial catalog, foreign and SLA-only metrics', () => {
        const d = makePolicyResults();
        delete d.metrics!['incidents.P1.mttr'];
        d.metrics!['pump.flow'] = { name: 'pump.flow', unit: 'count', better: 'neutral', doc: 'test', label: 'Pump flow' };
        d.metrics!['incidents.P9.mttr'] = { name: 'incidents.<priority>.mttr', unit: 'seconds', better: 'lower', doc: 'test' };
        d.variants[0]!.slaProbabilities = [...(d.variants[0]!.slaProbabilities ?? []), { metric: 'sla.extra.met', met: 1, n: 2, p: 0.5, ci95: [0, 1] }];
        return d;
      }],
    ];
    for (const [what, make] of docs) {
      const whole = readCatalog(make());
      const doc = make();
      const names = [...new Set([...Object.keys(whole), ...doc.variants.flatMap((v) => Object.keys(v.metrics)), 'sla.extra.met', 'not.a.metric', 'service.nowhere.utilisation', 'toString'])];
      const expected = names.map((n) => [n, metricLabel(whole[n], n)]);
      expect(names.map((n) => [n, labelOf(doc, n)]), what).toEqual(expected);
      readCatalog(doc);
      expect(names.map((n) => [n, labelOf(doc, n)]), what).toEqual(expected);
    }
    expect(labelOf(makeResults(), 'service.nowhere.utilisation')).toBe('service.nowhere.utilisation');
  });

  it('name the rank metric in the verdict table by its label', () => {
    const doc = makePolicyResults();
    doc.reference = 'base';
    doc.ranking = { metric: 'incidents.P1.mttr', direction: 'lower', order: doc.variants.map((v, i) => ({ variant: v.name, mean: 1, ci95: [0, 2], rank: i + 1 })) };
    const table = verdictTable(doc);
    // A duration's header has no unit: its figures carry theirs ("37.5 min").
    expect(table).toContain('>P1 mean time to resolve</th>');
    expect(table).toContain('Rank by P1 mean time to resolve (<code>incidents.P1.mttr</code>, lower is better)');
    expect(table).not.toContain('<code>incidents.P1.mttr</code> (seconds)');
  });

  it('head each block of the CLI summary, with the name in results.json beside the label', () => {
    const text = summaryTable(makePolicyResults());
    expect(text).toMatch(/^Total cost \(cost\.total\)$/m);
    expect(text).toMatch(/^ {2}five-operators +58 k +\[57\.42 k, 58\.58 k\] +10$/m);
  });
});

describe('warnings in report.html', () => {
  /** A GlobalMart-like pile: 8 variants × 10 imprecise key metrics, 14 counts that never occurred, 1 small n. */
  function noisy(): ResultsDocument {
    const doc = makePolicyResults();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    doc.variants = names.map((n) => ({ ...doc.variants[0]!, name: n }));
    const keys = Object.keys(doc.variants[0]!.metrics).slice(0, 10);
    doc.warnings = [{ kind: 'small-n', variant: 'h', message: 'h: 4 replications; intervals from fewer than 5 are rough' }];
    for (const m of keys) for (const v of names) doc.warnings.push({ kind: 'imprecise', variant: v, metric: m, message: `${v} ${m}: ±12 % at n = 10, wider than ±5 %` });
    for (let i = 0; i < 14; i++) doc.warnings.push({ kind: 'never-occurred', metric: `failures.class-${i}.count`, message: `failures.class-${i}.count: 0 in every replication of every variant` });
    for (const v of doc.variants) v.metrics['incidents.P1.targets_met'] = summary(1);
    return doc;
  }

  it('count them by kind in the fold, and group each kind by metric with its first and last message', () => {
    const doc = noisy();
    const html = warningsHtml(doc);
    expect(html).toMatch(/<summary>95 warnings about these figures: 1 few replications, 80 imprecise, 14 never occurred<\/summary>/);
    const kinds = [...html.matchAll(/<div class="wkind" data-kind="([a-z-]+)">/g)].map((m) => m[1]);
    expect(kinds).toEqual(['small-n', 'imprecise', 'never-occurred']);
    const imprecise = html.slice(html.indexOf('data-kind="imprecise"'), html.indexOf('data-kind="never-occurred"'));
    expect(imprecise).toContain('<strong>80 imprecise</strong> (10 metrics, all 8 variants)');
    expect(imprecise).toContain('First: a service.checkout.response_time.p95: ±12 % at n = 10, wider than ±5 %');
    expect(imprecise).toMatch(/Last: h [A-Za-z.0-9-]+: ±12 %/);
    // Each metric once, by its label, with how many variants it concerns.
    expect(imprecise.match(/<li>checkout p95 response time <code class="name">service\.checkout\.response_time\.p95<\/code> ×8<\/li>/g)).toHaveLength(1);
    // A metric only some variants warn about says which.
    doc.warnings = doc.warnings!.filter((w) => !(w.metric === 'cost.total' && (w.variant === 'c' || w.variant === 'd')));
    expect(warningsHtml(doc)).toContain('<li>Total cost <code class="name">cost.total</code> ×6 <span class="meta">(all but c, d)</span></li>');
    // Every message is still there, one click away.
    expect(imprecise).toContain('<details><summary>all 80 messages</summary>');
    expect(imprecise.match(/<li>[a-h] [^<]*±12 %/g)).toHaveLength(80);
  });

  it('shows a kind of warning it does not know under its own name, escaped, after the known ones', () => {
    const doc = noisy();
    doc.warnings!.unshift({ kind: '<later>' as 'imprecise', metric: 'cost.total', message: 'from a later opsim' });
    const html = warningsHtml(doc);
    expect(html).toContain('<div class="wkind" data-kind="&lt;later&gt;"><p><strong>1 &lt;later&gt;</strong>');
    expect(html).not.toContain('<later>');
    expect([...html.matchAll(/<div class="wkind" data-kind="([^"]+)">/g)].map((m) => m[1])).toEqual(['small-n', 'imprecise', 'never-occurred', '&lt;later&gt;']);
  });

  it('shows the grouped fold in the report, not a flat list of every message', () => {
    const html = reportHtml(noisy(), []);
    const fold = html.slice(html.indexOf('<details class="warnings">'));
    // Visible when the fold opens: the kinds' statements, not the 95 messages (those sit in inner folds).
    const outer = fold.replace(/<details><summary>all \d+ messages<\/summary>.*?<\/details>/gs, '');
    expect((outer.slice(0, outer.indexOf('</details>')).match(/±12 %/g) ?? []).length).toBe(2);
  });
});
