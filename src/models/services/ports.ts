/** The ports the services model gives: its pools, which load feeds, failures break and power meters; and what their servers cost. */
import type { ServicesRegistry } from './pool.js';

export type { RequestPath } from './request-path.js';

export type ServicesPort = ServicesRegistry;

/** What the services' servers cost so far in the measured period, for cost.total (0 when no service prices its servers). */
export interface ServersCostPort {
  cost(): number;
  /** Whether any service prices its servers (cost.servers is recorded only then). */
  readonly priced: boolean;
}

declare module '../kernel/plugin.js' {
  interface Ports {
    services: ServicesPort;
    serversCost: ServersCostPort;
  }
}
