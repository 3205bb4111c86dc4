/**
 * The plain reader (src/scenario/plain-source.ts) may only ever give what the located reader
 * gives: on every shipped scenario, every YAML file of the tests, the bad corpus and generated
 * documents it either declines (undefined: the located reader is used) or gives the same data,
 * and it never accepts a text the located reader refuses. A load that takes the plain path
 * gives the same result, hash included, as one that reads with positions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainData, readPlainSource } from '../../src/scenario/plain-source.js';
import { parseScenarioText } from '../../src/scenario/source.js';
import { createScenarioLoader, loadScenarioFile } from '../../src/scenario/index.js';
import { LANGUAGE } from '../../src/models/index.js';
import { ROOT } from '../experiment/helpers.js';

/** Every scenario-like file of the repository: shipped scenarios and the tests' YAML and JSON fixtures. */
function files(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(f) && !f.endsWith('openapi.json')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'scenarios'));
  walk(path.join(ROOT, 'test'));
  return out.sort();
}

/** What the located reader gives for `text`: the data, or 'refused'. */
function located(text: string, name = 'doc.yaml'): unknown {
  const r = parseScenarioText(text, name);
  return r.ok ? r.doc.value : 'refused';
}

/** The property: declined, or equal to the located reader's data. */
function agrees(text: string, name = 'doc.yaml'): void {
  const plain = plainData(text, name.endsWith('.json'));
  if (plain === undefined) return;
  expect(plain).toStrictEqual(located(text, name));
}

