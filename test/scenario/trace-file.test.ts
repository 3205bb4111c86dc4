/**
 * load[].traceFile is read when the scenario is loaded: relative to the scenario's
 * directory, confined to it, a regular file of bounded size; its counts replace it as an
 * inline trace, so models and workers never touch the file system.
 */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileRaw, loadScenarioFile, loadScenarioText } from '../../src/scenario/index.js';
import { runReplication } from '../../src/models/replication.js';
import { errorsOf, tmpFiles } from './helpers.js';

const scenarioWith = (traceFile: string): string => `name: traced
horizon: 30m
services:
  - name: web
    servers: 100
    serviceTime: 10ms
load:
  - name: replay
    service: web
    traceFile: ${JSON.stringify(traceFile)}
    traceInterval: 5m
`;
const CSV = 'minute,count\n0,3000\n5,0\n10,6000\n';

describe('traceFile', () => {
  test('a relative path is read from the scenario directory and becomes an inline trace', () => {
    const dir = tmpFiles({ 'scn/s.yaml': scenarioWith('traces/day.csv'), 'scn/traces/day.csv': CSV });
    const r = loadScenarioFile(path.join(dir, 'scn/s.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const cls = r.scenario.load![0]!;
    expect(cls.traceFile).toBeUndefined();
    expect(cls.trace).toEqual({ interval: 300, counts: [3000, 0, 6000], repeat: true });
    // The raw document carries the counts too, so a worker recompiles it without the file.
    const again = compileRaw(r.raw);
    expect(again.ok && again.scenario.load![0]!.trace?.counts).toEqual([3000, 0, 6000]);
    const m = runReplication(r.scenario, { seed: 'trace', replication: 0 }).metrics;
    // Two cycles of the 15-min trace in 30 min: 18,000 expected.
    expect(Math.abs(m['service.web.requests']! - 18000)).toBeLessThan(3 * Math.sqrt(18000));
  });

  test('"../" and absolute paths are refused with the position of the field', () => {
    const dir = tmpFiles({ 'scn/up.yaml': scenarioWith('../secret.csv'), 'scn/abs.yaml': scenarioWith('/proc/sys/kernel/pid_max'), 'secret.csv': CSV });
    expect(errorsOf(loadScenarioFile(path.join(dir, 'scn/up.yaml')), dir)).toEqual([
      'scn/up.yaml:10:16 load[0].traceFile: must name a file inside the scenario\'s directory, got "../secret.csv"',
    ]);
    expect(errorsOf(loadScenarioFile(path.join(dir, 'scn/abs.yaml')), dir)).toEqual([
      'scn/abs.yaml:10:16 load[0].traceFile: must be a path relative to the scenario\'s directory, got the absolute path "/proc/sys/kernel/pid_max"',
    ]);
  });

  test('a symbolic link out of the directory, a directory and a missing file are refused', () => {
    const dir = tmpFiles({ 'scn/link.yaml': scenarioWith('out.csv'), 'scn/dir.yaml': scenarioWith('traces'), 'scn/traces/x.csv': CSV, 'scn/gone.yaml': scenarioWith('missing.csv'), 'secret.csv': CSV });
    symlinkSync(path.join(dir, 'secret.csv'), path.join(dir, 'scn/out.csv'));
    expect(errorsOf(loadScenarioFile(path.join(dir, 'scn/link.yaml')), dir)[0]).toContain('must name a file inside the scenario\'s directory, got "out.csv"');
    expect(errorsOf(loadScenarioFile(path.join(dir, 'scn/dir.yaml')), dir)).toEqual(['scn/dir.yaml:10:16 load[0].traceFile: "traces" is not a regular file']);
    expect(errorsOf(loadScenarioFile(path.join(dir, 'scn/gone.yaml')), dir)).toEqual(['scn/gone.yaml:10:16 load[0].traceFile: file not found: "missing.csv"']);
  });

  test('inline scenarios (HTTP API) read only inside their base directory, and not at all without one', () => {
    const dir = tmpFiles({ 'scenarios/traces/day.csv': CSV });
    const base = path.join(dir, 'scenarios');
    const ok = loadScenarioText(scenarioWith('traces/day.csv'), { file: 'inline.yaml', baseDir: base });
    expect(ok.ok && ok.scenario.load![0]!.trace?.counts).toEqual([3000, 0, 6000]);
    expect(errorsOf(loadScenarioText(scenarioWith('/proc/sys/kernel/pid_max'), { file: 'inline.yaml', baseDir: base }))[0]).toMatch(/^inline\.yaml:10:16 load\[0\]\.traceFile: must be a path relative/);
    expect(errorsOf(loadScenarioText(scenarioWith('../../../../proc/sys/kernel/pid_max'), { file: 'inline.yaml', baseDir: base }))[0]).toContain('must name a file inside the scenario\'s directory');
    expect(errorsOf(loadScenarioText(scenarioWith('traces/day.csv'), { file: 'inline.yaml' }))[0]).toContain('inline.yaml:10:16 load[0].traceFile: cannot be read here');
  });
});
