/**
 * `opsim run` hands the scenario it loaded from its file to the planner as the compile of its
 * raw document (rememberLoaded), instead of validating and checking it again. That is sound
 * only if compiling the loaded raw document with the same overrides gives the same result:
 * checked here on every shipped scenario, with and without overrides, and on a scenario whose
 * trace is read from a file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRaw, loadScenarioFile } from '../../src/scenario/index.js';
import { planExperiment, prepare, rememberLoaded } from '../../src/experiment/plan.js';
import { tmpFiles } from '../scenario/helpers.js';
import { ROOT } from './helpers.js';

const shipped = readdirSync(path.join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => path.join('scenarios', f));

const traced = (): string => {
  const dir = tmpFiles({
    's.yaml': 'name: traced\nhorizon: 30m\nservices:\n  - name: web\n    servers: 10\n    serviceTime: 10ms\nload:\n  - name: replay\n    service: web\n    traceFile: day.csv\n    traceInterval: 5m\n',
    'day.csv': 'minute,count\n0,300\n5,0\n10,600\n',
  });
  return path.join(dir, 's.yaml');
};

describe('a scenario loaded from its file is its raw document compiled', () => {
  const cases: [string, Record<string, unknown>][] = [
    ...shipped.map((f): [string, Record<string, unknown>] => [f, {}]),
    ...shipped.map((f): [string, Record<string, unknown>] => [f, { horizon: '2h', seed: 7 }]),
  ];
  it.each(cases)('%s with overrides %j', (file, overrides) => {
    const loaded = loadScenarioFile(path.join(ROOT, file), { overrides });
    if (!loaded.ok) throw new Error(`${file} must load`);
    expect(compileRaw(loaded.raw, { file: loaded.file ?? undefined, overrides })).toEqual(loaded);
  });

  it('with a trace read from a file', () => {
    const loaded = loadScenarioFile(traced(), { overrides: { horizon: '1h' } });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect(loaded.scenario.load![0]!.trace?.counts).toEqual([300, 0, 600]);
    expect(compileRaw(loaded.raw, { file: loaded.file ?? undefined, overrides: { horizon: '1h' } })).toEqual(loaded);
  });

  it('is what the planner then uses, without compiling it again', () => {
    const overrides = { horizon: '2h' };
    const loaded = loadScenarioFile(path.join(ROOT, 'scenarios/globalmart-peak.yaml'), { overrides });
    if (!loaded.ok) throw new Error('globalmart-peak must load');
    const input = { raw: loaded.raw, file: loaded.file, hash: loaded.hash };
    const fresh = prepare(input, { overrides, variants: ['base'] });
    expect(fresh.base).not.toBe(loaded.scenario);
    rememberLoaded(loaded, overrides);
    const remembered = prepare(input, { overrides, variants: ['base'] });
    expect(remembered.base).toBe(loaded.scenario);
    expect(remembered.base).toEqual(fresh.base);
    expect(planExperiment(input, { overrides, variants: ['base'] }).variants).toEqual(['base']);
  });
});
