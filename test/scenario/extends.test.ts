import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadScenarioFile, loadScenarioText } from '../../src/scenario/index.js';
import { errorsOf, MINIMAL, tmpFiles } from './helpers.js';

describe('extends', () => {
  test('objects merge by key, named lists by name, other lists replace', () => {
    const dir = tmpFiles({
      'base.yaml': MINIMAL + 'description: the base\nwarmup: 1h\n',
      'variant.yaml': [
        'extends: base.yaml',
        'name: bigger',
        'warmup: null',
        'services:',
        '  - name: inventory',
        '    servers: 12',
        '  - name: search',
        '    servers: 3',
        '    serviceTime: 1s',
        '',
      ].join('\n'),
    });
    const r = loadScenarioFile(path.join(dir, 'variant.yaml'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.scenario as unknown as Record<string, unknown> & { services: { name: string; servers: number; serviceTime: unknown }[] };
    expect(s.name).toBe('bigger');
    expect(s.description).toBe('the base');
    expect('warmup' in s).toBe(false);
    expect('extends' in s).toBe(false);
    expect(s.services.map((x) => [x.name, x.servers, x.serviceTime])).toEqual([
      ['inventory', 12, 120],
      ['billing', 2, { dist: 'exponential', mean: 30 }],
      ['search', 3, 1],
    ]);
    expect('extends' in (r.raw as object)).toBe(false);
  });

  test('chains of extends, relative to each file', () => {
    const dir = tmpFiles({
      'common/base.yaml': MINIMAL,
      'common/mid.yaml': 'extends: base.yaml\nhorizon: 2d\n',
      'top.yaml': 'extends: common/mid.yaml\nname: top\n',
    });
    const r = loadScenarioFile(path.join(dir, 'top.yaml'));
    expect(r.ok && r.scenario.horizon).toBe(172800);
  });

  test('lists of unnamed items replace', () => {
    const dir = tmpFiles({ 'base.yaml': 'name: b\nhorizon: 1d\nseed: 1\n', 'v.yaml': 'extends: base.yaml\nseed: abc\n' });
    const r = loadScenarioFile(path.join(dir, 'v.yaml'));
    expect(r.ok && r.scenario.seed).toBe('abc');
  });

  test('errors keep the position of the file that wrote the value', () => {
    const dir = tmpFiles({
      'base.yaml': 'name: b\nhorizon: 1d\nservices:\n  - name: inventory\n    servers: 4\n    serviceTime: 2m\n',
      'v.yaml': 'extends: base.yaml\nservices:\n  - name: inventory\n    servers: -1\n  - name: new\n    servers: 1\n',
    });
    expect(errorsOf(loadScenarioFile(path.join(dir, 'v.yaml')), dir)).toEqual([
      'v.yaml:4:14 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got -1',
      'v.yaml:5:5 services[1]: missing required field "serviceTime"',
    ]);
  });

  test('cycles are reported', () => {
    const dir = tmpFiles({ 'a.yaml': 'extends: b.yaml\nname: a\n', 'b.yaml': 'extends: a.yaml\nhorizon: 1d\n' });
    expect(errorsOf(loadScenarioFile(path.join(dir, 'a.yaml')), dir)).toEqual(['b.yaml:1:10 extends: cycle: a.yaml → b.yaml → a.yaml']);
    const self = tmpFiles({ 's.yaml': 'extends: s.yaml\nname: s\n' });
    expect(errorsOf(loadScenarioFile(path.join(self, 's.yaml')), self)).toEqual(['s.yaml:1:10 extends: cycle: s.yaml → s.yaml']);
  });

  test('inline text resolves extends in baseDir and may not escape it', () => {
    const dir = tmpFiles({ 'scenarios/base.yaml': MINIMAL, 'secret.yaml': MINIMAL });
    const base = path.join(dir, 'scenarios');
    const ok = loadScenarioText('extends: base.yaml\nname: inline\n', { file: 'inline.yaml', baseDir: base });
    expect(ok.ok).toBe(true);
    expect(errorsOf(loadScenarioText('extends: ../secret.yaml\nname: x\n', { file: 'inline.yaml', baseDir: base }))).toEqual([
      'inline.yaml:1:10 extends: must name a file inside the scenarios directory, got "../secret.yaml"',
    ]);
    expect(errorsOf(loadScenarioText(`extends: ${path.join(dir, 'secret.yaml')}\nname: x\n`, { file: 'inline.yaml', baseDir: base }))[0]).toContain('must name a file inside the scenarios directory');
    expect(errorsOf(loadScenarioText('extends: base.yaml\nname: x\n', { file: 'inline.yaml' }))).toEqual([
      'inline.yaml:1:10 extends: cannot be used in an inline scenario without a base directory',
    ]);
  });
});
