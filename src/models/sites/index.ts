/** The sites model: sites, recovery sites, site disasters, failover and failback runbooks (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { SitesFields } from './schema.js';
import { checkSites } from './checks.js';
import { RECOVERY_COST_METRICS, SITE_METRICS } from './metrics.js';
import { buildSites } from './runtime.js';
import { compileSites } from './compile.js';
import './ports.js';

export const sites = defineModel({
  name: 'sites',
  about: 'Per site in `sites` that has disasters or a recovery plan; cost.recovery when a recovery plan has a price above 0.',
  schema: SitesFields,
  needs: ['services', 'rooms', 'teams', 'backups'],
  gives: ['recoveryCost', 'diversions'],
  check: checkSites,
  compile: compileSites,
  build: (world, ports, config) => buildSites(world, ports, config),
  metrics: [...Object.values(SITE_METRICS), ...Object.values(RECOVERY_COST_METRICS)],
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    sites: typeof SitesFields;
  }
}
