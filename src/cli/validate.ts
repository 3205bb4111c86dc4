/**
 * `opsim validate FILE... [--set path=value]...`: checks scenario files and prints every
 * problem with its position. Exit code 0 when all are valid, 2 otherwise (including files
 * that cannot be read), so scripts and CI can tell scenario errors from crashes (1).
 */
import type { Command } from 'commander';
import { formatScenarioError, loadScenarioFile, parseOverrideArgs, ScenarioLoadError, type Scenario, type ScenarioError } from '../scenario/index.js';
import { formatQuantity } from '../scenario/validate.js';
import { plannedScenarioWarnings } from '../models/warnings.js';
import { plannedScenarios } from './planned-warnings.js';
import { planExperiment, rememberLoaded } from '../experiment/plan.js';

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
        const checked = r.ok ? checkVariants(r, overrides) : { errors: r.errors };
        if (r.ok && 'variants' in checked) {
          process.stdout.write(`${file}: valid (${summarizeScenario(r.scenario, checked.variants)})\n`);
          // Valid, but overloaded, or a flow-level service outside flow's validated region (docs/fidelity.md).
          // Judged in the base and every variant (compiled already by checkVariants), each tagged with where it holds.
          for (const w of plannedScenarioWarnings(file, plannedScenarios(r, { overrides }, true))) process.stderr.write(formatScenarioError(w) + '\n');
        } else if ('errors' in checked) {
          bad++;
          for (const e of checked.errors) process.stderr.write(formatScenarioError(e) + '\n');
          process.stderr.write(`${file}: ${checked.errors.length} problem${checked.errors.length === 1 ? '' : 's'}\n`);
        }
      }
      if (bad > 0) process.exitCode = 2;
    });
}
