/**
 * `opsim schema [--markdown]`: prints the scenario JSON Schema (for editors, e.g. via a
 * `# yaml-language-server: $schema=...` modeline) or the generated Markdown reference.
 */
import type { Command } from 'commander';
import { generateScenarioReference, scenarioJsonSchema } from '../scenario/index.js';
import { metricsReference } from '../models/reference.js';

/** The schema as written to docs/scenario.schema.json. */
export function schemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}

/** Registers `opsim schema`. */
export function register(program: Command): void {
  program
    .command('schema')
    .description('print the scenario JSON Schema (or, with --markdown, the field reference)')
    .option('--markdown', 'print the Markdown reference of every field instead')
    .option('--metrics', "print the metric tables of docs/results-format.md (from the models' specs) instead")
    .action((opts: { markdown?: boolean; metrics?: boolean }) => {
      if (opts.metrics === true) process.stdout.write(metricsReference());
      else process.stdout.write(opts.markdown === true ? generateScenarioReference() : schemaText());
    });
}
