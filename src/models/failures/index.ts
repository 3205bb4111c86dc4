/** The failures model: component failures, repairs, correlated groups and spare parts (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { FailuresFields } from './schema.js';
import { checkFailures } from './checks.js';
import { FAILURE_METRICS } from './metrics.js';
import { buildFailures } from './runtime.js';
import '../problems/ports.js';

export const failures = defineModel<'services' | 'rooms', 'recurrence'>({
  name: 'failures',
  about: 'Per component class listed under `failures.classes`.',
  fields: Object.keys(FailuresFields),
  needs: ['services', 'rooms'],
  gives: ['recurrence'],
  check: checkFailures,
  build: (world, ports) => ({ recurrence: buildFailures(world, ports.services, ports.rooms) }),
  metrics: Object.values(FAILURE_METRICS),
  columns: [],
});
