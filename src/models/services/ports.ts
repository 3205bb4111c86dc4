/** The port the services model gives: its pools, which load feeds, failures break and power meters. */
import type { ServicesRegistry } from './pool.js';

export type { RequestPath } from './request-path.js';

export type ServicesPort = ServicesRegistry;

declare module '../kernel/plugin.js' {
  interface Ports {
    services: ServicesPort;
  }
}
