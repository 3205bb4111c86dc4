/**
 * `opsim compare` for people names each metric by its label with its name beside it (as the
 * CLI summary does); --json, the machine interface, stays by name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPARE_EXIT, compareFigures, compareTable, comparisonLabels, comparisonUnits, runCompare, type CompareIo } from '../../src/cli/compare.js';
import { CompareError, compareResults, readResultsFile, type GateReport } from '../../src/experiment/compare.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { makePolicyResults } from '../report/fixtures/make.js';
import { cli } from '../experiment/helpers.js';

/** A baseline and a current run whose P1 MTTR got 30 % worse and which no longer reports cost. */
function pair(): { a: ResultsDocument; b: ResultsDocument } {
  const a = makePolicyResults();
  const b = makePolicyResults();
  const ref = b.variants.find((v) => v.name === (b.reference ?? b.variants[0]!.name)) ?? b.variants[0]!;
  const m = ref.metrics['incidents.P1.mttr']!;
  ref.metrics['incidents.P1.mttr'] = { ...m, mean: m.mean * 1.3, ci95: [m.ci95[0] * 1.3, m.ci95[1] * 1.3] };
  delete ref.metrics['cost.total'];
  return { a, b };
}

describe('opsim compare labels', () => {
  it('heads each row by the label with the name in a column beside it', () => {
    const { a, b } = pair();
    const text = compareTable(compareResults(a, b), comparisonLabels(a, b));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^metric +name +better +baseline +current +difference +change +test +p +verdict$/);
    expect(text).toMatch(/^P1 mean time to resolve +incidents\.P1\.mttr +lower +[0-9.]+ +[0-9.]+ +\+[0-9.]+ +\+30\.0% +welch +[<0-9.e-]+ +REGRESSION$/m);
    expect(text).toMatch(/^checkout p95 response time +service\.checkout\.response_time\.p95 +lower /m);
    // A metric without a label is named once, by its name.
    const r = compareResults(a, b);
    const nameless = compareTable(r, (m) => (m === 'incidents.P1.mttr' ? 'P1 mean time to resolve' : m));
    expect(nameless).toMatch(/^incidents\.P2\.mttr {3,}lower /m);
    // Lists name a metric as the CLI summary does: label (name).
    expect(text).toContain('missing from the current run: Total cost (cost.total)');
  });

  it('keeps the names alone when no metric has a label', () => {
    const { a, b } = pair();
    const text = compareTable(compareResults(a, b));
    expect(text.split('\n')[0]).toMatch(/^metric +better +baseline/);
    expect(text).toMatch(/^incidents\.P1\.mttr +lower +[0-9.]+ /m);
    expect(text).toContain('missing from the current run: cost.total\n');
  });

  it('labels the human output and leaves --json by name (end to end)', async () => {
    const { a, b } = pair();
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-compare-'));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(a));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(b));
    const human = await cli(['compare', path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^P1 mean time to resolve +incidents\.P1\.mttr +lower +90 min +117 min +\+27 min +\+30\.0% .*REGRESSION$/m);
    const json = await cli(['compare', path.join(dir, 'a.json'), path.join(dir, 'b.json'), '--json']);
    expect(json.code).toBe(1);
    const r = (JSON.parse(json.stdout) as GateReport).sections[0]!;
    expect(r.verdicts.find((v) => v.metric === 'incidents.P1.mttr')?.verdict).toBe('regression');
    expect(r.missingFromCurrent).toEqual(['cost.total']);
    expect(json.stdout).not.toContain('mean time to resolve');
    // Raw numbers, no units.
    expect(r.verdicts.find((v) => v.metric === 'incidents.P1.mttr')).toMatchObject({ baselineMean: 5400, currentMean: 5400 * 1.3 });
    expect(json.stdout).not.toContain(' min');
  }, 30_000);
});

describe('opsim compare units', () => {
  it('writes baseline, current and difference with the unit, in one scale', () => {
    const { a, b } = pair();
    const ref = b.variants.find((v) => v.name === (b.reference ?? b.variants[0]!.name)) ?? b.variants[0]!;
    const t = ref.metrics['service.checkout.utilisation']!;
    ref.metrics['service.checkout.utilisation'] = { ...t, mean: 0.7345 };
    const text = compareTable(compareResults(a, b), comparisonLabels(a, b), comparisonUnits(a, b));
    // 5400 s → 7020 s: minutes for all three (never "90 min  1.95 h").
    expect(text).toMatch(/ incidents\.P1\.mttr +lower +90 min +117 min +\+27 min +\+30\.0% /);
    expect(text).toMatch(/ service\.checkout\.utilisation +neutral +71\.0 % +73\.5 % +\+2\.5 pp +\+3\.5% /);
    expect(text).toMatch(/ service\.checkout\.response_time\.p95 +lower +380 ms +380 ms +0 ms +\+0\.0% /);
    expect(text).toMatch(/ room\.dc-east\.temperature\.max +\w+ +26\.4 °C +26\.4 °C +0\.0 °C /);
    // The columns still line up: every row as long as the rule under the header.
    const lines = text.split('\n');
    const rule = lines[1]!.length;
    for (const l of lines.slice(2, 2 + compareResults(a, b).verdicts.length)) expect(l.length).toBeLessThanOrEqual(rule);
  });

  it('scales a row by its largest figure and signs the difference', () => {
    expect(compareFigures(9644, 10100, 'count')).toEqual(['9.64 k', '10.1 k', '+0.456 k']);
    expect(compareFigures(10100, 9644, 'count')).toEqual(['10.1 k', '9.64 k', '−0.456 k']);
    expect(compareFigures(452960, 401500, 'currency')).toEqual(['453 k', '401.5 k', '−51.46 k']);
    // A clock time's difference is a duration, scaled on its own.
    expect(compareFigures(17 * 3600, 17.5 * 3600, 'clock_seconds')).toEqual(['17:00', '17:30', '+30 min']);
    // Without a unit: plain numbers.
    expect(compareFigures(401500, 401700, undefined)).toEqual(['401500', '401700', '+200']);
    // Two shares differ by percentage points, not by a share (review finding: "−89.7 %" beside the relative "-99.4%").
    expect(compareFigures(0.902, 0.00499, 'fraction')).toEqual(['90.2 %', '0.5 %', '−89.7 pp']);
    // A small difference without a unit is a plain number too, not 1.000e-2.
    expect(compareFigures(0.2, 0.21, undefined)).toEqual(['0.2', '0.21', '+0.01']);
  });
});

