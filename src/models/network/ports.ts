/** The port the network model gives: what its devices cost, for cost.total (the SLA and cost model). */

import type { CapacityCost } from '../kernel/capacity-cost.js';

/** The network's cost so far in the measured period (unpriced without a `network` section or a priced device). */
export type NetworkCostPort = CapacityCost;

declare module '../kernel/plugin.js' {
  interface Ports {
    networkCost: NetworkCostPort;
  }
}
