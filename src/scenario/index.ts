/**
 * The scenario language: the public API other modules code against. Load a file or text,
 * get either a validated scenario (units in base units) or every problem with its position.
 *
 * The rest of src/scenario/ is a generic toolkit; this barrel binds it to opsim's language,
 * composed by the model catalog (src/models/index.ts), so every loader here runs every
 * model's checks whatever was imported first.
 */
import type { SchemaObject } from 'ajv';
import { createScenarioLoader } from './load.js';
import { LANGUAGE } from '../models/index.js';
import { jsonSchemaOf, usePrecompiled } from './validate.js';
import { loadPrecompiled } from './precompiled.js';
import { scenarioReferenceOf } from './reference.js';
import { applyOverridesWith } from './overrides.js';
export type { Scenario } from './schema/index.js';
export { ScenarioSchema } from '../models/index.js';
export { type ScenarioError, formatScenarioError, ScenarioLoadError, parseFieldPath, displayPath } from './errors.js';
export {
  type LoadResult,
  type LoadOptions,
  type LoadTextOptions,
  type CompileOptions,
  type ScenarioLoader,
  type LoaderOptions,
  createScenarioLoader,
  canonicalJson,
} from './load.js';
export type { ScenarioLanguage } from './language.js';

// The validator generated at build time, when it matches (else each process compiles the schema).
usePrecompiled((schema) => loadPrecompiled(schema));

/** opsim's loader: schema, units, `extends`, overrides, files and every model's checks. */
export const { loadScenarioFile, loadScenarioText, compileRaw, loadScenarioFileOrThrow } = createScenarioLoader(LANGUAGE);
export { parseOverrideArgs, parseOverrideRecord, parseOverrideValue } from './overrides.js';

/**
 * Returns a copy of the raw document `doc` with the overrides applied (a null value removes
 * the field). Throws ScenarioLoadError listing every path that does not exist.
 */
export const applyOverrides = (doc: unknown, overrides: Record<string, unknown>): unknown => applyOverridesWith(scenarioJsonSchema(), doc, overrides);
/** opsim's scenario schema as plain JSON (`opsim schema`, editors, docs/scenario.schema.json). */
export const scenarioJsonSchema = (): SchemaObject => jsonSchemaOf(LANGUAGE.schema);
export { LANGUAGE_CHECKS, type ScenarioCheck, type ScenarioReport } from './checks.js';
/** docs/scenario-reference.md, generated from opsim's scenario schema. */
export const generateScenarioReference = (): string => scenarioReferenceOf(scenarioJsonSchema());
export { SCENARIO_LIMITS } from './source.js';
export * from './units.js';