describe('opsim compare exit codes', () => {
  const io = (read: (file: string) => Promise<ResultsDocument>): { io: CompareIo; out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { read, out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
  };
  const flags = { metric: [], direction: [] };

  it('an unexpected error exits 5 with a sentence, never 1 (the regression code)', async () => {
    const t = io(() => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'n')")));
    expect(await runCompare('a.json', 'b.json', flags, t.io)).toBe(COMPARE_EXIT.unexpected);
    expect(COMPARE_EXIT.unexpected).not.toBe(COMPARE_EXIT.regression);
    expect(t.err.join('')).toBe("opsim compare: unexpected error, not a comparison result: Cannot read properties of undefined (reading 'n') (OPSIM_DEBUG=1 shows the stack)\n");
    expect(t.out).toEqual([]);
  });

  it('a completed comparison exits 0 or 1 by its regressions; an error of the comparison by its kind', async () => {
    const { a, b } = pair();
    const docs: Record<string, ResultsDocument> = { 'a.json': a, 'b.json': b };
    const read = (f: string): Promise<ResultsDocument> => Promise.resolve(structuredClone(docs[f]!));
    expect(await runCompare('a.json', 'b.json', flags, io(read).io)).toBe(COMPARE_EXIT.regression);
    expect(await runCompare('a.json', 'a.json', flags, io(read).io)).toBe(COMPARE_EXIT.noRegression);
    expect(await runCompare('a.json', 'b.json', { ...flags, tolerance: '-1' }, io(read).io)).toBe(COMPARE_EXIT.usage);
    const t = io(read);
    expect(await runCompare('a.json', 'b.json', { ...flags, metric: ['cost.total'] }, t.io)).toBe(COMPARE_EXIT.mismatch);
    expect(t.err.join('')).toMatch(/metric "cost\.total" is not in the current results/);
    expect(await runCompare('a.json', 'b.json', flags, io(() => Promise.reject(new CompareError('input', 'x: cannot read (ENOENT)'))).io)).toBe(COMPARE_EXIT.input);
    expect(Object.values(COMPARE_EXIT)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('opsim compare reads only valid results documents', () => {
  const write = (name: string, doc: unknown): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-compare-'));
    const f = path.join(dir, name);
    writeFileSync(f, JSON.stringify(doc));
    return f;
  };
  const refusal = async (file: string): Promise<string> => {
    try {
      await readResultsFile(file);
    } catch (err) {
      expect(err).toBeInstanceOf(CompareError);
      expect((err as CompareError).problem).toBe('input');
      return (err as CompareError).message;
    }
    throw new Error(`${file} was read`);
  };

  it('accepts a document that opsim wrote', async () => {
    const { a } = pair();
    expect((await readResultsFile(write('a.json', a))).scenario.name).toBe(a.scenario.name);
  });

  it('refuses a mean that is not a number, a null mean of an observed metric, and what only the results schema says (field paths)', async () => {
    const abc = pair().a as unknown as { variants: { metrics: Record<string, { mean: unknown; n: number }> }[] };
    abc.variants[0]!.metrics['incidents.P1.mttr']!.mean = 'abc';
    expect(await refusal(write('abc.json', abc))).toMatch(/abc\.json: not an opsim results document \(variants\[0\]\.metrics\["incidents\.P1\.mttr"\]\.mean: expected a number or null, found "abc"\)/);
    const nullMean = pair().a as unknown as typeof abc;
    nullMean.variants[0]!.metrics['incidents.P1.mttr']!.mean = null;
    expect(await refusal(write('null.json', nullMean))).toMatch(/variants\[0\]\.metrics\["incidents\.P1\.mttr"\]\.mean: expected a number \(n is \d+\), found null/);
    // Fields compare does not read, checked by docs/results.schema.json.
    const version = { ...pair().a, opsimVersion: 5 };
    expect(await refusal(write('version.json', version))).toMatch(/version\.json: not a valid opsim results document, by docs\/results\.schema\.json \(opsimVersion: expected string, found 5\)/);
    // A field this opsim does not know is a later release's addition (format 1 only grows): read past, not refused (test/experiment/compare-gate.test.ts).
    const extra = { ...pair().a, extra: true };
    expect((await readResultsFile(write('extra.json', extra))).scenario.name).toBe(extra.scenario.name);
    const failures = { ...pair().a, failures: [{ variant: 'base', replication: 'x', seed: '1', error: 'e' }] };
    expect(await refusal(write('failures.json', failures))).toMatch(/failures\[0\]\.replication: expected integer, found "x"/);
  });
});
