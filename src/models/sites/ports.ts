/** The port the sites model gives: what the recovery plans' standby servers cost, for cost.total (the SLA and cost model). */

import type { CapacityCost } from '../kernel/capacity-cost.js';

/** The recovery sites' cost so far in the measured period (unpriced when no recovery plan has a price). */
export type RecoveryCostPort = CapacityCost;

declare module '../kernel/plugin.js' {
  interface Ports {
    recoveryCost: RecoveryCostPort;
  }
}
