/**
 * The scenario validator generated at build time (src/scenario/precompile.ts), loaded when it
 * matches the schema in use, so no process compiles opsim's schema: it is
 * dist/generated/scenario-validator.cjs under the package root (from the built CLI, its
 * bundle, the library or tests run from source alike). A missing or stale file
 * (keyed by a hash of the schema) is no error: the validator is compiled in the process, as
 * OPSIM_VALIDATOR=compile also asks.
 *
 * Next to it the build leaves V8's code cache of that code (scenario-validator.v8cache: the
 * bytecode of the functions that validating the shipped scenarios compiled). Parsing the
 * generated code (4 MB then) and compiling the functions a first scenario calls cost about
 * 0.13 CPU s of every `opsim validate` and `opsim run`; with the cache about 0.03–0.04 (2.4 MB
 * since the unit fields' unions are left to `x-unit`, see checkedSchema), 0.02 since the
 * whole-document check calls the branch checks (1.5 MB, src/scenario/precompile.ts). The cache carries the
 * validator's key, and V8 itself refuses a cache from another V8 version or other flags; a
 * refused, stale or missing cache only means the code is compiled as it would be without it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SchemaObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { checkUnit, compileValidator, jsonTextOf, type Compiled } from './validate.js';
import { packageRoot } from '../version.js';
import { codeCacheOf as scriptCacheOf, codeCacheStatus as scriptCacheStatus, installedPackageVersion, runCachedScript, type CodeCacheStatus } from './cached-script.js';

export { codeCacheFile, type CodeCacheStatus } from './cached-script.js';

/** Where the build writes the validator (dist/generated/scenario-validator.cjs). */
export const PRECOMPILED_FILE = path.join(packageRoot(), 'dist', 'generated', 'scenario-validator.cjs');

/** Bump when the generated code's shape or opsim's keywords change meaning. */
const FORMAT = 7;

const AJV_VERSION = installedPackageVersion('ajv', packageRoot(), import.meta.url);

/** The key a precompiled validator must carry to be used for `schema` (plain JSON): a hash of it, Ajv's version and the format. */
export function schemaKey(schema: SchemaObject): string {
  return createHash('sha256').update(`${FORMAT}\n${AJV_VERSION}\n${jsonTextOf(schema)}`).digest('hex');
}

interface PrecompiledModule {
  key: string;
  /** Where each union branch is in the schema (its keys from the root), in unionBranchPaths order. */
  branches: (string | number)[][];
  /** The number k of each branch's generated check (`f<k>`), in the same order: identical branches share one. */
  checks: number[];
  make(check: typeof checkUnit, require: NodeJS.Require): Record<string, ValidateFunction>;
}

/** The precompiled validator of `schema` (plain JSON) from `file`, or null when it is missing, stale or switched off. */
export function loadPrecompiled(schema: SchemaObject, file = PRECOMPILED_FILE): Compiled | null {
  if (process.env.OPSIM_VALIDATOR === 'compile' || !existsSync(file)) return null;
  // A stale file (another schema, Ajv or format) is not even compiled: its key says so first.
  const mod = runCachedScript(file, { key: schemaKey(schema) }) as PrecompiledModule | undefined;
  if (mod === undefined) return null;
  // Ajv's runtime helpers (ucs2length, equal, …) resolve from opsim, so the file may live anywhere.
  const fns = mod.make(checkUnit, createRequire(import.meta.url));
  // The branches by where the generator found them: the key says `schema` is the one it read, so
  // no walk of the whole schema (about 3 ms) is needed to find them again; made on first use.
  let byBranch: WeakMap<object, ValidateFunction> | undefined;
  const branchChecks = (): WeakMap<object, ValidateFunction> => {
    if (byBranch !== undefined) return byBranch;
    byBranch = new WeakMap();
    mod.branches.forEach((p, i) => {
      let b: unknown = schema;
      for (const k of p) b = typeof b === 'object' && b !== null ? (b as Record<string, unknown>)[k] : undefined;
      const check = fns[`f${mod.checks[i]}`];
      if (typeof b === 'object' && b !== null && check !== undefined) byBranch!.set(b, check);
    });
    return byBranch;
  };
  let fallback: Compiled | undefined;
  return {
    schema,
    validate: fns.root!,
    // Every branch of `schema` is listed; another object is compiled (never happens in practice).
    branch: (b) => branchChecks().get(b) ?? (fallback ??= compileValidator(schema)).branch(b),
    source: 'precompiled',
  };
}

/** Whether the last load of `file` in this process used its code cache. */
export function codeCacheStatus(file = PRECOMPILED_FILE): CodeCacheStatus | undefined {
  return scriptCacheStatus(file);
}

/**
 * The code cache of the validator in `file` as loaded in this process, headed by its key:
 * every function it has compiled so far (the build validates the shipped scenarios first), or
 * undefined when `file` was not loaded here.
 */
export function codeCacheOf(file = PRECOMPILED_FILE): Buffer | undefined {
  return scriptCacheOf(file);
}
