/**
 * Overload warnings judge the scenarios a command plans, not only the base: `opsim run` the
 * variants it runs, `opsim validate` the base and every variant; each warning tagged with
 * where it holds, said once (review12: a base of 5 servers whose variants all have 10+ warned
 * falsely; a variant at ρ = 1.8 run alone warned nothing).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFile } from '../../src/scenario/index.js';
import { plannedScenarioWarnings } from '../../src/models/warnings.js';
import { plannedScenarios } from '../../src/cli/planned-warnings.js';
import { cli } from '../experiment/helpers.js';
import { reportHtml } from '../../src/report/index.js';
import type { ResultsDocument } from '../../src/results/format.js';

function write(lines: string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'opsim-planned-')), 'f.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** 9/s of 1 s work on `servers` servers, with the variants given (each a servers count), 1 replication of 10 min. */
function mmc(servers: number, variants: Record<string, number> | null): string {
  return write([
    'name: mmc',
    'horizon: 10m',
    'load: [{ name: c, service: s, rate: 9/s }]',
    `services: [{ name: s, servers: ${servers}, serviceTime: { dist: exponential, mean: 1s } }]`,
    ...(variants === null ? [] : ['experiment:', '  variants:', '    list:', ...Object.entries(variants).map(([n, k]) => `      - { name: ${n}, set: { services.s.servers: ${k} } }`)]),
  ]);
}

const OVER5 = '"s" is overloaded over the whole horizon: offered 9/s on average against a capacity of 5/s with every server up (ρ = 1.80): queues grow without bound';

function judged(file: string, options: { variants?: string[] } = {}, withBase = false): string[] {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return plannedScenarioWarnings(file, plannedScenarios(r, options, withBase)).map(formatScenarioError);
}

describe('warnings of the planned scenarios', () => {
  it('a scenario without variants: its warnings untagged, as before', () => {
    const file = mmc(5, null);
    expect(judged(file)).toEqual([`${file}:4:23 services[0].servers: warning: ${OVER5}`]);
  });

  it('tags a warning with the variants that raise it, once for several, "every variant" for all', () => {
    // The variants inherit the base's 5 servers (they change the horizon): the warning is the base's field's, said once.
    const inherit = write(['name: mmc', 'horizon: 10m', 'load: [{ name: c, service: s, rate: 9/s }]', 'services: [{ name: s, servers: 5, serviceTime: { dist: exponential, mean: 1s } }]', 'experiment:', '  variants:', '    list:', '      - { name: a, set: { horizon: 20m } }', '      - { name: b, set: { horizon: 30m } }', '      - { name: c, set: { services.s.servers: 12 } }']);
    expect(judged(inherit)).toEqual([`${inherit}:4:23 services[0].servers: warning: in variants a, b: ${OVER5}`]);
    expect(judged(inherit, { variants: ['a', 'b'] })).toEqual([`${inherit}:4:23 services[0].servers: warning: in every variant: ${OVER5}`]);
    expect(judged(inherit, { variants: ['c'] })).toEqual([]);
    expect(judged(inherit, {}, true)).toEqual([`${inherit}:4:23 services[0].servers: warning: in the base scenario and variants a, b: ${OVER5}`]);
  });

  it("points at the variant's own setting when the variant set the field (was the base's field)", () => {
    const file = mmc(10, { big: 12, small: 5, tiny: 5 });
    expect(judged(file)).toEqual([
      `${file}:9:31 experiment.variants.list[1].set["services.s.servers"]: warning: in variant small: ${OVER5}`,
      `${file}:10:30 experiment.variants.list[2].set["services.s.servers"]: warning: in variant tiny: ${OVER5}`,
    ]);
    expect(judged(file, { variants: ['small'] })).toEqual([`${file}:9:31 experiment.variants.list[1].set["services.s.servers"]: warning: in variant small: ${OVER5}`]);
    expect(judged(file, { variants: ['big'] })).toEqual([]);
    // The base's own field and a variant that sets the same value: each where it is written.
    const base = mmc(5, { same: 5, big: 12 });
    expect(judged(base, {}, true)).toEqual([`${base}:4:23 services[0].servers: warning: in the base scenario: ${OVER5}`, `${base}:8:30 experiment.variants.list[0].set["services.s.servers"]: warning: in variant same: ${OVER5}`]);
    // A factor sweep: at the factor.
    const sweep = write(['name: mmc', 'horizon: 10m', 'load: [{ name: c, service: s, rate: 9/s }]', 'services: [{ name: s, servers: 10, serviceTime: { dist: exponential, mean: 1s } }]', 'experiment:', '  variants:', '    factors:', '      services.s.servers: [5, 12]']);
    expect(judged(sweep)).toEqual([`${sweep}:8:7 experiment.variants.factors["services.s.servers"]: warning: in variant services.s.servers=5: ${OVER5}`]);
  });
});

describe('at run and validate', () => {
  it('opsim run: no false warning from a base no variant runs; a variant run alone is judged', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opsim-planned-run-'));
    const five = await cli(['run', mmc(5, { ten: 10, twelve: 12 }), '-r', '1', '--quiet', '--no-report', '--out', path.join(out, 'a')]);
    expect(five.code).toBe(0);
    expect(five.stderr).not.toMatch(/warning/);
    const small = mmc(10, { base: 10, small: 5 });
    const r = await cli(['run', small, '--variant', 'small', '-r', '1', '--quiet', '--no-report', '--out', path.join(out, 'b')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${small}:9:31 experiment.variants.list[1].set["services.s.servers"]: warning: in variant small: ${OVER5}`);
    // In results.json too (they printed at run only before), and at the top of report.html.
    const doc = JSON.parse(readFileSync(path.join(out, 'b', 'results.json'), 'utf8')) as ResultsDocument;
    expect(doc.scenarioWarnings).toEqual([{ file: small, line: 9, column: 31, path: 'experiment.variants.list[1].set["services.s.servers"]', message: `in variant small: ${OVER5}` }]);
    const html = reportHtml(doc, []);
    expect(html.indexOf('in variant small: &quot;s&quot; is overloaded')).toBeGreaterThan(0);
    expect(html.indexOf('in variant small: &quot;s&quot; is overloaded')).toBeLessThan(html.indexOf('<h2>Decision'));
    // No warning, no field: the results of a scenario without warnings keep their bytes.
    const quiet = JSON.parse(readFileSync(path.join(out, 'a', 'results.json'), 'utf8')) as ResultsDocument;
    expect('scenarioWarnings' in quiet).toBe(false);
  }, 60_000);

  it('opsim validate: the base and every variant, each warning tagged', async () => {
    const five = mmc(5, { ten: 10, twelve: 12 });
    const small = mmc(10, { base: 10, small: 5 });
    const r = await cli(['validate', five, small]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`${five}:4:23 services[0].servers: warning: in the base scenario: ${OVER5}`, `${small}:9:31 experiment.variants.list[1].set["services.s.servers"]: warning: in variant small: ${OVER5}`]);
  }, 30_000);
});
