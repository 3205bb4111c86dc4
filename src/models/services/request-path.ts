/**
 * The hook through which a network model sits in front of a service: the network its
 * requests cross before they reach it (the network model gives one to a pool through
 * `ServicePool.setRequestPath`). Called once per attempt, retries included.
 */
export interface RequestPath {
  /** Seconds the network adds to an attempt setting out now (≥ 0), or −1 when the network drops or refuses it. */
  cross(): number;
}
