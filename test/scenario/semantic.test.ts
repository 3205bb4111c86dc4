/**
 * Every scenario that cannot run (or would run with a silently wrong meaning) is refused by
 * `opsim validate` and by the library's load call alike, with the same located errors, all at
 * once. The cases are in test/fixtures/bad (unrunnable-*, implausible-*, nonsense-*); their
 * exact messages are pinned by bad-corpus.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compileRaw, formatScenarioError, loadScenarioFile, loadScenarioText } from '../../src/scenario/index.js';
import { metricCatalog } from '../../src/models/replication.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bad = path.join(root, 'test/fixtures/bad');
const cli = path.join(root, 'dist/src/cli.js');
const CASES = ['unrunnable-references.yaml', 'implausible-sizes.yaml', 'implausible-budget.yaml', 'nonsense-settings.yaml'];

describe('opsim validate and the library give the same answer', () => {
  test.each(CASES)('%s', (c) => {
    const file = path.join(bad, c);
    const lib = loadScenarioFile(file);
    expect(lib.ok).toBe(false);
    const lines = lib.ok ? [] : lib.errors.map(formatScenarioError);
    // Every error is located at file:line:col.
    for (const l of lines) expect(l).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ `));
    const r = spawnSync(process.execPath, [cli, 'validate', file], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(lines.map((l) => l + '\n').join('') + `${file}: ${lines.length} problem${lines.length === 1 ? '' : 's'}\n`);
    // The text loader (HTTP API) finds the same problems.
    const text = loadScenarioText(readFileSync(file, 'utf8'), { file: c });
    expect(text.ok ? [] : text.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(lib.ok ? [] : lib.errors.map((e) => `${e.path}: ${e.message}`));
  });

  test('the unrunnable cases of #10 are each reported, in one pass', () => {
    const r = loadScenarioFile(path.join(bad, 'unrunnable-references.yaml'));
    const paths = r.ok ? [] : r.errors.map((e) => e.path);
    expect(paths).toEqual([
      'services[0].room',
      'teams[0].headcount',
      'requests[0].team',
      'incidents.types[0].path[1].tier',
      'monitoring.monitors[0].service',
      'monitoring.monitors[1].room',
      'sla.services[0].service',
      'failures.classes[0].repair',
    ]);
  });

  test('fixing the references makes the scenario valid and buildable (the checks do not over-reach)', () => {
    const r = loadScenarioFile(path.join(bad, 'unrunnable-references.yaml'), {
      overrides: {
        'services.web.room': 'hall',
        'teams.ops.headcount': null,
        'requests.calls.team': 'ops',
        'incidents.types.outage.path': [{ tier: 'L1' }],
        'monitoring.monitors.web-p95.service': 'web',
        'monitoring.monitors.hall-temp.room': 'hall',
        'sla.services.web-sla.service': 'web',
        'monitoring.monitors': [{ name: 'down', metric: 'state', kinds: ['server-failure'] }],
      },
    });
    expect(r.ok ? [] : r.errors.map(formatScenarioError)).toEqual([]);
    if (r.ok) expect(Object.keys(metricCatalog(r.scenario).metrics).length).toBeGreaterThan(10);
  });

  test('a scenario error found in a variant is found before any replication runs', () => {
    const r = loadScenarioFile(path.join(root, 'scenarios/globalmart-peak.yaml'));
    if (!r.ok) throw new Error('globalmart must load');
    const v = compileRaw(r.raw, { file: r.file ?? undefined, overrides: { 'services.inventory.room': 'attic' } });
    expect(v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['services[0].room: no room named "attic" (rooms: hall-a) (set by override services.inventory.room=attic)']);
  });
});
