import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioLoadError } from '../../src/scenario/index.js';
import { runSearch, searchSummary, type SearchDocument } from '../../src/search/index.js';
import { docExample, expectExcerpt } from './doc-examples.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures/service-desk-search.yaml');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opsim-search-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function input(file: string, overrides: Record<string, unknown> = {}): { raw: unknown; file: string; hash: string } {
  const r = loadScenarioFile(file, { overrides });
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return { raw: r.raw, file: r.file!, hash: r.hash };
}

async function scenarioFile(name: string, text: string): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, text);
  return f;
}

describe('the Erlang C example as a search (100 calls / 30 min, 180 s, 80 % within 20 s)', () => {
  let doc: SearchDocument;
  const store = (): string => path.join(dir, 'service-desk-replications.json');

  it('returns 14 agents and certifies 13 infeasible at α = 0.05', async () => {
    doc = await runSearch(input(fixture), { workers: 2, storeFile: store() });
    expect(doc.status).toBe('certified');
    expect(doc.answer?.candidate).toBe('agents=14');
    expect(doc.answer?.settings).toEqual({ 'teams.service-desk.headcount': 14 });
    expect(doc.procedure.alpha).toBeCloseTo(0.05, 12);
    const c13 = doc.candidates.find((c) => c.name === 'agents=13')!;
    expect(c13.decision).toBe('infeasible');
    // Erlang C: 79.56 % for 13 agents; the interval of the simulated mean agrees.
    expect(c13.constraints[0]!.ci95[0]).toBeLessThan(0.7956);
    expect(c13.constraints[0]!.ci95[1]).toBeGreaterThan(0.7956);
    expect(doc.cheaperNeighbours).toEqual([expect.objectContaining({ candidate: 'agents=13', decision: 'infeasible' })]);
    // The warm start came from Erlang C, at zero replications.
    expect(doc.warmStart[0]).toMatchObject({ analytic: 14, start: 14 });
    expect(doc.replications.simulated).toBe(doc.replications.used);
    // 14 × 30/h × 8 h: the measured period after the 1 h warm-up, as cost.staffing charges (3780 = 9 h before 2026-11-30).
    // The headline says what the certificate certifies: the bound less its indifference zone, not the bound.
    // And what it certifies of the cheaper neighbour: short of the bound plus its zone, not "fails" (it may meet the bound itself, inside the zone).
    expect(searchSummary(doc).split('\n')[0]).toBe('agents=14 (cost 3,360): meets every constraint to within its indifference zone with 95 % confidence (mean calls answered within target ≥ 80.0 % − 0.4 pp); each one-step-cheaper policy was checked and falls short of the bound plus its indifference zone (mean calls answered within target < 80.0 % + 0.4 pp).');
  }, 120_000);

  it('docs/search.md\'s opening example is this run\'s summary', () => {
    expectExcerpt(docExample('agents=14 '), searchSummary(doc));
  });

  it('docs/search.md documents every field of the document', async () => {
    const { readFile } = await import('node:fs/promises');
    const md = await readFile(path.resolve(here, '../../docs/search.md'), 'utf8');
    const fields = [...Object.keys(doc), ...Object.keys(doc.procedure), ...Object.keys(doc.replications), ...Object.keys(doc.candidates[0]!), ...Object.keys(doc.candidates[0]!.constraints[0]!)];
    for (const f of fields) expect(md.includes(`\`${f}\``) || md.includes(`\`${f}[]\``), f).toBe(true);
  });

  it('the document (as written to search.json) validates against its JSON Schema', async () => {
    const { Ajv } = await import('ajv');
    const { SearchDocumentSchema } = await import('../../src/search/index.js');
    const validate = new Ajv({ allErrors: true }).compile(SearchDocumentSchema);
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...JSON.parse(JSON.stringify(doc)), status: 'maybe' })).toBe(false);
  });

  it('report.html shows the search: the answer first, what the cheaper neighbour missed, the replications against the grid', async () => {
    const { writeSearchReport } = await import('../../src/report/report.js');
    const { readFile, mkdir } = await import('node:fs/promises');
    const out = path.join(dir, 'report-alone');
    await mkdir(out, { recursive: true });
    const html = await readFile(await writeSearchReport(out, doc), 'utf8');
    expect(html).not.toMatch(/<script/i);
    const section = html.slice(html.indexOf('<section id="search">'));
    expect(section.indexOf('agents=14')).toBeLessThan(section.indexOf('agents=13'));
    expect(section).toMatch(/<strong>agents=14<\/strong> · cost 3,360 · certified/);
    expect(section).toMatch(/<th scope="row">agents=13<\/th><td>3,120<\/td><td>240<\/td><td class="bad">infeasible<\/td><td class="missed"><ul><li>answer-80-in-20: mean calls answered within target 79\.\d+ % \[\d+\.?\d* %, \d+\.?\d* %\] misses ≥ 80\.0 % \(n = [\d,]+\)/);
    // The certificate names the constraint's metric by its label, the name in small print, the bound in its unit.
    expect(section).toContain('<li><strong>answer-80-in-20</strong>: mean calls answered within target <code class="name">requests.calls.service_level</code> ≥ 80.0 % (indifference zone ±0.4 pp)</li>');
    // The headline names the zone in percentage points, as the CLI's summary does.
    expect(section).toMatch(/<strong>agents=14<\/strong> · cost 3,360 · certified: meets every constraint to within its indifference zone with 95 % confidence \(mean calls answered within target ≥ 80\.0 % − 0\.4 pp\), and every one-step-cheaper policy was checked and falls short of the bound plus its indifference zone \(mean calls answered within target &lt; 80\.0 % \+ 0\.4 pp\)<\/p>/);
    expect(section).toContain('<th title="calls answered within target (requests.calls.service_level)">answer-80-in-20<br><span class="ci">calls answered within target</span></th>');
    expect(section).toMatch(/<td class="bad" title="calls answered within target \(requests\.calls\.service_level\): infeasible, n = [\d,]+, bound ≥ 80\.0 %">✗ 79\.\d+ % <span class="ci">\[\d+\.?\d* %, \d+\.?\d* %\]<\/span><\/td>/);
    expect(section).not.toContain('<code>requests.calls.service_level</code>');
    expect(section).toContain(`aria-label="replications: search ${doc.replications.used}, exhaustive grid at least ${doc.replications.grid.atLeast}"`);
  });

  it('with results.json of the same scenario beside it, the run report leads with the search', async () => {
    const { runExperiment } = await import('../../src/experiment/run.js');
    const { writeReport } = await import('../../src/report/report.js');
    const { readFile, mkdir, writeFile: write } = await import('node:fs/promises');
    const out = path.join(dir, 'report-with-run');
    await mkdir(out, { recursive: true });
    const results = await runExperiment(input(fixture), { replications: 2, workers: 1 });
    await write(path.join(out, 'search.json'), JSON.stringify(doc));
    const html = await readFile((await writeReport(out, results)).path, 'utf8');
    expect(html.indexOf('<section id="search">')).toBeGreaterThan(0);
    expect(html.indexOf('<section id="search">')).toBeLessThan(html.indexOf('<h2>Key metrics</h2>'));
    // Another scenario's search is not shown.
    await write(path.join(out, 'search.json'), JSON.stringify({ ...doc, scenario: { ...doc.scenario, hash: 'other' } }));
    expect(await readFile((await writeReport(out, results)).path, 'utf8')).not.toContain('<section id="search">');
  }, 60_000);

  it('format 3 on write; a format-1 document (before the fields formats 2 and 3 added) is still read, upgraded, and beside results.json still shown', async () => {
    expect(doc.format).toBe('opsim-search/3');
    const { readSearchDocument, SearchDocumentSchema } = await import('../../src/search/index.js');
    const { searchBeside } = await import('../../src/report/search.js');
    const old = JSON.parse(JSON.stringify(doc)) as Record<string, unknown> & { procedure: Record<string, unknown> };
    old.format = 'opsim-search/1';
    for (const k of ['objective', 'alphaFeasibility', 'constraintSpecs', 'implication', 'probeBeta', 'rounds']) delete old.procedure[k];
    for (const c of old.candidates as Record<string, unknown>[]) delete c.level;
    const up = readSearchDocument(old);
    expect(up.format).toBe('opsim-search/3');
    expect(up.procedure).toMatchObject({ objective: 'known', alphaFeasibility: doc.procedure.alpha, constraintSpecs: [], probeBeta: doc.procedure.beta, rounds: 1 });
    expect(up.candidates.every((c) => c.level === 'certificate')).toBe(true);
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ allErrors: true }).compile(SearchDocumentSchema);
    expect(validate(JSON.parse(JSON.stringify(up))), JSON.stringify(validate.errors)).toBe(true);
    expect(() => readSearchDocument({ ...old, format: 'opsim-search/9' })).toThrow(/format "opsim-search\/9"/);
    const beside = path.join(dir, 'format-1');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(beside, { recursive: true });
    await writeFile(path.join(beside, 'search.json'), JSON.stringify(old));
    expect((await searchBeside(beside, doc.scenario.hash))?.format).toBe('opsim-search/3');
  });

  it('with the scenario\'s currency, every money figure of the summary and the report carries it, as the run report\'s do', async () => {
    // The same run with `currency: EUR` (a new hash, so its own replications; the search is the same).
    const eur = await runSearch(input(fixture, { currency: 'EUR' }), { workers: 2 });
    expect(eur.currency).toBe('EUR');
    expect(eur.answer?.candidate).toBe('agents=14');
    const text = searchSummary(eur);
    expect(text.split('\n')[0]).toMatch(/^agents=14 \(cost 3,360 EUR\): meets/);
    expect(text).toMatch(/^ {2}agents=13 \(cost 3,120 EUR\): infeasible/m);
    expect(text).toMatch(/^ {2}agents=14 +3,360 EUR +feasible/m);
    const { searchSectionHtml, searchPageHtml } = await import('../../src/report/search.js');
    const section = searchSectionHtml(eur);
    expect(section).toContain('<strong>agents=14</strong> · cost 3,360 EUR · certified');
    expect(section).toMatch(/<th scope="row">agents=13<\/th><td>3,120 EUR<\/td><td>240 EUR<\/td>/);
    expect(searchPageHtml(eur)).toContain('cost 3,360 EUR');
    // Without one, the bare amount (the document carries no currency).
    expect('currency' in doc).toBe(false);
    expect(searchSectionHtml(doc)).toContain('<strong>agents=14</strong> · cost 3,360 · certified');
  }, 120_000);

  it('a rerun reuses every stored replication and reaches the same certificate', async () => {
    const again = await runSearch(input(fixture), { workers: 0, storeFile: store() });
    expect(again.replications.simulated).toBe(0);
    expect(again.replications.reused).toBe(doc.replications.used);
    expect(again.candidates).toEqual(doc.candidates);
  }, 60_000);
});

