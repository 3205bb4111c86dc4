/**
 * The scenario language: the public API other modules code against. Load a file or text,
 * get either a validated scenario (units in base units) or every problem with its position.
 *
 * The rest of src/scenario/ is a generic toolkit; this barrel binds it to opsim's language,
 * composed by the model catalog (src/models/index.ts), so every loader here runs every
 * model's checks whatever was imported first.
 */
import { createScenarioLoader } from './load.js';
import { LANGUAGE } from '../models/index.js';
export type { Scenario } from './schema/index.js';
export { ScenarioSchema } from './schema/index.js';
export { type ScenarioError, formatScenarioError, ScenarioLoadError, parseFieldPath, displayPath } from './errors.js';
export {
  type LoadResult,
  type LoadOptions,
  type LoadTextOptions,
  type CompileOptions,
  type ScenarioLoader,
  createScenarioLoader,
  canonicalJson,
} from './load.js';
export type { ScenarioLanguage } from './language.js';

/** opsim's loader: schema, units, `extends`, overrides, files and every model's checks. */
export const { loadScenarioFile, loadScenarioText, compileRaw, loadScenarioFileOrThrow } = createScenarioLoader(LANGUAGE);
export { applyOverrides, parseOverrideArgs, parseOverrideValue } from './overrides.js';
export { scenarioJsonSchema } from './validate.js';
export { LANGUAGE_CHECKS, type ScenarioCheck, type ScenarioReport } from './checks.js';
export { generateScenarioReference } from './reference.js';
export { SCENARIO_LIMITS } from './source.js';
export * from './units.js';
