/** The change model: changes in windows and freezes, whose failures cause faults that monitoring detects and implementers roll back (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { ChangesFields } from './schema.js';
import { checkChanges } from './checks.js';
import { CHANGE_METRICS } from './metrics.js';
import { buildChanges } from './runtime.js';
import './ports.js';

export const changes = defineModel({
  name: 'changes',
  about: 'When the scenario has an enabled `changes` section.',
  schema: ChangesFields,
  needs: ['services', 'desk'],
  gives: ['changes'],
  check: checkChanges,
  // The enabled section as loaded (its defaults filled in), or null: change management is off.
  compile: (scenario) => (scenario.changes !== undefined && scenario.changes.enabled ? scenario.changes : null),
  build: (world, ports, config) => ({ changes: buildChanges(world, ports.services, ports.desk, config) }),
  metrics: Object.values(CHANGE_METRICS),
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    changes: typeof ChangesFields;
  }
}