describe('the error split', () => {
  it('covers every point of the space, even when the budget could never test them all (common random numbers: the path depends on every candidate\'s data)', async () => {
    const { compileRaw } = await import('../../src/scenario/index.js');
    const { prepareSearch } = await import('../../src/search/index.js');
    const r = input(fixture, { 'search.budget': 40 });
    const c = compileRaw(r.raw, { file: r.file });
    if (!c.ok) throw new Error('fixture does not compile');
    const prep = prepareSearch(r.raw, r.file, c.scenario);
    // 9 points, a budget that pays for 4 first stages: K is still 9.
    expect(prep.candidatesCovered).toBe(9);
  });
});

describe('bad input and hard spaces', () => {
  it('with no feasible point in the space, says so and returns the best found with what it misses', async () => {
    const f = await scenarioFile(
      'too-few.yaml',
      `extends: ${JSON.stringify(path.resolve(here, '../../scenarios/service-desk-staffing.yaml'))}\nsearch:\n  variables: [{ path: teams.service-desk.headcount, name: agents, range: { from: 9, to: 11 } }]\n  constraints: [{ kind: mean, metric: requests.calls.service_level, atLeast: 0.8, tolerance: 0.02 }]\n  budget: 300\n`,
    );
    const doc = await runSearch(input(f), { workers: 0 });
    expect(doc.status).toBe('no-feasible-point');
    expect(doc.answer?.candidate).toBe('agents=11');
    expect(doc.misses?.[0]).toMatch(/^requests\.calls\.service_level: mean calls answered within target \d+\.?\d* % \[.*\] misses ≥ 80\.0 % \(n = \d+\)$/);
    expect(doc.summary).toMatch(/^no policy was certified feasible/);
  }, 60_000);

  it('a constraint naming a metric that does not exist is a located error, found before any run', async () => {
    const f = await scenarioFile(
      'typo.yaml',
      `extends: ${JSON.stringify(path.resolve(here, '../../scenarios/service-desk-staffing.yaml'))}\nsearch:\n  variables: [{ path: teams.service-desk.headcount, range: { from: 10, to: 16 } }]\n  constraints:\n    - kind: mean\n      metric: requests.calls.service_levl\n      atLeast: 0.8\n      tolerance: 0.02\n    - { kind: chance, sla: nope, probability: 90%, tolerance: 5% }\n  budget: 300\n`,
    );
    const err = await runSearch(input(f), { workers: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioLoadError);
    const errors = (err as ScenarioLoadError).errors;
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ file: f, line: 6, path: 'search.constraints[0].metric' });
    expect(errors[0]!.message).toMatch(/"requests\.calls\.service_levl" does not exist.*requests\.calls\.service_level/);
    expect(errors[1]).toMatchObject({ line: 9, path: 'search.constraints[1].sla' });
    expect(errors[1]!.message).toMatch(/^SLA "nope" has no verdict in this scenario/);
  });

  it('a space too large for the budget is refused before any run, with the arithmetic', async () => {
    const store = path.join(dir, 'never.json');
    const f = await scenarioFile(
      'budget.yaml',
      `extends: ${JSON.stringify(path.resolve(here, '../../scenarios/service-desk-staffing.yaml'))}\nsearch:\n  variables:\n    - { path: teams.service-desk.headcount, range: { from: 10, to: 30 } }\n    - { path: teams.service-desk.costPerHour, values: [20, 30] }\n  constraints: [{ kind: mean, metric: requests.calls.service_level, atLeast: 0.8, tolerance: 0.02 }]\n  budget: 25\n`,
    );
    const err = await runSearch(input(f), { workers: 0, storeFile: store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioLoadError);
    expect((err as ScenarioLoadError).errors[0]!.message).toMatch(/25 replications cannot certify .* 3 × n0 \(10\) = 30 .* 21 × 2 = 42 points .* 42 × 10 = 420/);
    expect((err as ScenarioLoadError).errors[0]).toMatchObject({ path: 'search.budget', line: 7 });
    expect(existsSync(store)).toBe(false);
  });
});
