/**
 * The scenario language: the public API other modules code against. Load a file or text,
 * get either a validated scenario (units in base units) or every problem with its position.
 */
export type { Scenario } from './schema/index.js';
export { ScenarioSchema } from './schema/index.js';
export { type ScenarioError, formatScenarioError, ScenarioLoadError, parseFieldPath, displayPath } from './errors.js';
export {
  type LoadResult,
  type LoadOptions,
  type LoadTextOptions,
  type CompileOptions,
  loadScenarioFile,
  loadScenarioText,
  compileRaw,
  loadScenarioFileOrThrow,
  canonicalJson,
} from './load.js';
export { applyOverrides, parseOverrideArgs, parseOverrideValue } from './overrides.js';
export { scenarioJsonSchema } from './validate.js';
export { registerScenarioCheck, type ScenarioCheck, type ScenarioReport } from './checks.js';
export { generateScenarioReference } from './reference.js';
export { SCENARIO_LIMITS } from './source.js';
export * from './units.js';
