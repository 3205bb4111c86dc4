/**
 * Scenario check for the experiment section: every variant's field paths must exist, so a
 * typo in a sweep is an error located in the file (line:column) rather than a variant that
 * silently equals the base. Registered on import; src/experiment/plan.ts imports it.
 */
import { registerScenarioCheck, type ScenarioReport } from '../scenario/checks.js';
import { applyOverridesChecked } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema/index.js';

/** Reports every variant override whose path does not exist in the scenario. */
export function variantPathsExist(scenario: Scenario, report: ScenarioReport): void {
  const variants = scenario.experiment?.variants;
  if (variants === undefined) return;
  const check = (path: string, value: unknown, at: (string | number)[]): void => {
    if (path === 'experiment' || path.startsWith('experiment.')) {
      report(at, `variants may not override the experiment section itself ("${path}")`);
      return;
    }
    const r = applyOverridesChecked(scenario, { [path]: value });
    if (!r.ok) for (const e of r.errors) report(at, e.message.replace(/^override: /, ''));
  };
  if ('list' in variants) {
    variants.list.forEach((v, i) => {
      for (const [p, value] of Object.entries(v.set ?? {})) check(p, value, ['experiment', 'variants', 'list', i, 'set', p]);
    });
  } else {
    for (const [p, f] of Object.entries(variants.factors)) {
      const values = Array.isArray(f) ? f : f.values;
      check(p, values[0], ['experiment', 'variants', 'factors', p]);
    }
  }
}

registerScenarioCheck(variantPathsExist);
