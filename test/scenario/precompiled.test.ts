/**
 * The validator generated at build time (Ajv standalone code, src/scenario/precompile.ts) and
 * the one Ajv compiles in the process agree: on every shipped scenario and on every document of
 * the bad-scenario corpus, the same verdict, the same raw errors (same place in the document
 * and in the schema, same keyword, parameters and message), the same sentences and the same
 * converted scenario. A stale or missing file is not used. Its V8 code cache is used when it
 * carries the validator's key, and a stale or damaged cache changes nothing but speed.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ErrorObject } from 'ajv';
import { Type } from '@sinclair/typebox';
import { LANGUAGE } from '../../src/models/index.js';
import { loadScenarioFile } from '../../src/scenario/index.js';
import { standaloneValidatorCode, writeCodeCache, writeStandaloneValidator } from '../../src/scenario/precompile.js';
import { codeCacheFile, codeCacheStatus, loadPrecompiled } from '../../src/scenario/precompiled.js';
import { compileValidator, jsonSchemaOf, jsonTextOf, unionBranchPaths, validateWith, type Compiled } from '../../src/scenario/validate.js';
import { ROOT } from '../experiment/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'opsim-precompiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = jsonSchemaOf(LANGUAGE.schema);
const file = path.join(dir, 'scenario-validator.cjs');
writeStandaloneValidator(schema, file);
const precompiled = loadPrecompiled(schema, file)!;
const compiled = compileValidator(schema);

/** The documents to validate: shipped scenarios (merged raw) and the bad corpus (as parsed). */
function documents(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const f of readdirSync(path.join(ROOT, 'scenarios')).filter((x) => x.endsWith('.yaml')).sort()) {
    const r = loadScenarioFile(path.join(ROOT, 'scenarios', f));
    if (!r.ok) throw new Error(`${f} must load`);
    out.push([f, r.raw]);
  }
  const bad = path.join(ROOT, 'test/fixtures/bad');
  for (const f of readdirSync(bad).filter((x) => /\.(ya?ml|json)$/.test(x)).sort()) {
    const text = readFileSync(path.join(bad, f), 'utf8');
    try {
      out.push([`bad/${f}`, f.endsWith('.json') ? JSON.parse(text) : parseYaml(text)]);
    } catch {
      // Unparseable text never reaches the validator.
    }
  }
  return out;
}

const raw = (c: Compiled, doc: unknown): { ok: boolean; errors: Partial<ErrorObject>[] } => {
  const ok = c.validate(structuredClone(doc)) === true;
  const errors = (c.validate.errors ?? []).map((e) => ({ instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params, message: e.message, data: e.data }));
  return { ok, errors };
};

