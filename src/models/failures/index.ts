/** The failures model: component failures, repairs, correlated groups and spare parts (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { failuresFields } from './schema.js';
import { SERVICE_FAILURE_CLASSES } from '../services/targets.js';
import { COOLING_FAILURE_CLASSES } from '../cooling/targets.js';
import { NETWORK_FAILURE_CLASSES } from '../network/schema.js';
import { checkFailures } from './checks.js';
import { FAILURE_METRICS } from './metrics.js';
import { buildFailures } from './runtime.js';
import { compileFailures } from './compile.js';
import { failureTargetRegistry } from './ports.js';
import '../problems/ports.js';

/**
 * The failure-targets registry, first in the catalog: the models that own components
 * (cooling, services, network, …) register their failure targets into it as they are built,
 * and the failures model, built after them, gives each target its failures and repairs.
 */
export const failureTargets = defineModel({
  name: 'failure-targets',
  about: 'The registry through which models offer their components as failure targets (no metrics of its own).',
  schema: {},
  needs: [],
  gives: ['failureTargets'],
  build: () => ({ failureTargets: failureTargetRegistry() }),
  metrics: [],
  columns: [],
});

/** The failures model's fields: failure classes are those the models offer as failure targets (besides the groups'). */
export const FailuresFields = failuresFields([...SERVICE_FAILURE_CLASSES, ...COOLING_FAILURE_CLASSES, ...NETWORK_FAILURE_CLASSES]);

export const failures = defineModel({
  name: 'failures',
  about: 'Per component class listed under `failures.classes`.',
  schema: FailuresFields,
  needs: ['failureTargets', 'services'],
  gives: ['recurrence'],
  check: checkFailures,
  compile: compileFailures,
  build: (world, ports, config) => ({ recurrence: buildFailures(world, ports.failureTargets, ports.services, config) }),
  metrics: Object.values(FAILURE_METRICS),
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    failures: typeof FailuresFields;
  }
}
