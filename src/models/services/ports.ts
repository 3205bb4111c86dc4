/** The ports the services model gives: its pools, which load feeds, failures break and power meters; and what their servers cost. */
import type { CapacityCost } from '../kernel/capacity-cost.js';
import type { ServicesRegistry } from './pool.js';

export type { RequestPath } from './request-path.js';

export type ServicesPort = ServicesRegistry;

/** What the services' servers cost so far in the measured period, for cost.total (unpriced when no service prices its servers). */
export type ServersCostPort = CapacityCost;

declare module '../kernel/plugin.js' {
  interface Ports {
    services: ServicesPort;
    serversCost: ServersCostPort;
  }
}
