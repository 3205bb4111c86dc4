/**
 * `opsim compare` as a CI pipeline keeps it for years: a results.json of a later opsim of the
 * same format major version compares (its new fields noted, not refused), another major version
 * is refused; what differs between the runs besides the figures (the scenario's content, its
 * overrides, the opsim that wrote them) is noted; one metric reads in one scale and precision
 * in every variant's section; a rare event observed once does not fail the gate; a misspelt
 * --direction is a usage error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { variantResults } from '../../src/experiment/aggregate.js';
import { compareRuns, readResultsFile, type GateReport } from '../../src/experiment/compare.js';
import { COMPARE_EXIT, compareColumn, comparisonUnits, gateText, runCompare, type CompareFlags } from '../../src/cli/compare.js';
import { RESULTS_FORMAT, type ResultsDocument } from '../../src/results/format.js';
import type { MetricCatalog } from '../../src/results/metrics.js';
import { OPSIM_VERSION } from '../../src/version.js';
import { ROOT } from './helpers.js';

const WAIT = 'service.web.wait.mean';
const SHARE = 'service.web.backend.0.share';
const MTTR = 'incidents.P3.mttr';
const CATALOG: MetricCatalog = {
  [WAIT]: { name: 'service.<service>.wait.mean', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'mean wait' },
  [SHARE]: { name: 'service.<service>.backend.<backend>.share', unit: 'fraction', better: 'neutral', range: { lo: 0, hi: 1 }, doc: 'share' },
  [MTTR]: { name: 'incidents.<priority>.mttr', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'mttr' },
};

/** Per variant, per metric, the per-replication values (NaN: not observed in that replication). */
type Values = Record<string, Record<string, number[]>>;

function run(values: Values, seed = '1'): ResultsDocument {
  return {
    format: RESULTS_FORMAT,
    opsimVersion: OPSIM_VERSION,
    scenario: { name: 's', file: 's.yaml', hash: 'a1b2c3d4e5f6a7b8c9d0' },
    seed,
    horizonSeconds: 7200,
    warmupSeconds: 0,
    complete: true,
    variants: Object.entries(values).map(([name, metrics]) => {
      const n = Math.max(...Object.values(metrics).map((xs) => xs.length));
      const records = Array.from({ length: n }, (_, r) => ({
        variant: name,
        replication: r,
        seed,
        metrics: Object.fromEntries(Object.entries(metrics).map(([m, xs]) => [m, xs[r]!])),
        series: { intervalSeconds: 60, columns: ['t'], rows: [] },
        incidents: [],
        events: 0,
      }));
      return variantResults({ name, overrides: {}, records });
    }),
    comparisons: [],
    failures: [],
    reference: Object.keys(values)[0],
    metrics: CATALOG,
  };
}

const BASE: Values = { base: { [WAIT]: [1, 1.2, 0.9, 1.1], [SHARE]: [0.25, 0.26, 0.24, 0.25] } };

