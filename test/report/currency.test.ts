/**
 * A scenario's optional `currency` is written with every money figure (CLI summary, report.html,
 * dashboard through report/units.ts) and carried in results.json; without it nothing changes
 * (no field, no words: the pins of the shipped scenarios hold the bytes).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../experiment/helpers.js';
import { reportHtml } from '../../src/report/index.js';
import { currencyFirst, formatDeltaTogether, formatMetric, formatMetricTogether, unitLabel } from '../../src/report/units.js';
import type { ResultsDocument } from '../../src/results/format.js';

const ROOT = path.resolve(__dirname, '../..');
const SCENARIO = path.join(ROOT, 'scenarios', 'service-desk-staffing.yaml');

describe('currency', () => {
  it('is carried into results.json and written with money in the summary and report; absent, nothing changes', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opsim-currency-'));
    const eur = await cli(['run', SCENARIO, '--set', 'currency=EUR', '-r', '2', '--no-report', '--out', path.join(out, 'eur')]);
    expect(eur.code).toBe(0);
    expect(eur.stdout).toMatch(/base +3,360 EUR +\[3,360 EUR, 3,360 EUR\]/);
    const doc = JSON.parse(readFileSync(path.join(out, 'eur', 'results.json'), 'utf8')) as ResultsDocument;
    expect(doc.currency).toBe('EUR');
    const html = reportHtml(doc, []);
    expect(html).toContain('total cost (EUR)');
    expect(html).toContain('3,360 EUR');
    expect(html).not.toContain('currency units');

    const plain = await cli(['run', SCENARIO, '-r', '2', '--no-report', '--out', path.join(out, 'plain')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/base +3,360 +\[3,360, 3,360\]/);
    expect(plain.stdout).not.toContain('EUR');
    const bare = JSON.parse(readFileSync(path.join(out, 'plain', 'results.json'), 'utf8')) as ResultsDocument;
    expect('currency' in bare).toBe(false);
    expect(reportHtml(bare, [])).toContain('total cost (currency units)');
  }, 60_000);

  it('every money figure carries it, a difference too; other units do not', () => {
    const doc = { horizonSeconds: 86400, variants: [], currency: '$', metrics: { 'cost.total': { name: 'cost.total', unit: 'currency', better: 'lower', doc: '' }, 'x.util': { name: 'x.util', unit: 'fraction', better: 'neutral', doc: '' } } } as unknown as ResultsDocument;
    // A symbol before the amount, after its sign ("49.34 k $" before).
    expect(formatMetricTogether(doc, 'cost.total', [403_300, 348_300, 458_400])).toEqual(['$403.3 k', '$348.3 k', '$458.4 k']);
    expect(formatMetric(doc, 'cost.total', 7.5)).toBe('$7.5');
    expect(formatMetric(doc, 'cost.total', -1200)).toBe('-$1,200');
    expect(formatDeltaTogether(doc, 'cost.total', [-372, -1132, 389])).toEqual(['−$372', '−$1,132', '$389']);
    expect(formatMetricTogether(doc, 'cost.total', [0, 0])).toEqual(['$0', '$0']);
    expect(formatMetricTogether(doc, 'cost.total', [-20_000, -30_000, NaN])).toEqual(['-$20 k', '-$30 k', '—']);
    // A letter code after it; a symbol with letters (US$) or without any letter (£, €, ¥) before.
    const eur = { ...doc, currency: 'EUR' } as ResultsDocument;
    expect(formatMetricTogether(eur, 'cost.total', [341_100])).toEqual(['341.1 k EUR']);
    expect(formatDeltaTogether(eur, 'cost.total', [-1200])).toEqual(['−1,200 EUR']);
    expect(formatMetric({ ...doc, currency: 'kr' } as ResultsDocument, 'cost.total', 7.5)).toBe('7.5 kr');
    for (const c of ['£', '€', '¥', 'US$', 'R$']) expect(formatMetric({ ...doc, currency: c } as ResultsDocument, 'cost.total', 1200)).toBe(`${c}1,200`);
    expect(currencyFirst('CHF')).toBe(false);
    expect(currencyFirst('#')).toBe(true);
    expect(formatMetricTogether(doc, 'x.util', [0.5])).toEqual(['50.0 %']);
    expect(unitLabel('currency', 'EUR')).toBe('EUR');
    expect(unitLabel('currency')).toBe('currency units');
  });
});
