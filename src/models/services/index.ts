/** The services model: pools of servers, optionally behind a load balancer (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { ServiceFields } from './schema.js';
import { checkServices } from './checks.js';
import { SERVICE_COLUMNS, SERVICE_METRICS } from './metrics.js';
import { buildServices } from './pool.js';
import { offerServiceTargets } from './targets.js';
import { checkFidelity, poolFactory } from './flow/index.js';
import { compileServices } from './compile.js';
import { buildServersCost } from './cost.js';
import './ports.js';

export const services = defineModel({
  name: 'services',
  about: 'Per service, for every service in `services`; cost.servers when a service has a costPerHour above 0.',
  schema: ServiceFields,
  needs: ['rooms', 'failureTargets'],
  gives: ['services', 'serversCost'],
  check: (s, report) => {
    checkServices(s, report);
    checkFidelity(s, report);
  },
  compile: compileServices,
  build: (world, ports, config) => {
    const services = buildServices(world, ports.rooms, config, poolFactory(world, config));
    offerServiceTargets(world, services, ports.failureTargets);
    return { services, serversCost: buildServersCost(world, config) };
  },
  metrics: Object.values(SERVICE_METRICS),
  columns: Object.values(SERVICE_COLUMNS),
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    services: typeof ServiceFields;
  }
}
