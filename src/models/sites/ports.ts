/** The port the sites model gives: what the recovery plans' standby servers cost, for cost.total (the SLA and cost model). */

/** The recovery sites' cost so far in the measured period (0 when no recovery plan has a price). */
export interface RecoveryCostPort {
  cost(): number;
  /** Whether any recovery plan prices its standby servers (cost.recovery is recorded only then). */
  readonly priced: boolean;
}

declare module '../kernel/plugin.js' {
  interface Ports {
    recoveryCost: RecoveryCostPort;
  }
}
