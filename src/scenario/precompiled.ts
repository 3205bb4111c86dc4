/**
 * The scenario validator generated at build time (src/scenario/precompile.ts), loaded when it
 * matches the schema in use, so no process compiles opsim's schema: it is
 * dist/generated/scenario-validator.cjs under the package root (from the built CLI, its
 * bundle, the library or tests run from source alike). A missing or stale file
 * (keyed by a hash of the schema) is no error: the validator is compiled in the process, as
 * OPSIM_VALIDATOR=compile also asks.
 *
 * Next to it the build leaves V8's code cache of that code (scenario-validator.v8cache: the
 * bytecode of the functions that validating the shipped scenarios compiled). Parsing the 2.4 MB
 * of generated code and compiling the functions a first scenario calls cost about 0.13 CPU s
 * of every `opsim validate` and `opsim run`; with the cache about 0.03. The cache carries the
 * validator's key, and V8 itself refuses a cache from another V8 version or other flags; a
 * refused, stale or missing cache only means the code is compiled as it would be without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { SchemaObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { checkUnit, compileValidator, unionBranches, type Compiled } from './validate.js';
import { packageRoot } from '../version.js';

/** Where the build writes the validator (dist/generated/scenario-validator.cjs). */
export const PRECOMPILED_FILE = path.join(packageRoot(), 'dist', 'generated', 'scenario-validator.cjs');

/** Bump when the generated code's shape or opsim's keywords change meaning. */
const FORMAT = 3;

const AJV_VERSION = (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version;

/** The key a precompiled validator must carry to be used for `schema` (plain JSON): a hash of it, Ajv's version and the format. */
export function schemaKey(schema: SchemaObject): string {
  return createHash('sha256').update(`${FORMAT}\n${AJV_VERSION}\n${JSON.stringify(schema)}`).digest('hex');
}

interface PrecompiledModule {
  key: string;
  branches: number;
  make(check: typeof checkUnit, require: NodeJS.Require): Record<string, ValidateFunction>;
}

/** The code cache of the validator in `file` (its name with .v8cache for .cjs). */
export function codeCacheFile(file: string): string {
  return file.replace(/\.cjs$/, '') + '.v8cache';
}

/** Length of the key (hex SHA-256) that heads a code cache file. */
const KEY_LENGTH = 64;

/** What became of the code cache when `file` was last loaded: used, refused by V8, or none that matched. */
export type CodeCacheStatus = 'used' | 'rejected' | 'none';

/** The compiled script of each validator file loaded in this process (the build writes its cache from it). */
const scripts = new Map<string, { script: vm.Script; key: string; cache: CodeCacheStatus }>();

/** The key a generated file declares in its first lines, read without running it. */
function declaredKey(source: string): string | undefined {
  return /module\.exports = \{ key: "([0-9a-f]{64})"/.exec(source.slice(0, 512))?.[1];
}

/**
 * Runs the generated CommonJS file as a script compiled with its code cache when the cache
 * carries the same key. Not through require(): require cannot take a code cache.
 */
function loadModule(file: string): PrecompiledModule {
  const source = readFileSync(file, 'utf8');
  const key = declaredKey(source) ?? '';
  let cachedData: Buffer | undefined;
  try {
    const buf = readFileSync(codeCacheFile(file));
    if (key !== '' && buf.subarray(0, KEY_LENGTH).toString('latin1') === key) cachedData = buf.subarray(KEY_LENGTH);
  } catch {
    // No cache: compiled from the source.
  }
  // The wrapper is the one require() puts around a CommonJS file, on the same line, so positions in stack traces stay.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData !== undefined ? { cachedData } : {}) });
  scripts.set(file, { script, key, cache: cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used' });
  const module = { exports: {} as unknown };
  const req = createRequire(file);
  (script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void)(module.exports, req, module, file, path.dirname(file));
  return module.exports as PrecompiledModule;
}

/** The precompiled validator of `schema` (plain JSON) from `file`, or null when it is missing, stale or switched off. */
export function loadPrecompiled(schema: SchemaObject, file = PRECOMPILED_FILE): Compiled | null {
  if (process.env.OPSIM_VALIDATOR === 'compile' || !existsSync(file)) return null;
  const mod = loadModule(file);
  if (mod.key !== schemaKey(schema)) return null;
  // Ajv's runtime helpers (ucs2length, equal, …) resolve from opsim, so the file may live anywhere.
  const fns = mod.make(checkUnit, createRequire(import.meta.url));
  const branches = unionBranches(schema);
  if (branches.length !== mod.branches) return null;
  const byBranch = new WeakMap<object, ValidateFunction>();
  branches.forEach((b, i) => byBranch.set(b, fns[`b${i}`]!));
  let fallback: Compiled | undefined;
  return {
    schema,
    validate: fns.root!,
    // Every branch of `schema` is listed; another object is compiled (never happens in practice).
    branch: (b) => byBranch.get(b) ?? (fallback ??= compileValidator(schema)).branch(b),
    source: 'precompiled',
  };
}

/** Whether the last load of `file` in this process used its code cache. */
export function codeCacheStatus(file = PRECOMPILED_FILE): CodeCacheStatus | undefined {
  return scripts.get(file)?.cache;
}

/**
 * The code cache of the validator in `file` as loaded in this process, headed by its key:
 * every function it has compiled so far (the build validates the shipped scenarios first), or
 * undefined when `file` was not loaded here.
 */
export function codeCacheOf(file = PRECOMPILED_FILE): Buffer | undefined {
  const loaded = scripts.get(file);
  if (loaded === undefined || loaded.key === '') return undefined;
  return Buffer.concat([Buffer.from(loaded.key, 'latin1'), loaded.script.createCachedData()]);
}
