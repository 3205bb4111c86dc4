import { describe, expect, test } from 'vitest';
import { applyOverrides, compileRaw, loadScenarioText, parseOverrideArgs, ScenarioLoadError, formatScenarioError } from '../../src/scenario/index.js';
import { errorsOf, MINIMAL } from './helpers.js';

const raw = (): unknown => {
  const r = loadScenarioText(MINIMAL, { file: 'm.yaml' });
  if (!r.ok) throw new Error('MINIMAL should be valid');
  return r.raw;
};

describe('overrides', () => {
  test('--set values are YAML scalars', () => {
    expect(parseOverrideArgs(['services.inventory.servers=12', 'horizon=2d', 'seed=007', 'description=', 'services[0].serviceTime={dist: exponential, mean: 2m}'])).toEqual({
      'services.inventory.servers': 12,
      horizon: '2d',
      seed: 7,
      description: '',
      'services[0].serviceTime': { dist: 'exponential', mean: '2m' },
    });
    expect(() => parseOverrideArgs(['novalue'])).toThrow(ScenarioLoadError);
  });

  test('paths by index and by name', () => {
    const doc = applyOverrides(raw(), { 'services[0].servers': 7, 'services.billing.servers': 9, horizon: '2d', 'load.lookups.rate': '20/s' }) as {
      services: { servers: number }[];
      horizon: string;
      load: { rate: string }[];
    };
    expect(doc.services.map((s) => s.servers)).toEqual([7, 9]);
    expect(doc.horizon).toBe('2d');
    expect(doc.load[0]!.rate).toBe('20/s');
    expect((raw() as { horizon: string }).horizon).toBe('1d');
  });

  test('null removes a field; fields inside union branches are reachable', () => {
    const doc = applyOverrides(raw(), { 'load[0].rate': null, 'services.billing.serviceTime.mean': '1m' }) as { load: object[]; services: { serviceTime: unknown }[] };
    expect('rate' in doc.load[0]!).toBe(false);
    expect(doc.services[1]!.serviceTime).toEqual({ dist: 'exponential', mean: '1m' });
    expect(() => applyOverrides(raw(), { 'services.inventory.serviceTime.dist': 'exponential' })).toThrow(
      'services.inventory.serviceTime.dist: override: services[0].serviceTime is "2m", not an object or list, so it has no field "dist"',
    );
  });

  test('bad paths are errors with suggestions', () => {
    try {
      applyOverrides(raw(), { 'services.inventory.sevrers': 1, 'services.inventry.servers': 1, 'services[5].servers': 1, horizn: '1d', 'a..b': 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioLoadError);
      expect((err as ScenarioLoadError).errors.map(formatScenarioError)).toEqual([
        'services.inventory.sevrers: override: unknown field "sevrers" in services[0] (did you mean "services.inventory.servers"?)',
        'services.inventry.servers: override: services has no item named "inventry" (did you mean "services.inventory.servers"?) (names: inventory, billing)',
        'services[5].servers: override: services has 2 items, so there is no item 5',
        'horizn: override: unknown field "horizn" (did you mean "horizon"?)',
        'a..b: override: empty segment in field path "a..b"',
      ]);
    }
  });

  test('compileRaw applies overrides; errors in overridden values name the override', () => {
    const ok = compileRaw(raw(), { overrides: { 'services.inventory.servers': 12, horizon: '2d' } });
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect((ok.scenario.services as { servers: number }[])[0]!.servers).toBe(12);
      expect(ok.scenario.horizon).toBe(172800);
      expect((ok.raw as { horizon: string }).horizon).toBe('2d');
    }
    expect(errorsOf(compileRaw(raw(), { file: 'm.yaml', overrides: { 'services.inventory.servers': 0 } }))).toEqual([
      'services[0].servers: must be an integer ≥ 1 and ≤ 100000, got 0 (set by override services.inventory.servers=0)',
    ]);
  });

  test('loadScenarioText with overrides keeps positions of untouched values', () => {
    const text = MINIMAL.replace('servers: 2', 'servers: 0');
    expect(errorsOf(loadScenarioText(text, { file: 'm.yaml', overrides: { horizon: 'later' } }))).toEqual([
      'm.yaml:8:14 services[1].servers: must be an integer ≥ 1 and ≤ 100000, got 0',
      'horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "later" (set by override horizon=later)',
    ]);
  });

  test('a bad path does not hide the other overrides\' values nor the file\'s problems; no close name lists the fields', () => {
    const text = MINIMAL.replace('rate: 9/s', 'rate: fast');
    const r = loadScenarioText(text, { file: 'm.yaml', overrides: { horizn: '2d', 'services.inventory.servers': 'six', zzz: 1, 'services.billing.serviceTime.zzz': 1 } });
    expect(errorsOf(r)).toEqual([
      'm.yaml:13:11 load[0].rate: must be a rate such as 9, "9/s", "300/h", "100/30m" (plain numbers are per second), got "fast"',
      'horizn: override: unknown field "horizn" (did you mean "horizon"?)',
      'services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "six" (set by override services.inventory.servers=six)',
      'zzz: override: unknown field "zzz"',
      'services.billing.serviceTime.zzz: override: unknown field "zzz" in services[1].serviceTime (fields: dist, mean, value, min, max, mode, sd, shape, scale, samples)',
    ]);
    // Valid but for a bad path: still refused.
    expect(errorsOf(loadScenarioText(MINIMAL, { file: 'm.yaml', overrides: { horizn: '2d' } }))).toEqual(['horizn: override: unknown field "horizn" (did you mean "horizon"?)']);
  });
});
