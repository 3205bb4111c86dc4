/**
 * The catalog: the only list of opsim's domain models, in build order (infrastructure first:
 * the failure-targets registry, rooms, services, network, failures, load, power; then
 * operations: staffing, incidents, monitoring, SLA). Adding a model is one folder
 * (src/models/<model>/, see docs/adding-a-model.md) and one line here. From this list come
 * the scenario language's checks, the build order of a replication, the metric
 * documentation (docs/results-format.md) and the check that every port a model needs is
 * given by an earlier one.
 */
import { LANGUAGE_CHECKS } from '../scenario/checks.js';
import type { ScenarioLanguage } from '../scenario/language.js';
import { catalogProblems, type AnyModelPlugin } from './kernel/plugin.js';
import { checkRunBudget } from './kernel/budget.js';
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

/** Every model, in build order (the order fixes event order, and so the results). */
export const MODELS: readonly AnyModelPlugin[] = [failureTargets, cooling, services, network, failures, load, power, staffing, incidents, monitoring, sla, changes, problemManagement];

const problems = catalogProblems(MODELS);
if (problems.length > 0) throw new Error(`model catalog: ${problems.join('; ')}`);

/**
 * opsim's scenario language: the language's own checks, then each model's, then the run
 * budget. src/scenario/index.ts binds its loaders to it, so `opsim validate`, the library
 * and the server run the same checks.
 */
export const LANGUAGE: ScenarioLanguage = {
  checks: [...LANGUAGE_CHECKS, ...MODELS.flatMap((m) => (m.check === undefined ? [] : [m.check])), checkRunBudget],
};
