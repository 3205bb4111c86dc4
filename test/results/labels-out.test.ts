/**
 * Labels reach the machine-read outputs only additively: summary.csv gains a `label` column at
 * the end (every earlier column where it was), series.csv keeps its headers by name, and the
 * metric tables of docs/results-format.md list each spec's label.
 */
import { describe, expect, it } from 'vitest';
import { metricsReference } from '../../src/models/reference.js';
import { seriesCsv, summaryCsv } from '../../src/results/write.js';
import { parse as parseCsv } from 'csv-parse/sync';

const parse = (text: string): string[][] => parseCsv(text) as string[][];
import { makePolicyResults } from '../report/fixtures/make.js';

/** The columns summary.csv had before labels, in their order: CI pipelines read them by position. */
const BEFORE = ['variant', 'metric', 'unit', 'better', 'mean', 'lo', 'hi', 'n', 'interval', 'p_met'];

describe('labels in the CSV files and the docs', () => {
  it('summary.csv adds the label as its last column, keeping every earlier one in place', () => {
    const doc = makePolicyResults();
    const rows = parse(summaryCsv(doc));
    expect(rows[0]).toEqual([...BEFORE, 'label']);
    const at = (metric: string): string[] => rows.find((r) => r[0] === doc.variants[0]!.name && r[1] === metric)!;
    expect(at('incidents.P1.mttr')).toHaveLength(BEFORE.length + 1);
    expect(at('incidents.P1.mttr')[10]).toBe('P1 mean time to resolve');
    expect(at('incidents.P1.mttr').slice(2, 4)).toEqual(['seconds', 'lower']);
    expect(at('cost.total')[10]).toBe('Total cost');
    // No label declared: the name itself, so a pivot on the column has no holes.
    doc.metrics!['cost.total'] = { ...doc.metrics!['cost.total']!, label: undefined };
    expect(parse(summaryCsv(doc)).find((r) => r[1] === 'cost.total')![10]).toBe('cost.total');
  });

  it('series.csv keeps its headers by name', () => {
    const header = parse(seriesCsv(makePolicyResults()))[0]!;
    expect(header.slice(0, 3)).toEqual(['variant', 't (seconds)', 'checkout.arrivals (per_second)']);
    expect(header.join(',')).not.toMatch(/label/);
  });

  it('docs/results-format.md lists each metric\'s label beside its name', () => {
    const md = metricsReference();
    expect(md).toContain('| metric | label | unit | better | range | key | meaning |');
    expect(md).toMatch(/\| `incidents\.<priority>\.targets_met` \| `<priority> incident targets met` \| fraction \|/);
    // A metric without a label has an empty cell, not a shifted row.
    expect(md).toMatch(/\| `cost\.staffing` \| {2}\| currency \|/);
  });
});
