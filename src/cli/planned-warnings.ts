/**
 * The scenarios a command plans and their warnings: `opsim run` judges the variants it runs,
 * `opsim validate` the base and every variant (src/models/warnings.ts tags and merges them).
 */
import { ScenarioLoadError, formatScenarioError } from '../scenario/index.js';
import { prepare, type ExperimentOptions, type rememberLoaded } from '../experiment/plan.js';
import { plannedScenarioWarnings, type PlannedScenario } from '../models/warnings.js';

/**
 * The scenarios `options` plans, as the run compiles them (cached since planExperiment or
 * rememberLoaded): the variants selected, each with its name, or the base scenario alone when
 * it has no variants; with `withBase`, the base scenario too. Throws ScenarioLoadError as
 * planExperiment does.
 */
export function plannedScenarios(loaded: Parameters<typeof rememberLoaded>[0], options: ExperimentOptions, withBase = false): PlannedScenario[] {
  const { base, variants } = prepare({ raw: loaded.raw, file: loaded.file, hash: loaded.hash }, options);
  if (base.experiment?.variants === undefined) return [{ variant: null, scenario: base }];
  return [...(withBase ? [{ variant: null, scenario: base }] : []), ...variants.map((v) => ({ variant: v.def.name, scenario: v.scenario, set: v.def.set, origin: v.def.origin }))];
}

/** Prints the warnings of the scenarios a run plans (plannedScenarioWarnings); none when the plan fails (its errors are said where the run plans). */
export function printPlannedWarnings(file: string, loaded: Parameters<typeof rememberLoaded>[0], options: ExperimentOptions): void {
  let planned: PlannedScenario[];
  try {
    planned = plannedScenarios(loaded, options);
  } catch (err) {
    if (err instanceof ScenarioLoadError) return;
    throw err;
  }
  for (const w of plannedScenarioWarnings(file, planned)) process.stderr.write(formatScenarioError(w) + '\n');
}
