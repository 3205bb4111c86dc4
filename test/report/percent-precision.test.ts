/**
 * Percentages read together (a metric's mean and interval, its column in a table) share one
 * precision chosen from the metric's targets (percentDecimals): "98.0 % [83.1 %, 112.9 %]", not
 * "97.99 % [83.1 %, 112.9 %]" beside "94.9 %"; "[0.3 %, 2.6 %]", not "[0.3401 %, 2.6 %]". No
 * figure on either side of a target prints as the target, and 0 % and 100 % are kept apart.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMetricTogether, formatTogether, percentAt, percentDecimals } from '../../src/report/units.js';
import type { ResultsDocument } from '../../src/results/format.js';

const places = (t: string): number => /\.(\d+) %$/.exec(t)?.[1]?.length ?? 0;

describe('percentages read together', () => {
  it('one precision for a value and its interval (each of these mixed precisions before)', () => {
    // GlobalMart's error budget used (target 100 %): was "97.99 % [83.1 %, 112.9 %]".
    expect(formatTogether([0.9799, 0.831, 1.129], 'fraction', undefined, { targets: [1] })).toEqual(['98.0 %', '83.1 %', '112.9 %']);
    // Was "[0.3401 %, 2.6 %]".
    expect(formatTogether([0.0147, 0.003401, 0.026], 'fraction')).toEqual(['1.5 %', '0.3 %', '2.6 %']);
    // Was "109.95 % [70.9 %, 149.03 %]".
    expect(formatTogether([1.0995, 0.709, 1.4903], 'fraction', undefined, { targets: [1] })).toEqual(['110.0 %', '70.9 %', '149.0 %']);
    // Small shares: two significant digits of the largest, for all.
    expect(formatTogether([0.00772, 0, 0.019], 'fraction')).toEqual(['0.8 %', '0.0 %', '1.9 %']);
    expect(formatTogether([0.000772, 0.0001, 0.0019], 'fraction')).toEqual(['0.08 %', '0.01 %', '0.19 %']);
  });

  it('enough places that no figure prints as a target it is not on', () => {
    // 99.8996 % against a 99.9 % target: "99.9 %" would read as met.
    expect(formatTogether([0.998996, 0.9985, 0.9995], 'fraction', undefined, { targets: [0.999] })).toEqual(['99.8996 %', '99.8500 %', '99.9500 %']);
    // A target with more places than the band prints exactly.
    expect(formatTogether([0.5], 'fraction', undefined, { targets: [0.99995] })).toEqual(['50.000 %']);
    // Without the target, the band's two places.
    expect(formatTogether([0.998996, 0.9985, 0.9995], 'fraction')).toEqual(['99.90 %', '99.85 %', '99.95 %']);
  });

  it('marks the ends instead of reading as none or all', () => {
    expect(percentAt(4e-7, 1)).toBe('<0.1 %');
    expect(percentAt(0.99996, 2)).toBe('>99.99 %');
    expect(percentAt(0, 1)).toBe('0.0 %');
    expect(percentAt(1, 1)).toBe('100.0 %');
    expect(percentAt(1.00004, 1)).toBe('100.0 %'); // above a share's end: no mark (an error budget's 100 % is a target, which adds places)
    expect(formatTogether([1.00004], 'fraction', undefined, { targets: [1] })).toEqual(['100.004 %']);
  });

  it('a metric column in one precision, with its SLA target, through the document', () => {
    const summary = (mean: number, lo: number, hi: number) => ({ n: 10, mean, sd: 0, ci95: [lo, hi] as [number, number], min: lo, max: hi, p05: lo, p50: mean, p95: hi });
    const doc = {
      horizonSeconds: 86400,
      variants: [
        { name: 'a', metrics: { 'sla.web.attainment': summary(0.5, 0.4, 0.6) } },
        { name: 'b', metrics: { 'sla.web.attainment': summary(0.9989, 0.99899, 0.9993) } },
      ],
      slas: [{ name: 'web', service: 'web', target: 0.999 }],
      metrics: { 'sla.web.attainment': { name: 'sla.<sla>.attainment', unit: 'fraction', better: 'higher', doc: '' } },
    } as unknown as ResultsDocument;
    // Variant a's figures take the column's places: b's 99.899 % must not read 99.90 % (the target).
    expect(formatMetricTogether(doc, 'sla.web.attainment', [0.5, 0.4, 0.6])).toEqual(['50.000 %', '40.000 %', '60.000 %']);
    expect(formatMetricTogether(doc, 'sla.web.attainment', [0.9989, 0.99899, 0.9993])).toEqual(['99.890 %', '99.899 %', '99.930 %']);
    // A column without targets: one cell needs two places to tell its mean from its bound, so every cell has two (was "0.15 % [0.08 %, 0.22 %]" beside "1.1 % [0.9 %, 1.2 %]").
    const failed = {
      horizonSeconds: 86400,
      variants: [
        { name: 'a', metrics: { 'service.s.failed_fraction': summary(0.0015, 0.0008, 0.0022) } },
        { name: 'b', metrics: { 'service.s.failed_fraction': summary(0.011, 0.009, 0.012) } },
      ],
      metrics: { 'service.s.failed_fraction': { name: 'service.<service>.failed_fraction', unit: 'fraction', better: 'lower', doc: '' } },
    } as unknown as ResultsDocument;
    expect(formatMetricTogether(failed, 'service.s.failed_fraction', [0.011, 0.009, 0.012])).toEqual(['1.10 %', '0.90 %', '1.20 %']);
    expect(formatMetricTogether(failed, 'service.s.failed_fraction', [0.0015, 0.0008, 0.0022])).toEqual(['0.15 %', '0.08 %', '0.22 %']);
  });

  it('every figure on its side of every target, all in one precision (property)', () => {
    const share = fc.integer({ min: 0, max: 1e6 }).map((n) => n / 1e6);
    fc.assert(
      fc.property(fc.array(share, { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 9999 }).map((n) => n / 1e4), { maxLength: 2 }), (xs, targets) => {
        const texts = formatTogether(xs, 'fraction', undefined, { targets });
        const d = percentDecimals(xs, { targets });
        expect(new Set(texts.map(places)).size <= 1 && texts.every((t) => places(t) === d)).toBe(true);
        texts.forEach((text, i) => {
          const x = xs[i]!;
          if (/[<>]/.test(text)) {
            expect(x > 0 && x < 1).toBe(true);
            return;
          }
          // Compared in units of 10^-8 % (integers: no binary arithmetic in the comparison).
          const printed = Math.round(Number(text.slice(0, -2)) * 1e6);
          const value = Math.round(x * 1e8);
          for (const t of targets) expect(Math.sign(printed - Math.round(t * 1e8)), `${x} as ${text} against ${t}`).toBe(Math.sign(value - Math.round(t * 1e8)));
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('paired differences of a share', () => {
  it('one metric in one precision on every comparison row (GlobalMart read "−0.023 pp", "0.0 pp", "0.07 pp")', async () => {
    const { makeResults } = await import('./fixtures/make.js');
    const { formatDeltaTogether } = await import('../../src/report/units.js');
    const { reportHtml } = await import('../../src/report/index.js');
    const doc = makeResults([['base', 4, 52000, 0.962], ['a', 5, 58000, 0.981], ['b', 6, 64000, 0.992], ['c', 4, 61000, 0.955]]);
    const m = 'service.inventory.utilisation';
    const rows: [number, number, number][] = [[-0.00023, -0.00072, 0.00025], [0, 0, 0], [0.0007, 0.0002, 0.0013]];
    doc.comparisons = rows.map(([d, lo, hi], i) => ({ metric: m, variant: ['a', 'b', 'c'][i]!, reference: 'base', meanDifference: d, ci95: [lo, hi] as [number, number], n: 10 }));
    const written = rows.map((r) => formatDeltaTogether(doc, m, r));
    expect(written).toEqual([
      ['−0.02 pp', '−0.07 pp', '0.03 pp'],
      ['0.00 pp', '0.00 pp', '0.00 pp'],
      ['0.07 pp', '0.02 pp', '0.13 pp'],
    ]);
    // The report's comparison table writes the same.
    const html = reportHtml(doc, []);
    expect(html).toContain('<td>−0.02 pp</td><td>−0.07 pp – 0.03 pp</td>');
    expect(html).toContain('<td>0.00 pp</td><td>0.00 pp – 0.00 pp</td>');
    // Every row of the metric, also a row whose own figures would need fewer places, in one precision.
    const alone = formatDeltaTogether({ ...doc, comparisons: [doc.comparisons[1]!] }, m, [0, 0, 0]);
    expect(alone).toEqual(['0.0 pp', '0.0 pp', '0.0 pp']);
  });
});
