/**
 * The ports the sites model gives: what the recovery plans' standby servers cost, for
 * cost.total, and where each service's requests are served across a failover, for the SLA
 * windows (both read by the SLA and cost model).
 */

import type { CapacityCost } from '../kernel/capacity-cost.js';
import type { ServiceHandle } from '../kernel/world.js';

/** The recovery sites' cost so far in the measured period (unpriced when no recovery plan has a price). */
export type RecoveryCostPort = CapacityCost;

/**
 * Where a service's new requests are served now: at the service itself, or, while a failover
 * diverts them, at its standby (followed to the end when the standby's own site has failed
 * over too). Without recovery plans every service serves itself and nothing ever switches.
 */
export interface DiversionsPort {
  /** The service serving `service`'s new requests now (itself when none of its requests are diverted). */
  servedAt(service: string): ServiceHandle;
  /** Every service a failover may divert `service`'s requests to (its standbys, theirs in turn), in scenario order; empty without a recovery plan. */
  standbysOf(service: string): readonly ServiceHandle[];
  /**
   * Calls `listener` after every switch of any site (a failover's to its standbys, a failback's
   * home) and after every disaster strikes or ends (when a site's servers go or come back).
   */
  onChange(listener: () => void): void;
}

declare module '../kernel/plugin.js' {
  interface Ports {
    recoveryCost: RecoveryCostPort;
    diversions: DiversionsPort;
  }
}
