/** The failures model: component failures, repairs, correlated groups and spare parts (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { FailuresFields } from './schema.js';
import { checkFailures } from './checks.js';
import { FAILURE_METRICS } from './metrics.js';
import { buildFailures } from './runtime.js';

export const failures = defineModel({
  name: 'failures',
  about: 'Per component class listed under `failures.classes`.',
  schema: FailuresFields,
  needs: ['services', 'rooms'],
  gives: [],
  check: checkFailures,
  build: (world, ports) => {
    buildFailures(world, ports.services, ports.rooms);
    return {};
  },
  metrics: Object.values(FAILURE_METRICS),
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    failures: typeof FailuresFields;
  }
}
