/**
 * Figures read together are written in one scale: a mean and its interval's bounds (report.html,
 * the verdict table, the CLI summary, the dashboard through the same module) read
 * [1.67 h, 2.5 h], never [100 min, 2.5 h]; a paired difference and its interval likewise.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../src/cli/run.js';
import { reportHtml } from '../../src/report/index.js';
import { verdictTable } from '../../src/report/decision.js';
import { formatDeltaTogether, formatTogether, formatValue, grouped, unitLabel } from '../../src/report/units.js';
import type { MetricSummary, ResultsDocument } from '../../src/results/format.js';
import { makePolicyResults } from './fixtures/make.js';

const est = (mean: number, lo: number, hi: number): MetricSummary => ({ n: 30, mean, sd: 1, ci95: [lo, hi], min: lo, max: hi, p05: lo, p50: mean, p95: hi });

/** A policy document whose P1 MTTR straddles the 2 h step between minutes and hours. */
function straddling(): ResultsDocument {
  const doc = makePolicyResults();
  doc.variants[0]!.metrics['incidents.P1.mttr'] = est(7000, 6000, 9000);
  return doc;
}

describe('one scale for figures read together', () => {
  it('writes a mean and its bounds in the scale of the largest', () => {
    // Each alone: the old, mixed reading.
    expect([6000, 9000].map((x) => formatValue(x, 'seconds'))).toEqual(['100 min', '2.5 h']);
    expect(formatTogether([7000, 6000, 9000], 'seconds')).toEqual(['1.94 h', '1.67 h', '2.5 h']);
    // dr-failover's failed transactions: 9,644.4 [9,234.1, 10.1 k] before.
    expect(formatTogether([9644.4, 9234.1, 10100], 'count')).toEqual(['9.64 k', '9.23 k', '10.1 k']);
    expect(formatTogether([9800, 10200], 'currency')).toEqual(['9.8 k', '10.2 k']);
    expect(formatTogether([800, 1200], 'watts')).toEqual(['0.8 kW', '1.2 kW']);
    expect(formatTogether([90, 150], 'minutes')).toEqual(['1.5 h', '2.5 h']);
    expect(formatTogether([0.6, 1.2], 'seconds')).toEqual(['0.6 s', '1.2 s']);
    // An interval cut at 0 (dr-failover's RPO) reads in the scale of its upper bound.
    expect(formatTogether([372.6, 0, 567.6], 'seconds')).toEqual(['6.21 min', '0 min', '9.46 min']);
    // A zero count or sum of money reads 0 beside 10.1 k (a zero difference in the dashboard's compare view), not "0 k".
    expect(formatTogether([0, -7614, 45600], 'currency')).toEqual(['0', '-7.614 k', '45.6 k']);
    expect(formatTogether([0, 10100], 'count')).toEqual(['0', '10.1 k']);
    // A small sum of money keeps its cents, in one scale with its interval (branch-wan-peak's circuit: 7.5 [7.2, 7.8], not 8 [7, 8]).
    expect(formatTogether([7.5, 7.2, 7.8], 'currency')).toEqual(['7.5', '7.2', '7.8']);
    expect(formatTogether([99.5, 98.75, 101], 'currency')).toEqual(['100', '99', '101']);
    // Different figures never read alike: the mean is not written as its own bound (review finding).
    expect(formatTogether([150.6, 150.2, 151.1], 'currency')).toEqual(['150.6', '150.2', '151.1']);
    expect(formatTogether([9999.6, 9999.2, 10000.4], 'currency')).toEqual(['9.9996 k', '9.9992 k', '10 k']);
    expect(formatTogether([1.52, 1.514, 1.523], 'seconds')).toEqual(['1.52 s', '1.514 s', '1.523 s']);
    // Equal figures, or ones within the last of three more digits, read alike as before.
    expect(formatTogether([1.5, 1.4999999, 1.5000001], 'seconds')).toEqual(['1.5 s', '1.5 s', '1.5 s']);
  });

  it('leaves alone what has one scale or no figure', () => {
    expect(formatTogether([0, 0], 'seconds')).toEqual(['0 s', '0 s']);
    expect(formatTogether([NaN, 60, 9000], 'seconds')).toEqual(['—', '0.0167 h', '2.5 h']);
    // Percentages read together share one precision (percentDecimals): two places when one is between 99 % and 100 %.
    expect(formatTogether([0.9989, 0.95], 'fraction')).toEqual(['99.89 %', '95.00 %']);
    expect(formatTogether([63000, 64800], 'clock_seconds')).toEqual(['17:30', '18:00']);
    expect(formatTogether([1.5, 2e6], undefined)).toEqual(['1.5', '2.000e+6']);
    expect(formatTogether([47.5], 'minutes')).toEqual([formatValue(47.5, 'minutes')]);
  });

  it('writes a difference and its interval in one scale, each with its sign', () => {
    const doc = makePolicyResults();
    expect(formatDeltaTogether(doc, 'incidents.P1.mttr', [-100, -150, -50])).toEqual(['−1.67 min', '−2.5 min', '−0.833 min']);
    // A clock time's difference is a duration.
    doc.metrics!['sla.x.first_breach'] = { name: 'sla.<sla>.first_breach', unit: 'clock_seconds', better: 'higher', doc: 'test' };
    expect(formatDeltaTogether(doc, 'sla.x.first_breach', [900, -60, 1800])).toEqual(['15 min', '−1 min', '30 min']);
  });

  it('writes a difference of two percentages in percentage points, as `opsim compare` does', () => {
    const doc = makePolicyResults();
    expect(formatDeltaTogether(doc, 'service.checkout.utilisation', [0.137, 0.1, -0.02])).toEqual(['13.7 pp', '10.0 pp', '−2.0 pp']);
    // In report.html: the paired comparisons and the decision table's difference from the reference.
    const attainment = 'sla.checkout-latency.attainment';
    doc.comparisons = [{ metric: attainment, variant: 'five-operators', reference: 'base', meanDifference: 0.137, ci95: [0.1, 0.17], n: 10 }];
    doc.ranking = { metric: attainment, direction: 'higher', order: doc.variants.map((x, i) => ({ variant: x.name, mean: 1, ci95: [0, 2], rank: i + 1 })) };
    const html = reportHtml(doc, []);
    expect(html).toContain('<td>13.7 pp</td><td>10.0 pp – 17.0 pp</td>');
    expect(verdictTable(doc)).toContain('<td>+13.7 pp <span class="ci">[10.0 pp, 17.0 pp]</span>');
    expect(html).not.toMatch(/13\.7 %/);
  });

  it('reads so in the key-metric table, the verdict table and the CLI summary', () => {
    const doc = straddling();
    const v = doc.variants[0]!.name;
    expect(reportHtml(doc, [])).toContain('>1.94 h <span class="ci"><span class="nw">[1.67 h,</span> <span class="nw">2.5 h]</span>');
    doc.ranking = { metric: 'incidents.P1.mttr', direction: 'lower', order: doc.variants.map((x, i) => ({ variant: x.name, mean: 1, ci95: [0, 2], rank: i + 1 })) };
    expect(verdictTable(doc)).toContain('<td>1.94 h <span class="ci">[1.67 h, 2.5 h]</span></td>');
    expect(summaryTable(doc)).toMatch(new RegExp(`^ {2}${v} +1\\.94 h +\\[1\\.67 h, 2\\.5 h\\] +30$`, 'm'));
  });

  it('writes a paired difference in the verdict table and the comparisons in one scale', () => {
    const doc = makePolicyResults();
    doc.reference = doc.variants[0]!.name;
    const other = doc.variants[1]!.name;
    doc.ranking = { metric: 'incidents.P1.mttr', direction: 'lower', order: doc.variants.map((x, i) => ({ variant: x.name, mean: 1, ci95: [0, 2], rank: i + 1 })) };
    doc.comparisons = [{ metric: 'incidents.P1.mttr', variant: other, reference: doc.reference, meanDifference: -100, ci95: [-150, -50], n: 10 }];
    expect(verdictTable(doc)).toContain('−1.67 min <span class="ci">[−2.5 min, −0.833 min]</span>');
    expect(reportHtml(doc, [])).toContain('<td>−1.67 min</td><td>−2.5 min – −0.833 min</td>');
  });

  it('does not head a duration with "seconds" above figures written in minutes or hours', () => {
    expect(unitLabel('seconds')).toBe('');
    expect(unitLabel('minutes')).toBe('');
    expect(unitLabel('count')).toBe('count');
    const doc = makePolicyResults();
    doc.ranking = { metric: 'incidents.P1.mttr', direction: 'lower', order: doc.variants.map((x, i) => ({ variant: x.name, mean: 1, ci95: [0, 2], rank: i + 1 })) };
    expect(verdictTable(doc)).not.toContain('(seconds)');
  });
});

