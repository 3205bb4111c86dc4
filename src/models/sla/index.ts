/** The SLA and cost model: service-level agreements, incident targets, penalties and revenue at risk (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { SlaFields } from './schema.js';
import { checkSla } from './checks.js';
import { SLA_COLUMNS, SLA_METRICS } from './metrics.js';
import { buildSla } from './runtime.js';
import { compileSla } from './compile.js';

export const sla = defineModel({
  name: 'sla',
  about: 'Per SLA in `sla.services`; cost metrics when the scenario has `sla`, `teams` or `incidents`, `transactions.*` when it also has services.',
  schema: SlaFields,
  needs: ['teams', 'serversCost', 'networkCost', 'recoveryCost', 'diversions'],
  gives: [],
  check: checkSla,
  compile: compileSla,
  build: (world, ports, config) => {
    buildSla(world, ports.teams, [ports.serversCost, ports.networkCost, ports.recoveryCost], config, ports.diversions);
    return {};
  },
  metrics: Object.values(SLA_METRICS),
  columns: Object.values(SLA_COLUMNS),
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    sla: typeof SlaFields;
  }
}
