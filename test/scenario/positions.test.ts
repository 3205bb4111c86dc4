import { describe, expect, test } from 'vitest';
import { loadScenarioText, compileRaw } from '../../src/scenario/index.js';
import { errorsOf, MINIMAL } from './helpers.js';

describe('error positions', () => {
  test('a valid scenario converts units and keeps the raw document', () => {
    const r = loadScenarioText(MINIMAL, { file: 'x.yaml' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.horizon).toBe(86400);
    const services = r.scenario.services as { serviceTime: unknown }[];
    expect(services[0]!.serviceTime).toBe(120);
    expect(services[1]!.serviceTime).toEqual({ dist: 'exponential', mean: 30 });
    expect((r.scenario.load as { rate: number }[])[0]!.rate).toBe(9);
    expect((r.raw as { horizon: string }).horizon).toBe('1d');
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.file).toBe('x.yaml');
  });

  test('value errors point at the value, unknown fields at the key', () => {
    const text = ['name: p', 'horizon: 1d', 'services:', '  - name: a', '    servers: 0', '    serviceTime: 2m', '    sevrers: 1', ''].join('\n');
    expect(errorsOf(loadScenarioText(text, { file: 'p.yaml' }))).toEqual([
      'p.yaml:5:14 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got 0',
      'p.yaml:7:5 services[0].sevrers: unknown field (did you mean "servers"?)',
    ]);
  });

  test('flow mappings and nested distribution fields', () => {
    const text = 'name: p\nhorizon: 1d\nservices: [{name: a, servers: 1, serviceTime: {dist: uniform, min: 1m, max: never}}]\n';
    expect(errorsOf(loadScenarioText(text, { file: 'p.yaml' }))).toEqual([
      'p.yaml:3:77 services[0].serviceTime.max: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "never"',
    ]);
  });

  test('a missing field is located at its parent object', () => {
    const text = 'name: p\nservices:\n  - name: a\n    serviceTime: 2m\n';
    expect(errorsOf(loadScenarioText(text, { file: 'p.yaml' }))).toEqual(['p.yaml:1:1 missing required field "horizon"', 'p.yaml:3:5 services[0]: missing required field "servers"']);
  });

  test('semantic check errors are located too', () => {
    const text = MINIMAL.replace('service: inventory', 'service: nowhere');
    expect(errorsOf(loadScenarioText(text, { file: 's.yaml' }))).toEqual(['s.yaml:12:14 load[0].service: unknown service "nowhere" (services are "inventory", "billing")']);
  });

  test('JSON positions', () => {
    const text = '{\n  "name": "j",\n  "horizon": "1d",\n  "seed": true\n}\n';
    expect(errorsOf(loadScenarioText(text, { file: 'j.json' }))).toEqual(['j.json:4:11 seed: must be an integer or text, got true']);
  });

  test('compileRaw has no positions but names the file', () => {
    expect(errorsOf(compileRaw({ name: 'x', horizon: 'never' }, { file: 'r.yaml' }))).toEqual([
      'r.yaml horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "never"',
    ]);
    expect(errorsOf(compileRaw({ horizon: '1d' }))).toEqual(['missing required field "name"']);
  });

  test('conversion happens only in the accepted union branch', () => {
    const r = compileRaw({ name: 'u', horizon: '1d', services: [{ name: 'a', servers: 1, serviceTime: { dist: 'lognormal', mean: '4h', sd: '2h' } }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect((r.scenario.services as { serviceTime: unknown }[])[0]!.serviceTime).toEqual({ dist: 'lognormal', mean: 14400, sd: 7200 });
    expect((r.raw as { services: { serviceTime: { mean: string } }[] }).services[0]!.serviceTime.mean).toBe('4h');
  });

  test('the hash depends on content, not on key order', () => {
    const a = compileRaw({ name: 'h', horizon: '1d', warmup: '1h' });
    const b = compileRaw({ warmup: '1h', horizon: '1d', name: 'h' });
    const c = compileRaw({ warmup: '2h', horizon: '1d', name: 'h' });
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });
});
