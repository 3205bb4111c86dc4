/** The failures model: component failures, repairs, correlated groups and spare parts (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { FAILURES_FIELD_NAMES } from './schema.js';
import { checkFailures } from './checks.js';
import { FAILURE_METRICS } from './metrics.js';
import { buildFailures } from './runtime.js';
import { failureTargetRegistry } from './ports.js';
import '../problems/ports.js';

/**
 * The failure-targets registry, first in the catalog: the models that own components
 * (cooling, services, network, …) register their failure targets into it as they are built,
 * and the failures model, built after them, gives each target its failures and repairs.
 */
export const failureTargets = defineModel<never, 'failureTargets'>({
  name: 'failure-targets',
  about: 'The registry through which models offer their components as failure targets (no metrics of its own).',
  fields: [],
  needs: [],
  gives: ['failureTargets'],
  build: () => ({ failureTargets: failureTargetRegistry() }),
  metrics: [],
  columns: [],
});

export const failures = defineModel<'failureTargets' | 'services', 'recurrence'>({
  name: 'failures',
  about: 'Per component class listed under `failures.classes`.',
  fields: FAILURES_FIELD_NAMES,
  needs: ['failureTargets', 'services'],
  gives: ['recurrence'],
  check: checkFailures,
  build: (world, ports) => ({ recurrence: buildFailures(world, ports.failureTargets, ports.services) }),
  metrics: Object.values(FAILURE_METRICS),
  columns: [],
});
