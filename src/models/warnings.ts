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

/** The warnings of one scenario loaded from `file` (no variants judged), located at line:column. */
export function locatedScenarioWarnings(file: string, s: Scenario): ScenarioError[] {
  return locateWarnings(file, scenarioWarnings(s));
}

/** A scenario a command judges: a variant as compiled for the run, or the base scenario (`variant` null). */
export interface PlannedScenario {
  /** The variant's name; null for the base scenario as written (with its `--set` values). */
  readonly variant: string | null;
  readonly scenario: Scenario;
}

/**
 * The warnings of every scenario planned (`opsim run`: the variants selected; `opsim validate`:
 * the base and every variant), located in `file`. A warning several scenarios raise alike (same
 * field, same words) is said once, tagged with where it holds ("in variant small: …", "in
 * variants a, b: …", "in every variant: …", "in the base scenario: …"); untagged only when the
 * base scenario is all that is judged (a scenario without variants).
 */
export function plannedScenarioWarnings(file: string, planned: readonly PlannedScenario[]): ScenarioError[] {
  const byWarning = new Map<string, { warning: ScenarioWarning; where: (string | null)[] }>();
  for (const p of planned) {
    for (const w of scenarioWarnings(p.scenario)) {
      const key = JSON.stringify([w.path, w.message]);
      const seen = byWarning.get(key);
      if (seen === undefined) byWarning.set(key, { warning: w, where: [p.variant] });
      else if (!seen.where.includes(p.variant)) seen.where.push(p.variant);
    }
  }
  const variants = new Set(planned.flatMap((p) => (p.variant === null ? [] : [p.variant])));
  const tagged = [...byWarning.values()].map(({ warning, where }) => {
    if (variants.size === 0) return warning;
    const names = where.filter((w): w is string => w !== null);
    const parts: string[] = [];
    if (names.length < where.length) parts.push('the base scenario');
    if (names.length > 1 && names.length === variants.size) parts.push('every variant');
    else if (names.length > 0) parts.push(`${names.length === 1 ? 'variant' : 'variants'} ${names.join(', ')}`);
    return { path: warning.path, message: `in ${parts.join(' and ')}: ${warning.message}` };
  });
  return locateWarnings(file, tagged);
}
