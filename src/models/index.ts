/**
 * The catalog: the only list of opsim's domain models, in build order (infrastructure first:
 * the failure-targets registry, rooms, services, network, failures, load, power; then
 * operations: staffing, incidents, monitoring, changes, problems, backups, sites; last SLA
 * and cost, which sums the costs the others give). Adding a model is one folder
 * (src/models/<model>/, see docs/adding-a-model.md) and one line here. From this list come
 * the scenario schema (the language's own fields plus every model's fragment) and its static
 * type `Scenario`, the scenario language's checks, the build order of a replication, the
 * metric documentation (docs/results-format.md) and the check that every port a model needs
 * is given by an earlier one.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { LanguageFields, RunFields } from '../scenario/schema/language.js';
import type { ScenarioLanguage } from '../scenario/language.js';
import { catalogProblems, type AnyModelPlugin, type ModelFields } from './kernel/plugin.js';
import { composeLanguage } from './kernel/language.js';
import { templateLabels, templateMatch, type ColumnCatalog, type MetricCatalog, type MetricSpec } from '../results/metrics.js';
import { cooling } from './cooling/index.js';
import { services } from './services/index.js';
import { failureTargets, failures } from './failures/index.js';
import { network } from './network/index.js';
import { load } from './load/index.js';
import { power } from './power/index.js';
import { staffing } from './staffing/index.js';
import { incidents } from './incidents/index.js';
import { monitoring } from './monitoring/index.js';
import { sla } from './sla/index.js';
import { changes } from './changes/index.js';
import { problemManagement } from './problems/index.js';
import { backups } from './backups/index.js';
import { sites } from './sites/index.js';

/** Every model, in build order (the order fixes event order, and so the results). */
export const MODELS: readonly AnyModelPlugin[] = [failureTargets, cooling, services, network, failures, load, power, staffing, incidents, monitoring, changes, problemManagement, backups, sites, sla];

const problems = catalogProblems(MODELS);
if (problems.length > 0) throw new Error(`model catalog: ${problems.join('; ')}`);

/**
 * opsim's scenario language, composed from the catalog: the schema (the language's own fields,
 * every model's fragment, the run fields) and the checks (the language's own, each model's,
 * then the run budget). src/scenario/index.ts binds its loaders to it, so `opsim validate`,
 * the library and the server run the same schema and checks.
 */
export const LANGUAGE: ScenarioLanguage = composeLanguage(MODELS);

/**
 * The scenario schema: one JSON Schema. It checks scenario files, guards the HTTP API, drives
 * editor autocompletion (`opsim schema`) and generates docs/scenario-reference.md. Its static
 * type comes from the fragments the models register in `ScenarioFragments` (kernel/plugin.ts).
 */
export const ScenarioSchema = LANGUAGE.schema as TObject<typeof LanguageFields & ModelFields & typeof RunFields>;

/** A validated scenario with every unit converted to base units (what models receive). */
export type Scenario = Static<typeof ScenarioSchema>;

/**
 * Every metric and column spec of every model, most specific template first (more literal
 * text; a stable sort, so ties keep the catalog's order). Each template is read once, not at
 * every comparison (about 1 ms of every start).
 */
const bySpecificity = <S extends { name: string }>(specs: S[]): S[] => {
  const literal = new Map(specs.map((s) => [s, literalLength(s.name)]));
  return specs.sort((a, b) => literal.get(b)! - literal.get(a)!);
};
const METRIC_SPECS = bySpecificity(MODELS.flatMap((m) => m.metrics));
const COLUMN_SPECS = bySpecificity(MODELS.flatMap((m) => m.columns));

function literalLength(template: string): number {
  return templateLabels(template).reduce((n, l) => n - l.length - 2, template.length);
}

/**
 * The current models' spec of a concrete metric name, read through the specs' name templates
 * (undefined when no model declares it). For results documents written before they carried
 * their own metric catalog: their metrics mean what today's models say they mean.
 */
export function currentMetricSpec(name: string): MetricSpec | undefined {
  return METRIC_SPECS.find((s) => templateMatch(s.name, name) !== null);
}

/**
 * The catalogs today's models give the metric and column names of a results document written
 * without them (names no model declares are left out).
 */
export function currentCatalog(metricNames: Iterable<string>, columnNames: Iterable<string>): { metrics: MetricCatalog; columns: ColumnCatalog } {
  const metrics: MetricCatalog = {};
  for (const n of [...new Set(metricNames)].sort()) {
    const spec = currentMetricSpec(n);
    if (spec !== undefined) metrics[n] = spec;
  }
  const columns: ColumnCatalog = {};
  for (const n of columnNames) {
    const spec = COLUMN_SPECS.find((s) => templateMatch(s.name, n) !== null);
    if (spec !== undefined) columns[n] = spec;
  }
  return { metrics, columns };
}
