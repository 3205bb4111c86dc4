/**
 * The YAML libraries bundled at build time (dist/generated/yaml.cjs and js-yaml.cjs,
 * src/scenario/yaml-library.ts) are the installed packages: on every shipped scenario and every
 * file of the bad-scenario corpus they give the same values, the same errors at the same
 * offsets (js-yaml: the same events, values and refusals). Each is used only while its version
 * is the installed one, and a fresh process loads it with its code cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as installed from 'yaml';
import * as installedJsYaml from 'js-yaml';
import { installedVersion, installedYamlVersion, LIBRARY_BUNDLES, loadBundle } from '../../src/scenario/yaml-library.js';
import { ROOT } from '../experiment/helpers.js';
import { createRequire } from 'node:module';
import { installedPackageVersion } from '../../src/scenario/cached-script.js';

const dir = mkdtempSync(path.join(tmpdir(), 'opsim-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Shipped scenarios and the bad corpus, as text. */
function texts(): [string, string][] {
  const out: [string, string][] = [];
  for (const f of readdirSync(path.join(ROOT, 'scenarios')).filter((x) => x.endsWith('.yaml')).sort()) out.push([f, readFileSync(path.join(ROOT, 'scenarios', f), 'utf8')]);
  const bad = path.join(ROOT, 'test/fixtures/bad');
  for (const f of readdirSync(bad).filter((x) => /\.(ya?ml|json)$/.test(x)).sort()) out.push([`bad/${f}`, readFileSync(path.join(bad, f), 'utf8')]);
  return out;
}

/** What a parse gives: the value and every error and warning (code, offsets, message). */
function parsed(lib: Pick<typeof installed, 'parseDocument' | 'LineCounter'>, text: string): unknown {
  const doc = lib.parseDocument(text, { lineCounter: new lib.LineCounter(), prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const problems = (list: readonly { code: string; pos: [number, number]; message: string }[]): unknown[] => list.map((e) => ({ code: e.code, pos: e.pos, message: e.message }));
  let value: unknown = null;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // An alias bomb: the same refusal.
      value = { thrown: (err as Error).message };
    }
  }
  return { value, range: doc.contents?.range, errors: problems(doc.errors), warnings: problems(doc.warnings) };
}

describe('the bundled YAML library', () => {
  const bundled = loadBundle('yaml') as typeof installed | null;

  it('is built and current (npm run build)', () => {
    expect(bundled).not.toBeNull();
    expect(bundled).not.toBe(installed);
  });

  it.each(texts())('parses like the installed package: %s', (_name, text) => {
    expect(parsed(bundled!, text)).toEqual(parsed(installed, text));
  });

  it('is not used when missing, made from another version, or switched off', () => {
    expect(loadBundle('yaml', path.join(dir, 'missing.cjs'))).toBeNull();
    const stale = path.join(dir, 'stale.cjs');
    const version = installedYamlVersion();
    writeFileSync(stale, readFileSync(LIBRARY_BUNDLES.yaml, 'utf8').replace(`version: ${JSON.stringify(version)}`, 'version: "0.0.0"'));
    expect(loadBundle('yaml', stale)).toBeNull();
    process.env.OPSIM_YAML = 'require';
    try {
      expect(loadBundle('yaml')).toBeNull();
    } finally {
      delete process.env.OPSIM_YAML;
    }
  });

  it('loads with its code cache in a fresh process', () => {
    const script = `const { yamlLibrary, LIBRARY_BUNDLES } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/scenario/yaml-library.js'))});
      const { codeCacheStatus } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/scenario/cached-script.js'))});
      const value = yamlLibrary().parse('a: [1, 2]');
      console.log(JSON.stringify({ status: codeCacheStatus(LIBRARY_BUNDLES.yaml), value }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ status: 'used', value: { a: [1, 2] } });
  }, 30_000);
});

/** What js-yaml gives for a text: its events and values, or its refusal. */
function jsParsed(lib: typeof installedJsYaml, text: string): unknown {
  try {
    const events = lib.parseEvents(text, {});
    return { events, values: lib.constructFromEvents(events, { source: text, schema: lib.CORE_SCHEMA }) };
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

describe('the bundled js-yaml', () => {
  const bundled = loadBundle('js-yaml') as typeof installedJsYaml | null;

  it('is built and current (npm run build)', () => {
    expect(bundled).not.toBeNull();
    expect(bundled).not.toBe(installedJsYaml);
  });

  it.each(texts())('reads like the installed package: %s', (_name, text) => {
    expect(jsParsed(bundled!, text)).toEqual(jsParsed(installedJsYaml, text));
  });

  it('is not used when missing, made from another version, or switched off', () => {
    expect(loadBundle('js-yaml', path.join(dir, 'missing-js.cjs'))).toBeNull();
    const stale = path.join(dir, 'stale-js.cjs');
    const version = installedVersion('js-yaml');
    writeFileSync(stale, readFileSync(LIBRARY_BUNDLES['js-yaml'], 'utf8').replace(`version: ${JSON.stringify(version)}`, 'version: "0.0.0"'));
    expect(loadBundle('js-yaml', stale)).toBeNull();
    process.env.OPSIM_YAML = 'require';
    try {
      expect(loadBundle('js-yaml')).toBeNull();
    } finally {
      delete process.env.OPSIM_YAML;
    }
  });

  it('loads with its code cache in a fresh process', () => {
    const script = `const { jsYamlLibrary, LIBRARY_BUNDLES } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/scenario/yaml-library.js'))});
      const { codeCacheStatus } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/scenario/cached-script.js'))});
      const value = jsYamlLibrary().load('a: [1, 2]');
      console.log(JSON.stringify({ status: codeCacheStatus(LIBRARY_BUNDLES['js-yaml']), value }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ status: 'used', value: { a: [1, 2] } });
  }, 30_000);
});

describe('installedPackageVersion (the generated files name the versions they were made from)', () => {
  it('reads what Node resolves from opsim, without resolving when the package is in the root’s node_modules', () => {
    const req = createRequire(path.join(ROOT, 'dist', 'generated', 'cli.cjs'));
    for (const name of ['yaml', 'js-yaml', 'ajv']) {
      const resolved = (JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
      expect(installedPackageVersion(name, ROOT, import.meta.url), name).toBe(resolved);
      // A root without node_modules of its own (a hoisted install): resolved from `from`.
      expect(installedPackageVersion(name, path.join(ROOT, 'docs'), import.meta.url), name).toBe(resolved);
    }
  });
});
