/** The staffing model: teams of operators on rosters, shrinkage and cost (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { StaffingFields } from './schema.js';
import { checkTeams } from './checks.js';
import { STAFFING_COLUMNS, STAFFING_METRICS } from './metrics.js';
import { buildStaffing } from './runtime.js';
import { compileStaffing } from './compile.js';
import './ports.js';

export const staffing = defineModel({
  name: 'staffing',
  about: 'Per team in `teams`; `cost.staffing` when there is any team.',
  schema: StaffingFields,
  needs: [],
  gives: ['teams'],
  check: checkTeams,
  compile: compileStaffing,
  build: (world, _ports, config) => ({ teams: buildStaffing(world, config) }),
  metrics: Object.values(STAFFING_METRICS),
  columns: Object.values(STAFFING_COLUMNS),
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    staffing: typeof StaffingFields;
  }
}
