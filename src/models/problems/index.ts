/** The problem model: recurring incidents linked to problems, root-cause analysis, known errors and permanent fixes (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { ProblemsFields } from './schema.js';
import { checkProblems } from './checks.js';
import { PROBLEM_METRICS } from './metrics.js';
import { buildProblems } from './runtime.js';
import './ports.js';

export const problemManagement = defineModel({
  name: 'problems',
  about: 'Per problem in `problems`.',
  schema: ProblemsFields,
  needs: ['desk', 'teams', 'changes', 'recurrence'],
  gives: [],
  check: checkProblems,
  // Its fields need nothing worked out beyond the schema's defaults: the compiled config is the problems as loaded.
  compile: (scenario) => scenario.problems ?? [],
  build: (world, ports, config) => {
    buildProblems(world, ports.desk, ports.teams, ports.changes, ports.recurrence, config);
    return {};
  },
  metrics: Object.values(PROBLEM_METRICS),
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    problems: typeof ProblemsFields;
  }
}
