/**
 * A search section reads like the rest of the scenario language: a constraint's bound and a
 * mean constraint's zone take units of their metric's kind ("5m" for a wait in seconds, "80%"
 * for a fraction), converted to the metric's unit; a unit of another kind is refused, located.
 * And the words the headline is made of say what the certificate certifies: the bound less its
 * indifference zone, a difference of shares in percentage points.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioLoadError } from '../../src/scenario/index.js';
import { prepareSearch } from '../../src/search/index.js';
import { inMetricUnit } from '../../src/search/validate.js';
import { constraintWords, meetsWords, zoneWords } from '../../src/search/words.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function prepared(file: string): ReturnType<typeof prepareSearch> {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return prepareSearch(r.raw, r.file, r.scenario);
}

describe('constraint bounds with units', () => {
  it('"80 %", "2%", "5m", "30s", "1h30m" give the tests plain numbers in the metric\'s unit give', () => {
    const withUnits = prepared(path.join(fixtures, 'unit-bound-search.yaml')).tests;
    const plain = prepared(path.join(fixtures, 'unit-bound-plain.yaml')).tests;
    expect(withUnits).toEqual(plain);
    expect(withUnits[0]).toMatchObject({ kind: 'mean', threshold: 0.8, tolerance: 0.02 });
    expect(withUnits[1]).toMatchObject({ kind: 'mean', sense: 'atMost', threshold: 300, tolerance: 30 });
    expect(withUnits[2]).toMatchObject({ kind: 'chance', metric: 'requests.calls.wait.mean<=5400', probability: 0.9, tolerance: 0.05 });
  });

  it('a unit of another kind, a capital M and a zero zone are refused with file, line:column, path and what is expected', () => {
    const file = path.join(fixtures, 'invalid/unit-bound-search.yaml');
    let thrown: unknown;
    try {
      prepared(file);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ScenarioLoadError);
    const errors = (thrown as ScenarioLoadError).errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`);
    expect(errors).toEqual([
      '8:57 search.constraints[0].atMost: expected a duration like "5m" or "90s", or a plain number of seconds, got "5kW"',
      '9:59 search.constraints[1].atLeast: expected a fraction like 0.8 or a percentage like "80%", got "80 min"',
      '10:55 search.constraints[2].atMost: expected a duration like "5m" or "90s", or a plain number of seconds, got "5M" (a capital M could mean minutes or months: m = minutes; write 30d for a month)',
      '10:67 search.constraints[2].tolerance: the indifference zone must be > 0, got "0s"',
    ]);
    expect((thrown as ScenarioLoadError).errors.every((e) => e.file === file)).toBe(true);
  });

  it('converts to the metric\'s own unit, whatever it is; text that is a plain number is in that unit; a unitless metric takes numbers only', () => {
    expect(inMetricUnit('minutes', '2h')).toBe(120);
    expect(inMetricUnit('minutes', '90')).toBe(90);
    expect(inMetricUnit('hours', '90m')).toBe(1.5);
    expect(inMetricUnit('kilowatts', '400W')).toBe(0.4);
    expect(inMetricUnit('kWh', '3.6MJ')).toBe(1);
    expect(inMetricUnit('per_second', '360/h')).toBe(0.1);
    expect(inMetricUnit('fraction', '99.9%')).toBe(0.999);
    expect(inMetricUnit('count', 12)).toBe(12);
    expect(inMetricUnit('count', '5m')).toBe('expected a plain number (in count: this metric takes no unit), got "5m"');
  });
});

describe('the words of what a certificate certifies', () => {
  const level = constraintWords({ kind: 'mean', metric: 'requests.calls.service_level', label: 'calls answered within target', unit: 'fraction' });
  it('a fraction\'s zone is in percentage points, and the bound is stated less its zone', () => {
    expect(level.delta(0.02)).toBe('2 pp');
    expect(zoneWords({ kind: 'mean', sense: 'atLeast', bound: 0.8, tolerance: 0.02 }, level)).toBe('mean calls answered within target ≥ 80.0 % − 2 pp');
    expect(zoneWords({ kind: 'mean', sense: 'atLeast', bound: 0.8, tolerance: 0.004 }, level)).toBe('mean calls answered within target ≥ 80.0 % − 0.4 pp');
  });
  it('an upper bound is stated plus its zone, in the metric\'s unit; a chance constraint\'s p0 less δ in points', () => {
    const wait = constraintWords({ kind: 'mean', metric: 'requests.calls.wait.mean', label: 'wait', unit: 'seconds' });
    expect(zoneWords({ kind: 'mean', sense: 'atMost', bound: 300, tolerance: 30 }, wait)).toBe('mean wait ≤ 5 min + 30 s');
    const p50 = constraintWords({ kind: 'mean', metric: 'incidents.P1.ttr.mean', label: 'P1 mean time to resolve', unit: 'seconds' });
    expect(zoneWords({ kind: 'mean', sense: 'atMost', bound: 3600, tolerance: 600 }, p50)).toBe('P1 mean time to resolve ≤ 60 min + 10 min');
    const p95 = constraintWords({ kind: 'chance', metric: 'service.inventory.response_time.p95<=1', label: 'p95 response time', unit: 'seconds' });
    expect(zoneWords({ kind: 'chance', bound: 0.9, tolerance: 0.05 }, p95)).toBe('P(p95 response time ≤ 1 s) ≥ 90 % − 5 pp of periods');
    expect(meetsWords(['a', 'b'], '95 %')).toBe('meets every constraint to within its indifference zone with 95 % confidence (a; b)');
  });
});
