/**
 * `opsim schema [--markdown]`: prints the scenario JSON Schema (for editors, e.g. via a
 * `# yaml-language-server: $schema=...` modeline) or the generated Markdown reference;
 * `--results` prints the JSON Schema of results.json.
 */
import type { Command } from 'commander';
import { generateScenarioReference, scenarioJsonSchema } from '../scenario/index.js';
import { metricsReference } from '../models/reference.js';
import { resultsSchemaText } from '../results/schema.js';

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
    .option('--results', 'print the JSON Schema of results.json (docs/results.schema.json) instead')
    .action((opts: { markdown?: boolean; metrics?: boolean; results?: boolean }) => {
      if (opts.results === true) process.stdout.write(resultsSchemaText());
      else if (opts.metrics === true) process.stdout.write(metricsReference());
      else process.stdout.write(opts.markdown === true ? generateScenarioReference() : schemaText());
    });
}
