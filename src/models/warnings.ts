/**
 * Every warning about a valid scenario, from every model that gives any, located in its file:
 * flow level outside its validated region (docs/fidelity.md), services and teams offered at
 * least the work they can do. `opsim validate` and `opsim run` print them; they never stop a run.
 */
import type { ScenarioError } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema/index.js';
import { locateWarnings, type ScenarioWarning } from './kernel/warnings.js';
import { flowWarnings } from './services/flow/index.js';
import { overloadWarnings } from './services/overload.js';
import { teamOverloadWarnings } from './staffing/overload.js';

/** The warnings of a valid scenario, at their field paths. */
export function scenarioWarnings(s: Scenario): ScenarioWarning[] {
  return [...overloadWarnings(s), ...teamOverloadWarnings(s), ...flowWarnings(s)];
}

/** The warnings of a scenario loaded from `file`, located at line:column. */
export function locatedScenarioWarnings(file: string, s: Scenario): ScenarioError[] {
  return locateWarnings(file, scenarioWarnings(s));
}