/** Writes documents to files and runs `opsim compare` on them in process: exit code, stdout, stderr. */
async function compare(baseline: unknown, current: unknown, flags: Partial<CompareFlags> = {}): Promise<{ code: number; out: string; err: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsim-gate-'));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify(baseline));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify(current));
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCompare(path.join(dir, 'a.json'), path.join(dir, 'b.json'), { metric: [], direction: [], ...flags }, { read: readResultsFile, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

/** `doc` as a later opsim of format 1.4 might write it: fields, a metric summary statistic and a unit this opsim does not know. */
function later(doc: ResultsDocument): Record<string, unknown> {
  const d = JSON.parse(JSON.stringify(doc)) as Record<string, unknown> & { variants: Record<string, unknown>[]; metrics: Record<string, Record<string, unknown>> };
  d.format = 'opsim-results/1.4';
  d.opsimVersion = '9.1.0';
  d.provenance = { host: 'ci', tool: 'opsim' };
  d.variants[0]!.energy = { kWh: 12 };
  for (const s of Object.values(d.variants[0]!.metrics as Record<string, Record<string, unknown>>)) s.p99 = 1;
  d.metrics[WAIT]!.unit = 'fortnights';
  return d;
}

describe('results written by another opsim', () => {
  it('a later opsim of the same major version: compared (exit 0) either way round, its unknown fields and values read past and named in a note, in the text and in --json', async () => {
    const doc = run(BASE);
    const newer = later(doc);
    const forward = await compare(doc, newer);
    expect(forward.err).toBe('');
    expect(forward.code).toBe(COMPARE_EXIT.noRegression);
    expect(forward.out).toContain(`note: the runs were written by different opsim versions (baseline opsim ${OPSIM_VERSION}, format opsim-results/1; current opsim 9.1.0, format opsim-results/1.4): a change in the figures may come from opsim itself\n`);
    expect(forward.out).toContain(`note: the current run was written by opsim 9.1.0 (format opsim-results/1.4) and has fields this opsim (${OPSIM_VERSION}) does not know, left unread: provenance, variants[].energy, variants[].metrics[*].p99\n`);
    const back = await compare(newer, doc, { json: true });
    expect(back.code).toBe(COMPARE_EXIT.noRegression);
    const g = JSON.parse(back.out) as GateReport;
    expect(g.notes).toContain(`the baseline was written by opsim 9.1.0 (format opsim-results/1.4) and has fields this opsim (${OPSIM_VERSION}) does not know, left unread: provenance, variants[].energy, variants[].metrics[*].p99`);
    expect(g.sections[0]!.baseline).toMatchObject({ opsimVersion: '9.1.0', format: 'opsim-results/1.4' });
    // Runs of this opsim have nothing to say about versions.
    expect((await compare(doc, doc)).out).not.toContain('note:');
  });

  it('still checks every field it reads in a later document', async () => {
    const newer = later(run(BASE)) as { variants: { metrics: Record<string, { mean: unknown }> }[] };
    newer.variants[0]!.metrics[WAIT]!.mean = 'abc';
    const r = await compare(run(BASE), newer);
    expect(r.code).toBe(COMPARE_EXIT.input);
    expect(r.err).toMatch(/b\.json: not an opsim results document \(variants\[0\]\.metrics\["service\.web\.wait\.mean"\]\.mean: expected a number or null, found "abc"\)/);
    const typed = later(run(BASE)) as { horizonSeconds: unknown };
    typed.horizonSeconds = '2h';
    expect((await compare(run(BASE), typed)).code).toBe(COMPARE_EXIT.input);
  });

  it('prints the notes docs/ci-recipe.md shows under "Baselines across opsim releases"', async () => {
    const recipe = readFileSync(path.join(ROOT, 'docs/ci-recipe.md'), 'utf8');
    const shown = /### Baselines across opsim releases[\s\S]*?```text\n([\s\S]*?)```/.exec(recipe)![1]!.replaceAll('0.1.0', OPSIM_VERSION);
    const newer = JSON.parse(JSON.stringify(run(BASE))) as Record<string, unknown> & { variants: { metrics: Record<string, Record<string, unknown>> }[] };
    Object.assign(newer, { format: 'opsim-results/1.1', opsimVersion: '0.2.0', provenance: { host: 'ci' } });
    newer.variants[0]!.metrics[WAIT]!.p99 = 2;
    const r = await compare(run(BASE), newer);
    expect(r.code).toBe(COMPARE_EXIT.noRegression);
    for (const line of shown.trim().split('\n')) expect(r.out).toContain(line + '\n');
  });

  it('refuses another major version (exit 3), naming it and the opsim that wrote it', async () => {
    const v2 = { ...later(run(BASE)), format: 'opsim-results/2', opsimVersion: '10.0.0' };
    const r = await compare(run(BASE), v2);
    expect(r.code).toBe(COMPARE_EXIT.input);
    expect(r.err).toContain(`b.json: written by opsim 10.0.0 in results format opsim-results/2, which this opsim (${OPSIM_VERSION}) cannot read: it reads format 1 (opsim-results/1 and its later minor versions); compare with an opsim that reads format 2\n`);
    expect(r.out).toBe('');
  });
});

describe('what differs between the runs besides the figures is noted, not refused', () => {
  it('a changed scenario under the same name: compared, with its hashes', async () => {
    const edited = run(BASE);
    edited.scenario.hash = 'ffff0000ffff0000ffff';
    const r = await compare(run(BASE), edited);
    expect(r.code).toBe(COMPARE_EXIT.noRegression);
    expect(r.out).toContain("note: the scenario's content differs (hash a1b2c3d4e5f6 in the baseline, ffff0000ffff in the current run): a change in the figures may come from its edits\n");
    const g = JSON.parse((await compare(run(BASE), edited, { json: true })).out) as GateReport;
    expect(g.notes).toEqual(["the scenario's content differs (hash a1b2c3d4e5f6 in the baseline, ffff0000ffff in the current run): a change in the figures may come from its edits"]);
    expect([g.sections[0]!.baseline.scenarioHash, g.sections[0]!.current.scenarioHash]).toEqual(['a1b2c3d4e5f6a7b8c9d0', 'ffff0000ffff0000ffff']);
  });

  it('--set overrides that differ are named, path by path', async () => {
    const [a, b] = [run(BASE), run(BASE)];
    a.overrides = { horizon: '2h', 'services.web.servers': 10 };
    b.overrides = { horizon: '2h', 'services.web.servers': 9, 'services.web.serviceTime.mean': '1.05s' };
    b.scenario.hash = 'ffff0000ffff0000ffff';
    const g = JSON.parse((await compare(a, b, { json: true })).out) as GateReport;
    expect(g.notes).toEqual([
      "the runs' overrides of every variant (--set, --horizon) differ: services.web.servers: baseline 10, current 9; services.web.serviceTime.mean: baseline not set, current 1.05s",
      'the scenario as run differs (hash a1b2c3d4e5f6 in the baseline, ffff0000ffff in the current run): by the overrides above, and perhaps by edits of its content',
    ]);
    expect(g.sections[0]!.current.overrides).toEqual(b.overrides);
  });

  it("a variant's own settings that differ are noted in its section", async () => {
    const values: Values = { ...BASE, small: BASE.base! };
    const [a, b] = [run(values), run(values)];
    a.variants[1]!.overrides = { 'services.web.servers': 8 };
    b.variants[1]!.overrides = { 'services.web.servers': 7 };
    const r = await compare(a, b);
    expect(r.out).toMatch(/== variant "small" ==[\s\S]*note: the variant's own settings differ \("small"\): services\.web\.servers: baseline 8, current 7\n/);
    expect(r.out.split('== variant "small" ==')[0]).not.toContain('own settings');
  });
});

describe('one metric reads in one scale and one precision over the whole comparison', () => {
  it('a share keeps its decimals in every section, a duration its scale', () => {
    // The shares of two variants: alone, the first reads in one decimal ("27.8 %"), the second in two ("28.46 %").
    expect(compareColumn([[0.278, 0.2758], [0.28462, 0.28518]], 'fraction')).toEqual([
      ['27.80 %', '27.58 %', '−0.22 pp'],
      ['28.46 %', '28.52 %', '+0.06 pp'],
    ]);
    // Waits of 40 s in one variant and 10 min in another: minutes in both sections.
    expect(compareColumn([[40, 42], [600, 660]], 'seconds')).toEqual([
      ['0.667 min', '0.7 min', '+0.0333 min'],
      ['10 min', '11 min', '+1 min'],
    ]);
    // One row alone reads as formatComparison writes it.
    expect(compareColumn([[9644, 10100]], 'count')).toEqual([['9.64 k', '10.1 k', '+0.456 k']]);
    expect(compareColumn([[17 * 3600, 17.5 * 3600]], 'clock_seconds', 86400)).toEqual([['17:00', '17:30', '+30 min']]);
    expect(compareColumn([[0.2, 0.21]], undefined)).toEqual([['0.2', '0.21', '+0.01']]);
  });

  it('the gate text writes each metric as one column across its variant sections', () => {
    const [a, b] = [
      run({ base: { [WAIT]: [40, 41, 39, 40], [SHARE]: [0.278, 0.278, 0.278, 0.278] }, fast: { [WAIT]: [600, 610, 590, 600], [SHARE]: [0.28462, 0.28462, 0.28462, 0.28462] } }),
      run({ base: { [WAIT]: [42, 43, 41, 42], [SHARE]: [0.2758, 0.2758, 0.2758, 0.2758] }, fast: { [WAIT]: [660, 670, 650, 660], [SHARE]: [0.28518, 0.28518, 0.28518, 0.28518] } }),
    ];
    const text = gateText(compareRuns(a, b), (m) => m, comparisonUnits(a, b));
    const [base, fast] = text.split('== variant "fast" ==');
    expect(base).toMatch(/service\.web\.backend\.0\.share +neutral +27\.80 % +27\.58 % +−0\.22 pp /);
    expect(fast).toMatch(/service\.web\.backend\.0\.share +neutral +28\.46 % +28\.52 % +\+0\.06 pp /);
    expect(base).toMatch(/service\.web\.wait\.mean +lower +0\.667 min +0\.7 min +\+0\.0333 min /);
    expect(fast).toMatch(/service\.web\.wait\.mean +lower +10 min +11 min +\+1 min /);
  });
});

describe('the gate decides on evidence', () => {
  it('a rare event observed once in a run of several replications is inconclusive, never a regression on one value', async () => {
    const a = run({ base: { ...BASE.base!, [MTTR]: [NaN, 4000, NaN, NaN] } });
    const b = run({ base: { ...BASE.base!, [MTTR]: [NaN, NaN, 9000, NaN] } }, '2');
    const r = await compare(a, b);
    expect(r.code).toBe(COMPARE_EXIT.noRegression);
    expect(r.out).toMatch(/incidents\.P3\.mttr +lower +1\.11 h +2\.5 h +\+1\.39 h +\+125\.0% +none +- +INCONCLUSIVE\n/);
    expect(r.out).toContain('inconclusive without a test (observed in fewer than two replications of a run, so one value of chance; not a regression: it fails the gate only with --fail-on inconclusive): P3 mean time to resolve (incidents.P3.mttr) +125.0% (observed in 1 and 1 replications)\n');
    expect((await compare(a, b, { failOn: 'inconclusive' })).code).toBe(COMPARE_EXIT.regression);
    // Runs of one replication: the tolerance alone decides, as documented.
    const one = (x: number): ResultsDocument => run({ base: { [WAIT]: [x] } });
    expect((await compare(one(1), one(2))).code).toBe(COMPARE_EXIT.regression);
  });

  it('a metric observed in different replications of each run is tested by Welch, not left untested for want of pairs', () => {
    const a = run({ base: { ...BASE.base!, [MTTR]: [4000, 4100, NaN, NaN] } });
    const b = run({ base: { ...BASE.base!, [MTTR]: [NaN, NaN, 8000, 8200] } });
    const s = compareRuns(a, b).sections[0]!;
    expect(s.paired).toBe(true);
    const v = s.verdicts.find((x) => x.metric === MTTR)!;
    expect([v.test, v.scale]).toEqual(['welch', 'log']);
    expect(v.verdict).toBe('regression');
  });

  it('a --direction for a metric neither run reports is a usage error (exit 2), like --metric', async () => {
    const r = await compare(run(BASE), run(BASE), { direction: ['service.web.wiat.mean=higher'] });
    expect(r.code).toBe(COMPARE_EXIT.usage);
    expect(r.err).toBe('opsim compare: --direction "service.web.wiat.mean": neither run reports such a metric\n');
    expect((await compare(run(BASE), run(BASE), { direction: [`${WAIT}=higher`] })).code).toBe(COMPARE_EXIT.noRegression);
  });
});

describe('the gate passes nothing it could not see', () => {
  it('a metric observed in one run only (nothing completed any more) is inconclusive, fails --fail-on inconclusive, and with --metric exits 4', async () => {
    const a = run({ base: { ...BASE.base!, [MTTR]: [4000, 4100, 3900, 4200] } });
    const b = run({ base: { ...BASE.base!, [MTTR]: [NaN, NaN, NaN, NaN] } });
    const r = await compare(a, b);
    expect(r.code).toBe(COMPARE_EXIT.noRegression);
    expect(r.out).toMatch(/P3 mean time to resolve +incidents\.P3\.mttr +lower +67\.5 min +— +— +— +none +- +INCONCLUSIVE\n/);
    expect(r.out).toContain('inconclusive: observed in the baseline only, not in the current run (n = 0 there: nothing to compare it with; fails the gate with --fail-on inconclusive, and --metric naming it exits 4): P3 mean time to resolve (incidents.P3.mttr) (observed in 4 and 0 replications)\n');
    expect(r.out).not.toContain('not tested');
    expect((await compare(a, b, { failOn: 'inconclusive' })).code).toBe(COMPARE_EXIT.regression);
    const asked = await compare(a, b, { metric: [MTTR] });
    expect(asked.code).toBe(COMPARE_EXIT.mismatch);
    expect(asked.err).toBe(`opsim compare: metric "${MTTR}" was observed in the baseline only (n = 4 in the baseline's variant "base", 0 in the current run's "base"): it cannot be compared as asked\n`);
    // The other way round: observed in the current run only.
    const back = await compare(b, a, { json: true });
    const v = (JSON.parse(back.out) as { sections: { verdicts: Record<string, unknown>[] }[] }).sections[0]!.verdicts.find((x) => x.metric === MTTR)!;
    expect(v).toMatchObject({ verdict: 'inconclusive', observedOnlyIn: 'current', baselineMean: null, baselineN: 0, currentN: 4, p: null });
    // Observed in neither run: left out, as before.
    const none = run({ base: { ...BASE.base!, [MTTR]: [NaN, NaN, NaN, NaN] } });
    const n = await compare(none, b);
    expect([n.code, n.out.includes('not tested (no observations in either run): P3 mean time to resolve (incidents.P3.mttr)')]).toEqual([COMPARE_EXIT.noRegression, true]);
    expect((await compare(none, b, { failOn: 'inconclusive' })).code).toBe(COMPARE_EXIT.noRegression);
  });

  it('a log-tested metric is judged on the ratio of geometric means: four of five replications 30 % slower is a regression although the means moved 1.2 %', async () => {
    const a = run({ base: { [WAIT]: [1, 1.02, 0.98, 1.01, 100] } });
    const b = run({ base: { [WAIT]: [1.3, 1.33, 1.27, 1.31, 100] } });
    const v = compareRuns(a, b).sections[0]!.verdicts[0]!;
    expect([v.test, v.scale]).toEqual(['paired', 'log']);
    expect(v.p!).toBeCloseTo(0.016, 3);
    expect(v.changePct).toBeCloseTo(1.2, 1);
    expect(v.ratioPct!).toBeCloseTo(23.3, 1);
    expect(v.verdict).toBe('regression');
    const r = await compare(a, b);
    expect(r.code).toBe(COMPARE_EXIT.regression);
    expect(r.out).toContain('judged on the ratio of geometric means (what the log test tests), which the change of the means does not show: service.web.wait.mean ratio +23.3% (means +1.2%)\n');
    // The mirror image: a ratio within the tolerance is not a regression because one large replication moved the mean.
    const c = run({ base: { [WAIT]: [1.01, 1.03, 0.99, 1.02, 130] } });
    expect(compareRuns(a, c).sections[0]!.verdicts[0]!.verdict).not.toBe('regression');
  });

  it('a summary mean that disagrees with its own per-replication values is an unusable file (exit 3) naming the file, variant and metric', async () => {
    const good = run(BASE);
    const edited = JSON.parse(JSON.stringify(good)) as { variants: { metrics: Record<string, { mean: number }>; perReplication: { metrics: Record<string, number[]> } }[] };
    edited.variants[0]!.metrics[WAIT]!.mean = 0.9;
    const r = await compare(edited, good);
    expect(r.code).toBe(COMPARE_EXIT.input);
    expect(r.err).toMatch(/^opsim compare: \S+a\.json: the summaries disagree with their own per-replication values, so the file was edited or damaged \(rerun it\): variant "base", metric "service\.web\.wait\.mean": summary mean 0\.9, but the mean of its 4 per-replication values is 1\.05\n$/);
    // Per-replication values halved, summary left alone: refused too, on either side.
    const halved = JSON.parse(JSON.stringify(good)) as typeof edited;
    halved.variants[0]!.perReplication.metrics[WAIT] = halved.variants[0]!.perReplication.metrics[WAIT]!.map((x) => x / 2);
    const h = await compare(good, halved);
    expect([h.code, /b\.json: .*variant "base", metric "service\.web\.wait\.mean"/.test(h.err)]).toEqual([COMPARE_EXIT.input, true]);
    // Float rounding is not a disagreement; a metric without observations is not checked.
    const rounded = JSON.parse(JSON.stringify(good)) as typeof edited;
    rounded.variants[0]!.metrics[WAIT]!.mean *= 1 + 1e-12;
    expect((await compare(rounded, good)).code).toBe(COMPARE_EXIT.noRegression);
    const unseen = run({ base: { ...BASE.base!, [MTTR]: [NaN, NaN, NaN, NaN] } });
    expect((await compare(unseen, unseen)).code).toBe(COMPARE_EXIT.noRegression);
  });
});
