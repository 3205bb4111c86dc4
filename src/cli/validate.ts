/**
 * `opsim validate FILE... [--set path=value]...`: checks scenario files and prints every
 * problem with its position. Exit code 0 when all are valid, 2 otherwise (including files
 * that cannot be read), so scripts and CI can tell scenario errors from crashes (1).
 */
import type { Command } from 'commander';
import { formatScenarioError, loadScenarioFile, parseOverrideArgs, ScenarioLoadError, type Scenario, type ScenarioError } from '../scenario/index.js';
import { inDocumentOrder } from '../scenario/errors.js';
import { formatQuantity } from '../scenario/validate.js';
import { plannedScenarioWarnings } from '../models/warnings.js';
import { plannedScenarios } from './planned-warnings.js';
import { planExperiment, rememberLoaded } from '../experiment/plan.js';
import { prepareSearch, searchSectionProblems } from '../search/validate.js';
import { exitCodesHelp } from './help.js';

/** One-line summary of a valid scenario: name, list sizes, horizon, and the variants checked when there are several. */
export function summarizeScenario(s: Scenario, variants = 1): string {
  const parts: string[] = [s.name];
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (Array.isArray(v)) parts.push(`${v.length} ${k}`);
  }
  parts.push(`horizon ${formatQuantity('duration', s.horizon)}`);
  if (variants > 1) parts.push(`${variants} variants`);
  return parts.join(', ');
}

/**
 * Every variant of a valid scenario compiled as `opsim run` compiles it (the same `prepare`):
 * a variant's values are checked against the schema and the models' checks, so a headcount
 * set to "one" is found here, located at the variant that sets it, not first by a run.
 * Returns the variants' count, or their problems.
 */
function checkVariants(loaded: Parameters<typeof rememberLoaded>[0], overrides: Record<string, unknown>): { variants: number } | { errors: ScenarioError[] } {
  rememberLoaded(loaded, overrides);
  try {
    return { variants: planExperiment({ raw: loaded.raw, file: loaded.file, hash: loaded.hash }, { overrides }).variants.length };
  } catch (err) {
    if (!(err instanceof ScenarioLoadError)) throw err;
    return { errors: err.errors };
  }
}

/**
 * The checks `opsim search` runs before it starts (the same `prepareSearch`): metric and SLA
 * names, bounds within the metric's range, p0 ± δ, the variables' paths and values, the budget.
 * None when the scenario has no `search:` section.
 */
function checkSearch(loaded: { raw: unknown; file: string | null; scenario: Scenario }): ScenarioError[] {
  if (loaded.scenario.search === undefined) return [];
  try {
    prepareSearch(loaded.raw, loaded.file, loaded.scenario);
    return [];
  } catch (err) {
    if (!(err instanceof ScenarioLoadError)) throw err;
    return err.errors;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers `opsim validate`. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('check scenario files and report every problem with its line and column')
    .argument('<files...>', 'scenario files (YAML or JSON)')
    .option('--set <path=value>', 'override a field, e.g. services.inventory.servers=12 (repeatable)', collect, [])
    .addHelpText('after', exitCodesHelp([
      [0, 'every file is valid (with its search: section, when it has one)'],
      [1, 'an unexpected error (OPSIM_DEBUG=1 shows the stack), or its output could not be written (stdout or stderr failed, e.g. a full disk; a closed reader is not a failure)'],
      [2, 'a problem in some file, or a file that cannot be read (every problem printed)'],
    ]))
    .action((files: string[], opts: { set: string[] }) => {
      let overrides: Record<string, unknown>;
      try {
        overrides = parseOverrideArgs(opts.set);
      } catch (err) {
        if (!(err instanceof ScenarioLoadError)) throw err;
        for (const e of err.errors) process.stderr.write(formatScenarioError(e) + '\n');
        process.exitCode = 2;
        return;
      }
      let bad = 0;
      for (const file of files) {
        const r = loadScenarioFile(file, { overrides });
        let checked = r.ok ? checkVariants(r, overrides) : { errors: r.errors };
        // A search section's meaning is checked here too, with the variants' problems: all in one
        // pass. A scenario that did not load still gets the checks of the section that need no run.
        const searchErrors = r.ok ? checkSearch(r) : r.partial !== undefined ? searchSectionProblems(r.partial, file) : [];
        if (searchErrors.length > 0) checked = { errors: [...('errors' in checked ? checked.errors : []), ...searchErrors] };
        if (r.ok && 'variants' in checked) {
          process.stdout.write(`${file}: valid (${summarizeScenario(r.scenario, checked.variants)})\n`);
          // Valid, but overloaded, or a flow-level service outside flow's validated region (docs/fidelity.md).
          // Judged in the base and every variant (compiled already by checkVariants), each tagged with where it holds.
          for (const w of plannedScenarioWarnings(file, plannedScenarios(r, { overrides }, true))) process.stderr.write(formatScenarioError(w) + '\n');
        } else if ('errors' in checked) {
          bad++;
          // Every problem once, in document order, whichever stage found it.
          const errors = inDocumentOrder(checked.errors);
          for (const e of errors) process.stderr.write(formatScenarioError(e) + '\n');
          process.stderr.write(`${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n`);
        }
      }
      if (bad > 0) process.exitCode = 2;
    });
}
