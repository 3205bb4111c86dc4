/** The network model: switches, routers, firewalls and links, redundant pairs and the services behind them (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { NetworkFields } from './schema.js';
import { checkNetwork } from './checks.js';
import { NETWORK_METRICS } from './metrics.js';
import { buildNetwork } from './runtime.js';
import './ports.js';

export const network = defineModel({
  name: 'network',
  about: 'Per device in `network.devices` and per service in `network.services`; cost.network when some device has a `costPerHour` above 0.',
  schema: NetworkFields,
  needs: ['services', 'failureTargets'],
  gives: ['networkCost'],
  check: checkNetwork,
  // The section as loaded (its defaults filled in), or null without one.
  compile: (scenario) => scenario.network ?? null,
  build: (world, ports, config) => ({ networkCost: buildNetwork(world, ports.services, ports.failureTargets, config) }),
  metrics: Object.values(NETWORK_METRICS),
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    network: typeof NetworkFields;
  }
}
