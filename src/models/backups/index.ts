/** The backups model: backup and batch jobs holding service capacity over their windows (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { BackupsFields } from './schema.js';
import { checkBackups } from './checks.js';
import { BACKUP_COLUMNS, BACKUP_METRICS } from './metrics.js';
import { buildBackups } from './runtime.js';
import './ports.js';

export const backups = defineModel<'services', 'backups'>({
  name: 'backups',
  about: 'Per job in `backups`.',
  fields: Object.keys(BackupsFields),
  needs: ['services'],
  gives: ['backups'],
  check: checkBackups,
  build: (world, ports) => ({ backups: buildBackups(world, ports.services) }),
  metrics: Object.values(BACKUP_METRICS),
  columns: Object.values(BACKUP_COLUMNS),
});
