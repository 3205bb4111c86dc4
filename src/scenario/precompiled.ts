/**
 * The scenario validator generated at build time (src/scenario/precompile.ts), loaded when it
 * matches the schema in use, so no process compiles opsim's schema: it is
 * dist/generated/scenario-validator.cjs, found from this module in dist/src/scenario/ (the
 * built CLI and library) or src/scenario/ (tests run from source). A missing or stale file
 * (keyed by a hash of the schema) is no error: the validator is compiled in the process, as
 * OPSIM_VALIDATOR=compile also asks.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SchemaObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { checkUnit, compileValidator, unionBranches, type Compiled } from './validate.js';

/** Where the build writes the validator (dist/generated/scenario-validator.cjs). */
export const PRECOMPILED_FILE = fileURLToPath(
  new URL(import.meta.url.includes('/dist/src/') ? '../../generated/scenario-validator.cjs' : '../../dist/generated/scenario-validator.cjs', import.meta.url),
);

/** Bump when the generated code's shape or opsim's keywords change meaning. */
const FORMAT = 2;

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

/** The precompiled validator of `schema` (plain JSON) from `file`, or null when it is missing, stale or switched off. */
export function loadPrecompiled(schema: SchemaObject, file = PRECOMPILED_FILE): Compiled | null {
  if (process.env.OPSIM_VALIDATOR === 'compile' || !existsSync(file)) return null;
  const require = createRequire(import.meta.url);
  const mod = require(file) as PrecompiledModule;
  if (mod.key !== schemaKey(schema)) return null;
  const fns = mod.make(checkUnit, require);
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