describe('one scale for a metric\'s column (every variant\'s mean and bounds)', () => {
  /** A policy document whose p95 response time straddles 1 s across variants and whose failed transactions are means of counts. */
  function column(): ResultsDocument {
    const doc = makePolicyResults();
    const p95 = 'service.inventory.response_time.p95';
    doc.metrics!['transactions.failed'] = { name: 'transactions.failed', unit: 'count', better: 'lower', key: 1, doc: 'test' };
    const [a, b] = doc.variants;
    a!.metrics[p95] = est(0.781, 0.74, 0.82);
    b!.metrics[p95] = est(0.867, 0.8, 1.02);
    a!.metrics['transactions.failed'] = est(1196.5, 1100.25, 1292.75);
    b!.metrics['transactions.failed'] = est(13_600, 9350, 17_900);
    doc.ranking = { metric: p95, direction: 'lower', order: doc.variants.map((x, i) => ({ variant: x.name, mean: 1, ci95: [0, 2], rank: i + 1 })) };
    return doc;
  }

  it('writes every variant of a metric in the scale of the column\'s largest figure', () => {
    const doc = column();
    const [a, b] = doc.variants.map((v) => v.name);
    // Each cell alone read "781 ms [740 ms, 820 ms]" above "0.867 s [0.8 s, 1.02 s]".
    expect(formatTogether([0.781, 0.74, 0.82], 'seconds')).toEqual(['781 ms', '740 ms', '820 ms']);
    const summary = summaryTable(doc);
    expect(summary).toMatch(new RegExp(`^ {2}${a} +0\\.781 s +\\[0\\.74 s, 0\\.82 s\\] +30$`, 'm'));
    expect(summary).toMatch(new RegExp(`^ {2}${b} +0\\.867 s +\\[0\\.8 s, 1\\.02 s\\] +30$`, 'm'));
    // The other variants' 180 ms too: one scale for the column.
    expect(summary).toMatch(new RegExp(`^ {2}${doc.variants[2]!.name} +0\\.18 s +\\[0\\.17 s, 0\\.19 s\\] +10$`, 'm'));
    const html = reportHtml(doc, []);
    expect(html).toContain('>0.781 s <span class="ci"><span class="nw">[0.74 s,</span> <span class="nw">0.82 s]</span>');
    expect(verdictTable(doc)).toContain('<td>0.781 s <span class="ci">[0.74 s, 0.82 s]</span></td>');
    // Counts: 1,196.5 beside 13.6 k read 1.2 k in the k scale of the column.
    expect(summary).toMatch(new RegExp(`^ {2}${a} +1\\.2 k +\\[1\\.1 k, 1\\.29 k\\] +30$`, 'm'));
  });

  it('writes a mean of counts from 100 up as a whole number, its interval likewise', () => {
    const doc = column();
    delete doc.variants[1]!.metrics['transactions.failed'];
    const a = doc.variants[0]!.name;
    expect(summaryTable(doc)).toMatch(new RegExp(`^ {2}${a} +1,197 +\\[1,100, 1,293\\] +30$`, 'm'));
    expect(reportHtml(doc, [])).toContain('>1,197 <span class="ci"><span class="nw">[1,100,</span> <span class="nw">1,293]</span>');
    // A small count keeps one decimal, its bounds likewise; the column's largest decides.
    expect(formatTogether([2.35, 0.9, 3.8], 'count')).toEqual(['2.4', '0.9', '3.8']);
    expect(formatTogether([85.25, 60.2, 110.3], 'count')).toEqual(['85', '60', '110']);
    expect(formatTogether([5.25], 'count', 86400, { column: [[150, 120, 180]] })).toEqual(['5']);
    // Different figures still never read alike: digits are added to the cell.
    expect(formatTogether([150.4, 150.2, 150.6], 'count')).toEqual(['150.4', '150.2', '150.6']);
  });

  it('never writes a figure on either side of a target as the target', () => {
    expect(formatTogether([1.004, 0.99, 1.02], 'seconds')).toEqual(['1 s', '0.99 s', '1.02 s']);
    expect(formatTogether([1.004, 0.99, 1.02], 'seconds', 86400, { targets: [1] })).toEqual(['1.004 s', '0.99 s', '1.02 s']);
    expect(formatTogether([1, 0.99], 'seconds', 86400, { targets: [1] })).toEqual(['1 s', '0.99 s']);
  });

  it('writes a metric\'s paired differences in one scale on every row', () => {
    const doc = makePolicyResults();
    doc.reference = doc.variants[0]!.name;
    const p95 = 'service.checkout.response_time.p95';
    doc.metrics![p95] = { name: 'service.<service>.response_time.p95', unit: 'seconds', better: 'lower', doc: 'test' };
    doc.comparisons = [
      { metric: p95, variant: doc.variants[1]!.name, reference: doc.reference, meanDifference: -0.12, ci95: [-0.2, -0.04], n: 10 },
      { metric: p95, variant: doc.variants[0]!.name, reference: doc.reference, meanDifference: 0.45, ci95: [0.3, 1.6], n: 10 },
    ];
    expect(formatDeltaTogether(doc, p95, [-0.12, -0.2, -0.04])).toEqual(['−0.12 s', '−0.2 s', '−0.04 s']);
  });
});

