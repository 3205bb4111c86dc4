/** The port the network model gives: what its devices cost, for cost.total (the SLA and cost model). */

/** The network's cost so far in the measured period (0 without a `network` section). */
export interface NetworkCostPort {
  cost(): number;
  /** Whether any device has a price (cost.network is recorded only then). */
  readonly priced: boolean;
}

declare module '../kernel/plugin.js' {
  interface Ports {
    networkCost: NetworkCostPort;
  }
}
