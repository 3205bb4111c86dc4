/**
 * The hook through which a network model sits in front of a service: the network its
 * requests cross before they reach it (the network model gives one to a pool through
 * `ServicePool.setRequestPath`). Called once per attempt, retries included.
 */
export interface RequestPath {
  /** Seconds the network adds to an attempt setting out now (≥ 0), or −1 when the network drops or refuses it. */
  cross(): number;
  /** The same path for a flow-level pool, which has no individual attempts (absent: the network is modelled per request only). */
  readonly flow?: FlowPath;
  /** Called just before a failover sends some pool's new requests elsewhere or back (any pool's: the offered rates of devices change), so the flow is brought up to that moment. */
  rerouting?(): void;
}

/**
 * A network path crossed by a flow of attempts (flow level): over a step the network passes
 * a share of the attempts and delays the ones it passes by a random time.
 */
export interface FlowPath {
  /** The pool's catch-up: the network calls it before its state changes and before its metrics are read. */
  attach(sync: () => void): void;
  /** `attempts` (expected count) set out over [t0, t1): returns the share that reaches the service (0 while it is cut off) and records the network's own counts. */
  step(t0: number, t1: number, attempts: number): number;
  /** The network time of the attempts the last `step` passed. */
  readonly delay: NetworkDelay;
  /** Appends the times in (a, b) where the offered rate of a device on the path may change (the load profiles' breaks), where steps must break. */
  breaks(a: number, b: number, out: number[]): void;
}

/**
 * A distribution of network time (s) as weighted points: strata of probability, each
 * represented by its middle quantile (narrow in the tail, so that tail probabilities keep
 * their relative accuracy). The same object is returned while the network's state is the same.
 */
export interface NetworkDelay {
  /** Unique per distribution (a cache key). */
  readonly id: number;
  /** The exact mean. */
  readonly mean: number;
  readonly points: Float64Array;
  /** Probabilities of the points (summing to 1). */
  readonly weights: Float64Array;
}
