/** The change model: changes in windows and freezes, whose failures cause faults that monitoring detects and implementers roll back (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { ChangesFields } from './schema.js';
import { checkChanges } from './checks.js';
import { CHANGE_METRICS } from './metrics.js';
import { buildChanges } from './runtime.js';
import './ports.js';

export const changes = defineModel<'services' | 'desk', 'changes'>({
  name: 'changes',
  about: 'When the scenario has an enabled `changes` section.',
  fields: Object.keys(ChangesFields),
  needs: ['services', 'desk'],
  gives: ['changes'],
  check: checkChanges,
  build: (world, ports) => ({ changes: buildChanges(world, ports.services, ports.desk) }),
  metrics: Object.values(CHANGE_METRICS),
  columns: [],
});
