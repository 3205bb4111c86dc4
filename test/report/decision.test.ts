/** The report leads with the decision: verdict table first, the story in clock time, units from the catalog. */
import { describe, expect, it } from 'vitest';
import { buildCharts, reportHtml } from '../../src/report/index.js';
import { clockTime, formatValue } from '../../src/report/units.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { makePolicyResults } from './fixtures/make.js';

/** The policy fixture made to look like a one-day GlobalMart run with verdicts, a stated basis and a catalog. */
function decided(): ResultsDocument {
  const doc = makePolicyResults();
  doc.horizonSeconds = 86400;
  doc.reference = 'base';
  doc.slas = [{ name: 'checkout-latency', service: 'checkout', target: 0.999, periodSeconds: 30 * 86400, observedSeconds: 86400, basis: 'rest-of-period-met', budgetMinutes: 43.2, statement: '99.9 % per 30 d period, the rest of the period assumed met', latency: { threshold: 2, target: 0.99 } }];
  doc.metrics = {
    'cost.total': { name: 'cost.total', unit: 'currency', better: 'lower', range: { lo: 0 }, doc: 'cost' },
    'sla.checkout-latency.first_breach': { name: 'sla.<sla>.first_breach', unit: 'clock_seconds', better: 'higher', range: { lo: 0 }, doc: 'first breach' },
    'sla.checkout-latency.breach_minutes': { name: 'sla.<sla>.breach_minutes', unit: 'minutes', better: 'lower', range: { lo: 0 }, doc: 'breach minutes' },
    'sla.checkout-latency.met': { name: 'sla.<sla>.met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'met' },
    'incidents.P1.targets_met': { name: 'incidents.<priority>.targets_met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'P1 targets met' },
  };
  doc.ranking = { metric: 'cost.total', direction: 'lower', order: doc.variants.map((v, i) => ({ variant: v.name, mean: v.metrics['cost.total']!.mean, ci95: v.metrics['cost.total']!.ci95, rank: i + 1 })) };
  doc.variants.forEach((v, i) => {
    const met = [2, 6, 9, 1][i]!;
    v.slaProbabilities = [{ metric: 'sla.checkout-latency.met', met, n: 10, p: met / 10, ci95: [met / 20, Math.min(1, met / 10 + 0.2)] }];
    v.metrics['sla.checkout-latency.first_breach'] = { n: 10, mean: 63000, sd: 0, ci95: [63000, 63000], min: 63000, max: 63000, p05: 63000, p50: 63000, p95: 63000 };
    v.metrics['sla.checkout-latency.breach_minutes'] = { n: 10, mean: 47.5 - 5 * i, sd: 8, ci95: [40 - 5 * i, 55 - 5 * i], min: 25, max: 60, p05: 30, p50: 47.5, p95: 60 };
    v.metrics['incidents.P1.targets_met'] = { n: 8, mean: 0.75, sd: 0.46, ci95: [0.41, 0.93], method: 'wilson', min: 0, max: 1, p05: 0, p50: 1, p95: 1 };
    v.metrics['sla.checkout-latency.error_budget_used'] = { n: 10, mean: 1.1, sd: 0.2, ci95: [0.93, 1.27], min: 0.6, max: 1.4, p05: 0.6, p50: 1.1, p95: 1.4 };
    v.sampleIncidents = [
      { id: 1, type: 'false-alarm', cause: 'false-alarm', priority: 'P2', raisedAt: 54000, detectedAt: 54000, acknowledgedAt: 54000, resolvedAt: 54600, resolvedBy: 'L1', responseBreached: false, resolutionBreached: false },
      { id: 2, type: 'lb-misconfiguration', cause: 'lb-misweight', priority: 'P1', raisedAt: 63000, detectedAt: 63120, acknowledgedAt: 63120, resolvedAt: 65880, resolvedBy: 'L2', responseBreached: false, resolutionBreached: false },
      { id: 3, type: 'cooling-failure', cause: 'crac-failure', priority: 'P2', raisedAt: 63900, detectedAt: 64020, acknowledgedAt: 64020, resolvedAt: 65180, resolvedBy: 'facilities', responseBreached: false, resolutionBreached: false },
    ];
  });
  return doc;
}

describe('report.html leads with the decision', () => {
  const doc = decided();
  const html = reportHtml(doc, []);

  it('puts the verdict table, with P(met), its interval, cost and rank, before any chart or metric table', () => {
    const verdict = html.indexOf('<table class="verdict">');
    expect(verdict).toBeGreaterThan(0);
    expect(verdict).toBeLessThan(html.indexOf('<h2>Key metrics'));
    expect(verdict).toBeLessThan(html.indexOf('<h2>Charts'));
    const table = html.slice(verdict, html.indexOf('</table>', verdict));
    expect(table).toContain('P(checkout-latency met)');
    expect(table).toMatch(/0\.90<\/strong> <span class="ci">\[0\.45, 1\.00\] 9\/10/);
    expect(table).toContain('total cost (currency units)');
    expect(table).toContain('52 k');
    // Ranked rows: a policy that misses the SLA never ranks above one that meets it. By cost
    // base ranks 1, but its P(met) is 0.20; six-operators (0.90, green) comes first, then
    // five-operators (0.60, amber), then base and outsourced-l1 (red) in their cost order.
    const order = [...table.matchAll(/<tr><td>(\d+)<\/td><th scope="row">([^<]+)</g)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual(['1 six-operators', '2 five-operators', '3 base', '4 outsourced-l1']);
    expect(html).toContain('a policy that misses its SLA or target never ranks above one that meets it');
    expect(html).toContain('99.9 % per 30 d period, the rest of the period assumed met');
    // Other verdicts of the catalog (incident targets) get their own P(…) column, headed by the
    // spec's label (the name, for the CSV, in its tooltip); the SLA's own flag is not repeated.
    expect(table).toContain('<th title="incidents.P1.targets_met: P1 targets met">P(P1 incident targets met)</th>');
    expect(table).toMatch(/0\.75<\/strong> <span class="ci"> \[0\.41, 0\.93\] n=8/);
    expect(table).not.toMatch(/P\((<code>)?sla\.checkout-latency\.met|checkout-latency SLA met/);
  });

  it('tells what happened in clock time, false alarms left out', () => {
    expect(html).toContain('breached from 17:30 for 47.5 min');
    expect(html).toMatch(/17:30 <strong>lb-misconfiguration<\/strong>.*detected 17:32, resolved 18:18 by L2/);
    expect(html).toContain('17:45 <strong>cooling-failure</strong>');
    expect(html).toContain('besides 1 false alarm');
    expect(html).not.toMatch(/15:00 <strong>false-alarm/);
  });

  it('folds the paired comparisons away, the notable ones first', () => {
    const at = html.indexOf('Paired comparisons');
    expect(at).toBeGreaterThan(html.indexOf('<h2>Charts'));
    expect(html.slice(at, at + 300)).toContain('<details>');
  });

  it('marks the faults on the time charts, draws the latency threshold and a clock-time axis; time to resolve leaves false alarms out', () => {
    const charts = buildCharts(doc);
    const p95 = JSON.stringify(charts.find((c) => c.name === 'response-time-p95')!.spec);
    expect(p95).toContain('17:30 lb-misconfiguration');
    expect(p95).toContain('17:45 cooling-failure');
    expect(p95).toContain('checkout-latency: 99 % under 2 s');
    expect(p95).toContain('clock time (simulated)');
    const ttr = charts.find((c) => c.name === 'time-to-resolve')!.spec as { data: { values: { priority: string; hours: number }[] } };
    // One real P2 (cooling, 1160 s) per variant; the false alarm (P2, 600 s) is not among them.
    expect(ttr.data.values.filter((r) => r.priority === 'P2').map((r) => r.hours)).toEqual(doc.variants.map(() => Number((1160 / 3600).toPrecision(6))));
  });

  it('draws identical lines once, labelled with every variant that shares them', () => {
    const d = decided();
    d.variants = d.variants.slice(0, 2);
    d.variants[1]!.series = JSON.parse(JSON.stringify(d.variants[0]!.series));
    const load = buildCharts(d).find((c) => c.name === 'load')!.spec as { data: { values: { series: string }[] } };
    const names = [...new Set(load.data.values.map((r) => r.series))];
    expect(names).toEqual(['base = five-operators: checkout', 'base = five-operators: inventory']);
  });
});

describe('the verdicts are read from the specs\' SLA roles, not from metric names', () => {
  /** The decided fixture with its SLA's metrics renamed, their specs saying which role each plays. */
  function renamed(): ResultsDocument {
    const doc = decided();
    doc.slas = undefined;
    const rename: Record<string, [string, string, 'met' | 'error_budget_used' | 'first_breach' | 'breach_minutes']> = {
      met: ['contract.checkout-latency.verdict', 'contract.<sla>.verdict', 'met'],
      error_budget_used: ['contract.checkout-latency.budget_spent', 'contract.<sla>.budget_spent', 'error_budget_used'],
      first_breach: ['contract.checkout-latency.first_bad_window', 'contract.<sla>.first_bad_window', 'first_breach'],
      breach_minutes: ['contract.checkout-latency.bad_minutes', 'contract.<sla>.bad_minutes', 'breach_minutes'],
    };
    const catalog = doc.metrics!;
    for (const [old, [name, template, role]] of Object.entries(rename)) {
      const from = `sla.checkout-latency.${old}`;
      const spec = catalog[from] ?? { name: template, unit: 'fraction', better: 'lower', range: { lo: 0 }, doc: old };
      delete catalog[from];
      catalog[name] = { ...spec, name: template, sla: role };
      for (const v of doc.variants) {
        v.metrics[name] = v.metrics[from]!;
        delete v.metrics[from];
        for (const p of v.slaProbabilities ?? []) if (p.metric === from) p.metric = name;
      }
    }
    // A flag named like an SLA verdict whose spec gives it no role (and is no template of today's models): not an SLA.
    catalog['sla.decoy.met'] = { name: 'sla.<thing>.met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: 'decoy' };
    for (const v of doc.variants) v.slaProbabilities!.push({ metric: 'sla.decoy.met', met: 5, n: 10, p: 0.5, ci95: [0.2, 0.8] });
    return doc;
  }

  it('finds the SLA, its P(met), budget and breaches under other names', () => {
    const html = reportHtml(renamed(), []);
    const verdict = html.indexOf('<table class="verdict">');
    const table = html.slice(verdict, html.indexOf('</table>', verdict));
    expect(table).toContain('P(checkout-latency met)');
    expect(table).toMatch(/0\.90<\/strong> <span class="ci">\[0\.45, 1\.00\] 9\/10/);
    expect(table).toContain('<th>checkout-latency error budget used</th>');
    expect(table).toMatch(/<td>110.0 %/);
    expect(table).not.toContain('P(decoy met)');
    expect(table).not.toContain('P(<code>contract.checkout-latency.verdict</code>)');
    expect(html).toContain('breached from 17:30 for 47.5 min');
  });

  it('reads a document whose catalog has no roles with today\'s specs of the same templates', () => {
    const html = reportHtml(decided(), []);
    const verdict = html.indexOf('<table class="verdict">');
    const table = html.slice(verdict, html.indexOf('</table>', verdict));
    // decided() has no roles in its catalog (and no spec for error_budget_used at all).
    expect(table).toMatch(/<td>110.0 %/);
    expect(html).toContain('breached from 17:30 for 47.5 min');
  });
});

describe('units', () => {
  it('clock times, durations, shares and money', () => {
    expect(clockTime(63000)).toBe('17:30');
    expect(clockTime(63000 + 86400, 3 * 86400)).toBe('day 2 17:30');
    // A one-day run: its end is 24:00; a bound past it (GlobalMart's freeze-peak-hours first breach, n = 2: [18:51, 27:19 h]) says its day instead of wrapping to 03:19.
    expect(clockTime(86400)).toBe('24:00');
    expect(clockTime(98347.4)).toBe('day 2 03:19');
    expect(formatValue(98347.4, 'clock_seconds', 86400)).toBe('day 2 03:19');
    expect(formatValue(47.5, 'minutes')).toBe('47.5 min');
    expect(formatValue(0.99890, 'fraction')).toBe('99.89 %');
    expect(formatValue(2569, 'seconds')).toBe('42.8 min');
    // Zero has no scale: an interval cut at 0 reads [0 s, 9.46 min], not [0 ms, 9.46 min].
    expect(formatValue(0, 'seconds')).toBe('0 s');
    expect(formatValue(0.25, 'seconds')).toBe('250 ms');
    expect(formatValue(453400, 'currency')).toBe('453.4 k');
    expect(formatValue(25.7, 'celsius')).toBe('25.7 °C');
    expect(formatValue(1.5, undefined)).toBe('1.5');
  });
});
