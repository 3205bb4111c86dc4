import { openSync, ftruncateSync, closeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadScenarioFile, loadScenarioText, SCENARIO_LIMITS } from '../../src/scenario/index.js';
import { errorsOf, tmpFiles } from './helpers.js';

describe('hostile and broken input', () => {
  test('a file over the size limit is refused without being parsed', () => {
    const dir = tmpFiles({});
    const big = path.join(dir, 'big.yaml');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const t0 = Date.now();
    expect(errorsOf(loadScenarioFile(big), dir)).toEqual(['big.yaml file is too large (50.0 MB; the limit is 10.0 MB)']);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  test('inline text over the limit', () => {
    const text = 'name: x\n' + '#'.repeat(SCENARIO_LIMITS.maxBytes);
    expect(errorsOf(loadScenarioText(text, { file: 'big.yaml' }))).toEqual(['big.yaml text is too large (the limit is 10.0 MB)']);
  });

  test('missing files and directories', () => {
    const dir = tmpFiles({});
    expect(errorsOf(loadScenarioFile(path.join(dir, 'nope.yaml')), dir)).toEqual(['nope.yaml cannot read file: file not found']);
    expect(errorsOf(loadScenarioFile(dir))[0]).toMatch(/is a directory, not a scenario file$/);
  });

  test('binary text and empty text', () => {
    expect(errorsOf(loadScenarioText('name: \u0000', { file: 'b.yaml' }))).toEqual(['b.yaml looks like binary data (it contains NUL characters); a scenario must be YAML or JSON text']);
    expect(errorsOf(loadScenarioText('   \n', { file: 'e.yaml' }))).toEqual(['e.yaml file is empty (no scenario in it)']);
    expect(errorsOf(loadScenarioText('name: x\nseed: "a|b"\nhorizon: 1h\n', { file: 's.yaml' }))).toEqual(['s.yaml:2:7 seed: must match the pattern /^[^|]*$/, got "a|b"']);
    expect(errorsOf(loadScenarioText('', { file: 'e.json' }))).toEqual(['e.json file is empty (no scenario in it)']);
  });

  test('deep nesting: flow and block', () => {
    const flow = 'name: d\nhorizon: 1d\nx: ' + '['.repeat(100000) + ']'.repeat(100000) + '\n';
    expect(errorsOf(loadScenarioText(flow, { file: 'd.yaml' }))[0]).toMatch(/^d\.yaml(:\d+:\d+)? nesting is too deep \(the limit is 64 levels\)$/);
    let block = 'name: d\nhorizon: 1d\n';
    for (let i = 0; i < 80; i++) block += ' '.repeat(i) + 'k:\n';
    expect(errorsOf(loadScenarioText(block, { file: 'd.yaml' }))).toEqual(['d.yaml:68:66 nesting is too deep (the limit is 64 levels)']);
  });

  test('alias bombs and unknown aliases', () => {
    let bomb = 'name: b\nhorizon: 1d\na0: &a0 [x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(8).fill(`*a${i - 1}`).join(', ')}]\n`;
    const t0 = Date.now();
    expect(errorsOf(loadScenarioText(bomb, { file: 'bomb.yaml' }))[0]).toMatch(/too many aliases/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(errorsOf(loadScenarioText('name: *nothing\nhorizon: 1d\n', { file: 'a.yaml' }))[0]).toMatch(/^a\.yaml:1:7 /);
  });

  test('a few aliases are fine and are copies, not shared objects', () => {
    const text = 'name: a\nhorizon: 1d\nservices:\n  - {name: a, servers: 1, serviceTime: &t {dist: exponential, mean: 1m}}\n  - {name: b, servers: 2, serviceTime: *t}\n';
    const r = loadScenarioText(text, { file: 'a.yaml' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [a, b] = r.scenario.services as { serviceTime: unknown }[];
    expect(a!.serviceTime).toEqual({ dist: 'exponential', mean: 60 });
    expect(b!.serviceTime).toEqual({ dist: 'exponential', mean: 60 });
    expect(a!.serviceTime).not.toBe(b!.serviceTime);
  });

  test('YAML syntax errors carry the parser position; duplicate keys are named', () => {
    expect(errorsOf(loadScenarioText('name: x\nhorizon: "1d\n', { file: 'q.yaml' }))[0]).toMatch(/^q\.yaml:\d+:\d+ invalid YAML: /);
    expect(errorsOf(loadScenarioText('name: x\nhorizon: 1d\nname: y\n', { file: 'q.yaml' }))).toEqual(['q.yaml:3:1 duplicate key "name" (each field may appear only once)']);
    expect(errorsOf(loadScenarioText('{"name": "x", "name": "y", "horizon": "1d"}', { file: 'q.json' }))).toEqual(['q.json:1:15 duplicate key "name" (each field may appear only once)']);
  });

  test('a top level that is not an object', () => {
    expect(errorsOf(loadScenarioText('- a\n- b\n', { file: 'l.yaml' }))).toEqual(['l.yaml:1:1 must be an object (a mapping of fields), got a list']);
    expect(errorsOf(loadScenarioText('just words', { file: 'l.yaml' }))).toEqual(['l.yaml:1:1 must be an object (a mapping of fields), got "just words"']);
  });

  test('__proto__ is an ordinary (unknown) key', () => {
    expect(errorsOf(loadScenarioText('name: x\nhorizon: 1d\n__proto__: {polluted: true}\n', { file: 'p.yaml' }))).toEqual(['p.yaml:3:1 __proto__: unknown field']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
