/** `opsim validate` and `opsim schema` through the built CLI (npm test runs tsc first). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { MINIMAL, tmpFiles } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/src/cli.js');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The built CLI is tested as users run it; `npm test` builds first. A missing build fails
// loudly (spawn error) instead of skipping.
describe('opsim validate (built CLI)', () => {
  const dir = tmpFiles({ 'good.yaml': MINIMAL, 'bad.yaml': MINIMAL.replace('servers: 4', 'servers: 0').replace('rate: 9/s', 'rate: fast') });

  test('a valid file: exit 0 and a summary', () => {
    const r = run('validate', path.join(dir, 'good.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${path.join(dir, 'good.yaml')}: valid (shop, 2 services, 1 load, horizon 1d)\n`);
  });

  test('an invalid file: every error, exit 2', () => {
    const r = run('validate', path.join(dir, 'bad.yaml'));
    expect(r.code).toBe(2);
    const f = path.join(dir, 'bad.yaml');
    expect(r.stderr).toBe(
      [
        `${f}:5:14 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got 0`,
        `${f}:13:11 load[0].rate: must be a rate such as 9, "9/s", "300/h", "100/30m" (plain numbers are per second), got "fast"`,
        `${f}: 2 problems`,
        '',
      ].join('\n'),
    );
  });

  test('--set overrides, good and bad', () => {
    expect(run('validate', path.join(dir, 'bad.yaml'), '--set', 'services.inventory.servers=3', '--set', 'load.lookups.rate=5/s').code).toBe(0);
    const r = run('validate', path.join(dir, 'good.yaml'), '--set', 'services.inventory.sevrers=3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('services.inventory.sevrers: override: unknown field "sevrers" in services[0] (did you mean "services.inventory.servers"?)');
    expect(run('validate', path.join(dir, 'good.yaml'), '--set', 'oops').code).toBe(2);
  });

  test("every variant's values are checked as a run would, located at the variant (not first found by a run)", () => {
    const variants = `${MINIMAL}experiment:
  variants:
    list:
      - name: base
      - name: bigger
        set: { services.inventory.servers: 6 }
      - name: typo
        set: { services.inventory.servers: six }
`;
    const files = tmpFiles({ 'variants.yaml': variants, 'fine.yaml': variants.replace('servers: six', 'servers: 8') });
    const bad = path.join(files, 'variants.yaml');
    const r = run('validate', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        `${bad}:21:16 experiment.variants.list[2].set["services.inventory.servers"]: variant "typo": services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "six" (set by override services.inventory.servers=six)`,
        `${bad}: 1 problem`,
        '',
      ].join('\n'),
    );
    const ok = run('validate', path.join(files, 'fine.yaml'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${path.join(files, 'fine.yaml')}: valid (shop, 2 services, 1 load, horizon 1d, 3 variants)\n`);
  });

  test("a variant error in an extends base is located in the base, by validate and run (not at the child's 1:1)", () => {
    const base = `${MINIMAL}experiment:
  variants:
    list:
      - name: fine
      - name: typo
        set: { services.inventory.servers: six }
`;
    // The child inherits the base's variants; the second child rewrites the typo variant itself.
    const files = tmpFiles({ 'base.yaml': base, 'child.yaml': 'extends: base.yaml\nname: child\n', 'own.yaml': 'extends: base.yaml\nexperiment:\n  variants:\n    list:\n      - name: typo\n        set: { services.inventory.servers: seven }\n' });
    const [b, child, own] = ['base.yaml', 'child.yaml', 'own.yaml'].map((f) => path.join(files, f)) as [string, string, string];
    const message = (got: string): string =>
      `experiment.variants.list[1].set["services.inventory.servers"]: variant "typo": services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "${got}" (set by override services.inventory.servers=${got})`;
    for (const file of [b, child]) {
      const r = run('validate', file);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${b}:19:16 ${message('six')}\n${file}: 1 problem\n`);
    }
    const r = run('run', child, '--out', path.join(files, 'results'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${b}:19:16 ${message('six')}`);
    const o = run('validate', own);
    expect(o.code).toBe(2);
    expect(o.stderr).toBe(`${own}:6:16 ${message('seven')}\n${own}: 1 problem\n`);
  });

  test("a loaded scenario's variants: each problem once, under its own variant, located (a problem off the variant's settings too)", () => {
    const text = `name: t
horizon: 2d
interval: 1d
load: [{ name: customers, service: station, rate: 9/s }]
services: [{ name: station, servers: 10, serviceTime: { dist: exponential, mean: 1s } }]
experiment:
  variants:
    list:
      - { name: gamma, set: { services.station.serviceTime.dist: gamma, services.station.serviceTime.mean: 2s } }
      - { name: warm, set: { warmup: 2d, horizon: 1d } }
      - { name: one, set: { services.station.servers: ten, horizon: 1d } }
`;
    const files = tmpFiles({ 'joint.yaml': text, 'unloaded.yaml': text.replace('interval: 1d', 'interval: banana') });
    const variants = (f: string): string[] => [
      `${f}:5:42 services[0].serviceTime: variant "gamma": missing required field "shape"`,
      `${f}:10:30 experiment.variants.list[1].set.warmup: variant "warm": must be shorter than the horizon (86400 s), got 172800 s (set by override warmup=2d)`,
      `${f}:11:29 experiment.variants.list[2].set["services.station.servers"]: variant "one": services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "ten" (set by override services.station.servers=ten)`,
    ];
    const loaded = path.join(files, 'joint.yaml');
    expect(run('validate', loaded).stderr).toBe([...variants(loaded), `${loaded}: 3 problems`, ''].join('\n'));
    // The same scenario when it does not load: the same sentences, with the interval's problem.
    const unloaded = path.join(files, 'unloaded.yaml');
    expect(run('validate', unloaded).stderr).toBe(
      [`${unloaded}:3:11 interval: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "banana"`, ...variants(unloaded), `${unloaded}: 4 problems`, ''].join('\n'),
    );
  });

  test('an implicit key past YAML\'s 1024-character limit is refused, as the located reader refuses it', () => {
    // A valid scenario but for the key's length: the service exists, so nothing later sends the load to the located reader.
    const long = 'w'.repeat(1100);
    const text = `${MINIMAL.replaceAll('inventory', long)}experiment:\n  variants:\n    list:\n      - name: v\n        set:\n          services.${long}.servers: 5\n`;
    const files = tmpFiles({ 'long.yaml': text, 'short.yaml': text.replace(`services.${long}.servers: 5`, `{ services.${long}.servers: 5 }`) });
    expect(run('validate', path.join(files, 'short.yaml')).code).toBe(0);
    const f = path.join(files, 'long.yaml');
    const r = run('validate', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${f}:19:11 invalid YAML: The : indicator must be at most 1024 chars after the start of an implicit block mapping key\n${f}: 1 problem\n`);
  });

  test('unreadable files exit 2', () => {
    const r = run('validate', path.join(dir, 'missing.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml cannot read file: file not found');
  });

  test('opsim schema prints JSON; --markdown the reference', () => {
    const s = run('schema');
    expect(s.code).toBe(0);
    expect((JSON.parse(s.stdout) as { title: string }).title).toBe('opsim scenario');
    const m = run('schema', '--markdown');
    expect(m.stdout.startsWith('# Scenario reference')).toBe(true);
  });
});