describe('grouped numbers (counts and money below their k scale)', () => {
  it('writes thousands separators and rounds the shortest decimal half away from zero', () => {
    const table: [number, number, string][] = [
      [0, 0, '0'],
      [7, 2, '7'],
      [1234, 0, '1,234'],
      [-1234.5, 0, '-1,235'],
      [1234.5, 0, '1,235'],
      [999.5, 0, '1,000'],
      [9999.95, 1, '10,000'],
      [9999.94, 1, '9,999.9'],
      [-9999.95, 1, '-10,000'],
      [452960, 0, '452,960'],
      [123456789.123, 1, '123,456,789.1'],
      [1.005, 2, '1.01'], // toFixed(2) would write 1.00: the binary value is below 1.005
      [2.675, 2, '2.68'],
      [0.045, 2, '0.05'],
      [9.995, 2, '10'],
      [3.1, 2, '3.1'],
      [-0.25, 1, '-0.3'],
      [0.004, 2, '0'],
      [-0.004, 2, '-0'], // as ICU writes it
      [1e-7, 2, '0'],
      [1e21, 0, '1,000,000,000,000,000,000,000'],
      [1e16 + 2, 0, '10,000,000,000,000,002'],
    ];
    for (const [x, d, out] of table) expect([x, d, grouped(x, d)]).toEqual([x, d, out]);
    expect(formatValue(-1234.5, 'currency')).toBe('-1,235');
    // A count from 1 to 100 with one decimal (countDecimals), from 100 up whole, below 1 two significant digits.
    expect(formatValue(3.14159, 'count')).toBe('3.1');
    expect(formatValue(1196.5, 'count')).toBe('1,197');
    expect(formatValue(0.0525, 'count')).toBe('0.053');
  });

  it('writes what toLocaleString("en-US") writes, for any finite number', () => {
    const icu = (x: number, d: number): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
    // Doubles of every magnitude, and decimals ending in 5 at the place that is rounded.
    const halves = fc.tuple(fc.integer({ min: -2e9, max: 2e9 }), fc.integer({ min: 0, max: 6 })).map(([n, p]) => (n + 0.5) / 10 ** p);
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), halves), fc.integer({ min: 0, max: 3 }), (x, d) => {
        expect(grouped(x, d)).toBe(icu(x, d));
      }),
      { numRuns: 20000 },
    );
  });
});
