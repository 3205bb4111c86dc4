/**
 * opsim as a library: `import { loadScenario, runExperiment, compare } from 'opsim'`.
 *
 *   const scenario = loadScenario('scenarios/noc-night-shift.yaml', { overrides: { horizon: '1d' } });
 *   const results = await runExperiment(scenario, { replications: 4, workers: 0 });
 *   const report = compare(baselineResults, results);
 *
 * Everything here is also what the CLI, the server and the dashboard use; docs/architecture.md
 * says how the parts fit. Scenario errors are thrown as ScenarioLoadError with every problem,
 * located at file:line:column.
 */
import { loadScenarioFileOrThrow } from './scenario/index.js';
import { compareResults } from './experiment/compare.js';

export {
  type Scenario,
  type ScenarioError,
  type LoadResult,
  type LoadOptions,
  ScenarioLoadError,
  formatScenarioError,
  loadScenarioFile,
  loadScenarioText,
  compileRaw,
  parseOverrideArgs,
  scenarioJsonSchema,
} from './scenario/index.js';
export { runExperiment, planExperiment, type ExperimentInput, type ExperimentOptions, type ExperimentPlan, type ExperimentProgress } from './experiment/index.js';
export { writeResults, resultsJson, seriesCsv } from './results/write.js';
export { type CompareOptions, type CompareReport, type MetricVerdict } from './experiment/compare.js';
export { runReplication, metricCatalog, type ReplicationOptions } from './models/replication.js';
export { MODELS } from './models/index.js';
export type { ModelPlugin, AnyModelPlugin, Ports } from './models/kernel/plugin.js';
export type { ResultsDocument, ReplicationRecord, MetricSummary, VariantResults } from './results/format.js';
export type { MetricSpec, ColumnSpec, MetricCatalog, ColumnCatalog, Unit } from './results/metrics.js';
export { OPSIM_VERSION } from './version.js';

/**
 * Loads a scenario file (YAML or JSON): `extends`, overrides, schema, units and every model's
 * checks. Returns what `runExperiment` takes; throws ScenarioLoadError listing every problem.
 */
export const loadScenario = loadScenarioFileOrThrow;

/** Compares two results documents metric by metric (directions from the metric specs); what `opsim compare` prints. */
export const compare = compareResults;
