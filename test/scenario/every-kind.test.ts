/**
 * Every problem at once: a schema error no longer hides the other checks. When the schema
 * refuses part of a scenario, the checks still run on the sections that validated (a check
 * stops at the first section it reads that did not), the variants' override paths and the
 * search section's own checks too; each problem once, in document order.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatScenarioError, loadScenarioText } from '../../src/scenario/index.js';
import { partialScenario, SectionUnavailable } from '../../src/scenario/checks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/src/cli.js');

function lines(text: string): string[] {
  const r = loadScenarioText(text, { file: 'x.yaml' });
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map(formatScenarioError);
}

describe('opsim validate reports every kind of problem in one pass', () => {
  const file = 'test/scenario/fixtures/every-kind.yaml';
  const all = [
    `${file}:17:5 teams[0].headcont: unknown field (did you mean "headcount"?)`,
    `${file}:18:11 teams[1].name: duplicate name "ops" (already used by item 0)`,
    `${file}:24:11 load[0].rate: must be a rate such as 9, "9/s", "300/h", "100/30m" (plain numbers are per second), got "fast"`,
    `${file}:29:18 rooms[0].resumeBelow: resumeBelow (35 °C) must be below shutdownAbove (30 °C)`,
    `${file}:34:33 sla.services[0].service: no service named "shop" (services: web)`,
    `${file}:39:54 experiment.variants.list[0].set["services.web.sevrers"]: unknown field "sevrers" in services[0] (did you mean "services.web.servers"?)`,
    `${file}:42:7 search.variables[0]: give exactly one of \`range\` and \`values\``,
    `${file}:44:60 search.constraints[0].atMost: expected a duration like "5m" or "90s", or a plain number of seconds, got "5kW"`,
  ];

  test('schema, unit, duplicate name in a set-aside section, reference, model check, variant override, search section and a search bound\'s unit: all eight, in document order, exit 2', () => {
    const r = spawnSync(process.execPath, [cli, 'validate', file], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe([...all, `${file}: 8 problems`, ''].join('\n'));
  });

  test('with bad --set paths and values: each one listed after the file\'s problems, in command-line order, with the nearest valid path', () => {
    const r = spawnSync(process.execPath, [cli, 'validate', file, '--set', 'services.web.sevrers=3', '--set', 'services.web.servers=2', '--set', 'teams.opps.headcount=2', '--set', 'horizon=soon'], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      [
        ...all,
        'services.web.sevrers: override: unknown field "sevrers" in services[0] (did you mean "services.web.servers"?)',
        'teams.opps.headcount: override: teams has no item named "opps" (did you mean "teams.ops.headcount"?) (names: ops, ops)',
        'horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "soon" (set by override horizon=soon)',
        `${file}: 11 problems`,
        '',
      ].join('\n'),
    );
  });
});

describe('a check never reads a section that did not validate', () => {
  const base = (extra: string): string => `name: t\nhorizon: 1d\nrooms: [{ name: hall, cabinets: 4, crac: [{ capacity: 60kW }] }]\n${extra}`;

  test('a reference into a broken section is not called missing (no second error for the same mistake)', () => {
    // services[0] has a misspelt field: the load and the SLA naming "web" are not said to name nothing.
    expect(
      lines(base('services: [{ name: web, sevrers: 4, serviceTime: 200ms }]\nload: [{ name: a, service: web, rate: 2/s }]\nsla: { services: [{ name: s, service: web, availabilityTarget: 99% }] }\n')),
    ).toEqual(['x.yaml:4:12 services[0]: missing required field "servers"', 'x.yaml:4:25 services[0].sevrers: unknown field (did you mean "servers"?)']);
  });

  test('a misspelt top-level section is not taken for an absent one', () => {
    // "sevices" is close to "services": the checks reading services stop, so load's "web" is not reported.
    expect(lines(base('sevices: [{ name: web, servers: 4, serviceTime: 200ms }]\nload: [{ name: a, service: web, rate: 2/s }]\n'))).toEqual([
      'x.yaml:4:1 sevices: unknown field (did you mean "services"?)',
    ]);
    // A top-level field close to nothing may be any absent section: none is taken for absent.
    expect(lines(base('zzqq: [{ name: web, servers: 4, serviceTime: 200ms }]\nload: [{ name: a, service: web, rate: 2/s }]\n'))).toEqual(['x.yaml:4:1 zzqq: unknown field']);
  });

  test('checks on the sections that did validate still report, with the schema errors', () => {
    // horizon is broken (so the warm-up check does not run); the load still names a service that does not exist.
    expect(lines('name: t\nhorizon: soon\nwarmup: 2d\nservices: [{ name: web, servers: 4, serviceTime: 200ms }]\nload: [{ name: a, service: wbe, rate: 2/s }]\n')).toEqual([
      'x.yaml:2:10 horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "soon"',
      'x.yaml:5:28 load[0].service: unknown service "wbe" (did you mean "web"?) (services are "web")',
    ]);
  });

  test('a variant path through a broken section is left unchecked; the others are checked', () => {
    const text = base(
      'services: [{ name: web, servers: four, serviceTime: 200ms }]\nexperiment:\n  variants:\n    list:\n      - { name: a, set: { services.web.servers: 6 } }\n      - { name: b, set: { rooms.hall.cabinet: 6 } }\n',
    );
    expect(lines(text)).toEqual([
      'x.yaml:4:34 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "four"',
      'x.yaml:9:47 experiment.variants.list[1].set["rooms.hall.cabinet"]: unknown field "cabinet" in rooms[0] (did you mean "rooms.hall.cabinets"?)',
    ]);
  });

  test('partialScenario: an unavailable section throws when read or asked for, and is not listed', () => {
    const s = partialScenario({ name: 't', horizon: 60 }, new Set(['services']));
    expect(s.name).toBe('t');
    expect(Object.keys(s)).toEqual(['name', 'horizon']);
    expect(() => s.services).toThrow(SectionUnavailable);
    expect(() => 'services' in s).toThrow(SectionUnavailable);
    expect(s.rooms).toBeUndefined();
  });

  test('the search section is checked when the rest did not load, but not from a search section that did not validate', () => {
    const file = 'test/scenario/fixtures/every-kind.yaml';
    // --set of a field that breaks the search section: its own schema error, no search checks on it.
    const r = spawnSync(process.execPath, [cli, 'validate', file, '--set', 'search.budget=lots'], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('search.budget: must be an integer');
    expect(r.stderr).not.toContain('give exactly one of');
    expect(r.stderr).toContain('no service named "shop"');
  });
});