describe('the plain reader', () => {
  const all = files();

  it('finds the files', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it.each(all.map((f) => [path.relative(ROOT, f), f]))('agrees with the located reader: %s', (_name, file) => {
    agrees(readFileSync(file, 'utf8'), file);
  });

  it('reads every shipped scenario that uses no anchors (the fast path is taken)', () => {
    const dir = path.join(ROOT, 'scenarios');
    let plain = 0;
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x))) {
      const anchors = /(^|[\s[{,])&[\w-]/m.test(readFileSync(path.join(dir, f), 'utf8'));
      const read = readPlainSource(path.join(dir, f), f);
      if (anchors) expect(read, f).toBeNull();
      else {
        expect(read, f).not.toBeNull();
        plain++;
      }
    }
    expect(plain).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ['an anchor and an alias', 'a: &x [1, 2]\nb: *x\n'],
    ['a tag', 'a: !!float 1\n'],
    ['a local tag', 'a: !thing 1\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['an empty key', '? \n: 1\n'],
    ['a list as key', '[a]: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['nesting past the limit', `${'['.repeat(70)}${']'.repeat(70)}\n`],
    ['invalid YAML', 'a: [1, 2\n'],
    ['a NUL character', 'a: "\u0000"\n'],
    ['a number too large for a double', 'a: 1e400\n'],
    ['an integer too large for a double', `a: ${'9'.repeat(400)}\n`],
    ['a hexadecimal integer too large for a double', `a: 0x${'f'.repeat(300)}\n`],
    // YAML's limit of 1024 characters from an implicit key's start to its `:`, which `yaml` applies and js-yaml does not.
    ['a block mapping key over 1024 characters', `${'w'.repeat(1025)}: 1\n`],
    ['a nested block mapping key over 1024 characters', `a:\n  b:\n    ${'w'.repeat(1025)}: 1\n`],
    ['a quoted key over 1024 characters with its quotes', `a:\n  "${'w'.repeat(1023)}": 1\n`],
    ['a single-quoted key over 1024 characters with its quotes', `'${'w'.repeat(1023)}': 1\n`],
    ['a short key with spaces before its colon past 1024', `w${' '.repeat(1024)}: 1\n`],
    ['a key in a sequence item over 1024 characters', `- ${'w'.repeat(1025)}: 1\n`],
    ['a flow sequence pair key over 1024 characters', `a: [${'w'.repeat(1025)}: 1]\n`],
    ['a variant set: path over 1024 characters', `experiment:\n  variants:\n    list:\n      - name: v\n        set:\n          services.${'w'.repeat(1100)}.servers: 5\n`],
  ])('declines %s', (what, text) => {
    expect(plainData(text)).toBeUndefined();
    // The key-length cases are declined because the located reader refuses them.
    if (/over 1024|past 1024/.test(what)) expect(located(text)).toBe('refused');
  });

  it.each([
    ['a block mapping key of 1024 characters', `${'w'.repeat(1024)}: 1\n`],
    ['a quoted key of 1024 characters with its quotes', `"${'w'.repeat(1022)}": 1\n`],
    ['a flow sequence pair key of 1024 characters', `a: [${'w'.repeat(1024)}: 1]\n`],
    ['a long value', `a: ${'w'.repeat(5000)}\n`],
  ])('reads %s, as the located reader does', (_what, text) => {
    expect(located(text)).not.toBe('refused');
    expect(plainData(text)).toStrictEqual(located(text));
  });

  it('declines JSON that is not JSON, and reads JSON that is', () => {
    expect(plainData('{a: 1}', true)).toBeUndefined();
    expect(plainData('{"a": 1, "b": [1.5, "x", null, true]}', true)).toStrictEqual({ a: 1, b: [1.5, 'x', null, true] });
  });

  it('keeps __proto__ an ordinary field, as the located reader does', () => {
    const text = '__proto__: {polluted: 1}\nname: x\n';
    const v = plainData(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(v).toStrictEqual(located(text));
  });

  it('agrees on generated documents (scalars of every kind, quoting, block scalars, flow and block collections)', () => {
    const bits = ['0', '1', '7', '9'.repeat(400), '1e400', '0x' + 'f'.repeat(300), '.', 'e', 'E', '+', '-', '_', 'x', 'o', 'b', 'inf', 'Inf', 'NaN', 'nan', 'null', 'Null', 'NULL', '~', 'true', 'False', 'yes', 'no', 'on', '0x', '0o', '0b', ':', ' ', ' #', '"', "'", '\\', '\\n', '\\x41', 'é', '%', '@', '`', ',', '[', ']', '{', '}', '?', '|', '>', '&', '*', '!', '\t'];
    const scalar = fc.array(fc.constantFrom(...bits), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
    // Keys on both sides of YAML's 1024-character implicit-key limit (plain, quoted, spaces before the colon).
    const key = fc.constantFrom('a', 'b', 'c', '1', 'null', '"q"', 'w'.repeat(1024), 'x'.repeat(1025), `"${'w'.repeat(1022)}"`, `'${'x'.repeat(1023)}'`, `y${' '.repeat(1023)}`, `z${' '.repeat(1024)}`);
    const leaf = fc.oneof(
      scalar.map((s) => ` ${s}`),
      scalar.map((s) => ` "${s}"`),
      scalar.map((s) => ` '${s}'`),
      fc.tuple(scalar, scalar).map(([a, b]) => ` [${a}, ${b}]`),
      fc.tuple(scalar, scalar).map(([a, b]) => ` {k: ${a}, l: ${b}}`),
      fc.tuple(key, scalar).map(([k, b]) => ` [${k}: ${b}]`),
      fc.tuple(key, scalar).map(([k, b]) => ` {${k}: ${b}}`),
      fc.tuple(fc.constantFrom('!!str', '!!int', '!!float', '!!bool', '!!null', '!x', '&a', '*a'), fc.constantFrom('1', '1.5', '0x1F', 'true', '~', 'abc', '')).map(([t, s]) => ` ${t} ${s}`),
    );
    type Gen = (indent: string, depth: number) => fc.Arbitrary<string>;
    const node: Gen = (indent, depth) =>
      depth >= 3
        ? leaf
        : fc.oneof(
            leaf,
            fc.tuple(fc.constantFrom('|', '|-', '|+', '>', '>-'), scalar, scalar, fc.boolean()).map(([h, a, b, gap]) => ` ${h}\n${indent}  ${a}\n${gap ? '\n' : ''}${indent}  ${b}`),
            fc.array(fc.tuple(key, fc.constant(null)).chain(([k]) => node(`${indent}  `, depth + 1).map((v) => `\n${indent}  ${k}:${v}`)), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')),
            fc.array(node(`${indent}  `, depth + 1).map((v) => `\n${indent}  -${v}`), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')),
          );
    const doc = fc.array(node('', 0), { minLength: 1, maxLength: 3 }).map((vs) => vs.map((v, i) => `k${i}:${v}\n`).join(''));
    let taken = 0;
    fc.assert(
      fc.property(doc, (text) => {
        if (plainData(text) !== undefined) taken++;
        agrees(text);
      }),
      { numRuns: 3000, seed: 20261130 },
    );
    // The property means something only if the plain reader takes a good share of them.
    expect(taken).toBeGreaterThan(600);
  });

  it('loads every shipped scenario as the located reader does (data, hash, overrides)', () => {
    const locatedLoader = createScenarioLoader(LANGUAGE, { plainFirst: false });
    const dir = path.join(ROOT, 'scenarios');
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x))) {
      for (const overrides of [undefined, { horizon: '2h' }]) {
        const opts = overrides === undefined ? {} : { overrides };
        expect(loadScenarioFile(path.join(dir, f), opts), f).toStrictEqual(locatedLoader.loadScenarioFile(path.join(dir, f), opts));
      }
    }
  });
});
