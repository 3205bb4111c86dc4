/**
 * Errors found while planning variants are placed at line:column in the file that wrote them,
 * and the file is read and indexed once per planning however many errors it places (it used
 * to be read again for each), and not at all when there is none.
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as merge from '../../src/scenario/merge.js';
import { loadScenarioFile, ScenarioLoadError } from '../../src/scenario/index.js';
import { prepare } from '../../src/experiment/plan.js';
import { tmpFiles } from '../scenario/helpers.js';

vi.mock('../../src/scenario/merge.js', async (original) => {
  const m = await original<typeof import('../../src/scenario/merge.js')>();
  return { ...m, readMergedSource: vi.fn(m.readMergedSource) };
});
const reads = vi.mocked(merge.readMergedSource);

const SCENARIO = [
  'name: several-errors',
  'horizon: 1h',
  'load: [{ name: customers, service: station, rate: 9/s }]',
  'services: [{ name: station, servers: 10, serviceTime: { dist: exponential, mean: 1s } }]',
  'experiment:',
  '  replications: 4',
  '  reference: nobody',
  '  stopWhen: { maxReplications: 2, halfWidth: 0.1, metric: services.station.rt_mean }',
  '  variants:',
  '    list:',
  '      - name: a',
  '      - name: b',
  '        set: { services.station.servers: six }',
  '      - name: c',
  '        set: { services.station.servers: -1 }',
  '',
].join('\n');

function planErrors(file: string): ScenarioLoadError {
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  reads.mockClear();
  try {
    prepare({ raw: loaded.raw, file: loaded.file, hash: loaded.hash }, {});
  } catch (e) {
    if (e instanceof ScenarioLoadError) return e;
    throw e;
  }
  throw new Error('expected planning errors');
}

describe('variant errors are located with one read of the file', () => {
  it('places every error at its line and reads the file once', () => {
    const file = path.join(tmpFiles({ 's.yaml': SCENARIO }), 's.yaml');
    const err = planErrors(file);
    const at = err.errors.map((e) => `${e.line}:${e.column} ${e.path}`);
    expect(at).toEqual([
      '13:16 experiment.variants.list[1].set["services.station.servers"]',
      '15:16 experiment.variants.list[2].set["services.station.servers"]',
      '7:3 experiment.reference',
      '8:15 experiment.stopWhen.maxReplications',
    ]);
    expect(err.errors.every((e) => e.file === file)).toBe(true);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('does not read the file when there is nothing to place', () => {
    const good = SCENARIO.replace('reference: nobody', 'reference: a').replace('maxReplications: 2', 'maxReplications: 8').replace(/ {6}- name: b\n.*\n {6}- name: c\n.*\n/, '');
    const file = path.join(tmpFiles({ 's.yaml': good }), 's.yaml');
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    reads.mockClear();
    expect(prepare({ raw: loaded.raw, file: loaded.file, hash: loaded.hash }, {}).variants.map((v) => v.def.name)).toEqual(['a']);
    expect(reads).not.toHaveBeenCalled();
  });
});