describe('the precompiled scenario validator', () => {
  it('is the one generated for this schema', () => {
    expect(precompiled).not.toBeNull();
    expect(precompiled.source).toBe('precompiled');
    expect(compiled.source).toBe('compiled');
  });

  it('lists where every union branch is, so each finds its generated check without a walk of the schema', () => {
    const branches = unionBranchPaths(schema).map((p) => p.branch);
    expect(branches.length).toBeGreaterThan(100);
    const listed = (createRequire(import.meta.url)(file) as { branches: (string | number)[][] }).branches;
    const at = (p: (string | number)[]): unknown => p.reduce<unknown>((s, k) => (s as Record<string | number, unknown>)[k], schema);
    expect(listed.length).toBe(branches.length);
    listed.forEach((p, i) => expect(at(p)).toBe(branches[i]));
    // One generated function per distinct branch: branches share one exactly when they are the
    // same schema (their checked JSON text; nested branches are part of it), and there are far
    // fewer of them than branches (the duration distributions are repeated at 21 places).
    const fnOf = branches.map((b) => precompiled.branch(b));
    const textOf = branches.map((b) => JSON.stringify(b));
    for (let i = 0; i < branches.length; i++) for (let j = i + 1; j < branches.length; j++) expect(fnOf[i] === fnOf[j]).toBe(textOf[i] === textOf[j]);
    expect(new Set(fnOf).size).toBe(new Set(textOf).size);
    expect(new Set(fnOf).size).toBeLessThan(branches.length / 2);
  });

  const docs = documents();
  it('covers good and bad documents', () => {
    expect(docs.filter(([n]) => !n.startsWith('bad/')).length).toBeGreaterThanOrEqual(8);
    expect(docs.filter(([n]) => n.startsWith('bad/')).length).toBeGreaterThan(10);
  });

  it.each(docs)('agrees with Ajv compiled in the process: %s', (_name, doc) => {
    const a = raw(precompiled, doc);
    const b = raw(compiled, doc);
    expect(a).toEqual(b);
    expect(validateWith(precompiled, structuredClone(doc))).toEqual(validateWith(compiled, structuredClone(doc)));
  });

  it('agrees with Ajv compiled in the process on documents broken inside union branches', () => {
    // The generated whole-document check calls each union branch's own check instead of
    // repeating its code, and gives the branch's errors the schema paths inline code would
    // have: broken values at every depth of the shipped scenarios (unions included) must still
    // give the same raw errors, in the same order, as Ajv compiled in the process.
    let state = 12345;
    const next = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const leaves = (v: unknown, at: (string | number)[], out: (string | number)[][]): (string | number)[][] => {
      out.push(at);
      if (Array.isArray(v)) v.forEach((e, i) => leaves(e, [...at, i], out));
      else if (typeof v === 'object' && v !== null) for (const k of Object.keys(v)) leaves((v as Record<string, unknown>)[k], [...at, k], out);
      return out;
    };
    const junk: unknown[] = ['x', -1, 0.5, {}, [], true, null, { kind: 'nope' }, [{}], '5 fortnights', { name: 'n', unknownField: 1 }];
    let failing = 0;
    let checked = 0;
    for (const [, good] of docs.filter(([n]) => !n.startsWith('bad/'))) {
      const paths = leaves(good, [], []).filter((p) => p.length > 0);
      for (let t = 0; t < 60; t++) {
        const doc = structuredClone(good) as Record<string, unknown>;
        for (let m = 0, count = 1 + next(3); m < count; m++) {
          const p = paths[next(paths.length)]!;
          let parent: unknown = doc;
          for (const k of p.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string | number, unknown>)[k] : undefined;
          if (typeof parent !== 'object' || parent === null) continue;
          const last = p[p.length - 1]!;
          if (!Array.isArray(parent) && next(5) === 0) (parent as Record<string, unknown>)[`${String(last)}x`] = 1;
          else (parent as Record<string | number, unknown>)[last] = structuredClone(junk[next(junk.length)]);
        }
        const a = raw(precompiled, doc);
        expect(a).toEqual(raw(compiled, doc));
        checked++;
        if (!a.ok) failing++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(failing).toBeGreaterThan(checked * 0.9);
  });

  it('finds bad units, unknown fields and union mismatches the same way', () => {
    const good = docs[0]![1] as Record<string, unknown>;
    const bad = { ...good, horizon: '-3 fortnights', nmae: 'typo', seed: { text: 1 } };
    const a = validateWith(precompiled, bad);
    expect(a.ok).toBe(false);
    expect(a).toEqual(validateWith(compiled, bad));
    expect(!a.ok && a.issues.map((i) => i.segments.join('.')).sort()).toEqual(['horizon', 'nmae', 'seed']);
  });

  it('is not used for another schema, nor when missing or switched off', () => {
    const other = jsonSchemaOf(Type.Object({ ...LANGUAGE.schema.properties, extra: Type.Optional(Type.String()) }, { additionalProperties: false }));
    expect(loadPrecompiled(other, file)).toBeNull();
    expect(loadPrecompiled(schema, path.join(dir, 'missing.cjs'))).toBeNull();
    const stale = path.join(dir, 'stale.cjs');
    writeFileSync(stale, standaloneValidatorCode(other));
    expect(loadPrecompiled(schema, stale)).toBeNull();
    process.env.OPSIM_VALIDATOR = 'compile';
    try {
      expect(loadPrecompiled(schema, file)).toBeNull();
    } finally {
      delete process.env.OPSIM_VALIDATOR;
    }
  });

  it('loads with its code cache when the cache carries its key, and without it otherwise', () => {
    // Each load in a fresh process (the built modules): within one process V8 reuses its own
    // compilation of the same source and never reads the cache.
    const load = (): { status: string; ok: boolean } => {
      const script = `const { loadPrecompiled, codeCacheStatus } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/scenario/precompiled.js'))});
        const { jsonSchemaOf } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/scenario/validate.js'))});
        const { LANGUAGE } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/models/index.js'))});
        const c = loadPrecompiled(jsonSchemaOf(LANGUAGE.schema), ${JSON.stringify(file)});
        console.log(JSON.stringify({ status: codeCacheStatus(${JSON.stringify(file)}), ok: c.validate(${JSON.stringify(docs[0]![1])}) }));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { status: string; ok: boolean };
    };
    const cacheFile = codeCacheFile(file);
    expect(cacheFile).toBe(path.join(dir, 'scenario-validator.v8cache'));
    expect(loadPrecompiled(schema, file)!.validate(structuredClone(docs[0]![1]))).toBe(true);
    expect(writeCodeCache(file)).toBe(cacheFile);
    expect(load()).toEqual({ status: 'used', ok: true });
    const cache = readFileSync(cacheFile);
    // Another validator's cache (another key) is not offered to V8 at all.
    writeFileSync(cacheFile, Buffer.concat([Buffer.from('0'.repeat(64)), cache.subarray(64)]));
    expect(load()).toEqual({ status: 'none', ok: true });
    // A damaged cache with the right key is refused and the code compiled.
    writeFileSync(cacheFile, Buffer.concat([cache.subarray(0, 64), Buffer.alloc(cache.length - 64, 7)]));
    expect(load()).toEqual({ status: 'rejected', ok: true });
    // One flipped bit that V8 itself would not notice (it checks no checksum in release
    // builds; such a flip crashed the process or broke the code) is caught by the CRC.
    const flipped = Buffer.from(cache);
    flipped[Math.floor(flipped.length * 0.6)]! ^= 2;
    writeFileSync(cacheFile, flipped);
    expect(load()).toEqual({ status: 'rejected', ok: true });
    writeFileSync(cacheFile, cache);
    expect(load()).toEqual({ status: 'used', ok: true });
    expect(writeCodeCache(path.join(dir, 'never-loaded.cjs'))).toBeNull();
  }, 60_000);
});

describe('the plain scenario schema', () => {
  it('is its JSON text read back: TypeBox adds nothing JSON does not keep but symbol keys', () => {
    // jsonSchemaOf hands out the TypeBox objects themselves: a value JSON would drop or change
    // (undefined, a function, NaN, a Date, a getter, another prototype) must not be in them.
    const same = (a: unknown, b: unknown, at: string): void => {
      if (typeof a !== 'object' || a === null) {
        if (!Object.is(a, b)) throw new Error(`${at}: ${String(a)} is not ${String(b)} in JSON`);
        return;
      }
      expect([Object.prototype, Array.prototype], at).toContain(Object.getPrototypeOf(a));
      expect(Object.keys(a), at).toEqual(Object.keys(b as object));
      for (const k of Object.keys(a)) {
        const d = Object.getOwnPropertyDescriptor(a, k)!;
        expect(d.enumerable && d.get === undefined, `${at}/${k}`).toBe(true);
        same(d.value, (b as Record<string, unknown>)[k], `${at}/${k}`);
      }
    };
    same(schema, JSON.parse(JSON.stringify(schema)), '#');
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
  });

  it('carries its own JSON text, the same as writing it again', () => {
    expect(jsonTextOf(schema)).toBe(JSON.stringify(schema));
    const fresh = { ...schema };
    expect(jsonTextOf(fresh)).toBe(JSON.stringify(fresh));
  });
});
