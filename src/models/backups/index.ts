/** The backups model: backup and batch jobs holding service capacity over their windows (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { BackupsFields } from './schema.js';
import { checkBackups } from './checks.js';
import { BACKUP_COLUMNS, BACKUP_METRICS } from './metrics.js';
import { buildBackups } from './runtime.js';
import './ports.js';

export const backups = defineModel({
  name: 'backups',
  about: 'Per job in `backups`.',
  schema: BackupsFields,
  needs: ['services'],
  gives: ['backups'],
  check: checkBackups,
  // Its fields need nothing worked out beyond the schema's defaults: the compiled config is the jobs as loaded.
  compile: (scenario) => scenario.backups ?? [],
  build: (world, ports, config) => ({ backups: buildBackups(world, ports.services, config) }),
  metrics: Object.values(BACKUP_METRICS),
  columns: Object.values(BACKUP_COLUMNS),
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    backups: typeof BackupsFields;
  }
}
