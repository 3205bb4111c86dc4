/**
 * The world of one replication: the engine, the scenario, and the handles through which the
 * models see each other. Infrastructure models (load, services, failures, power, cooling)
 * publish handles here; operations models (monitoring, incidents, staffing, sla) read them.
 * Coupling goes through these narrow interfaces and the problem board, never through a
 * model's internals.
 */
import type { RandomStreams, Simulation } from '../../engine/index.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { IncidentRecord } from '../../results/format.js';
import type { Recorder } from './recorder.js';
import type { ProblemBoard } from './problems.js';

/** What operations models may observe and do to a service. */
export interface ServiceHandle {
  readonly name: string;
  /**
   * Makes the recent* queries cover windows up to `seconds` (at most 1 h): call at build
   * time for every window you will query; a longer query throws.
   */
  reserveWindow(seconds: number): void;
  /** Response-time q-quantile (seconds) of requests finished in the last `window` seconds; NaN if none. */
  recentLatencyQuantile(q: number, window: number): number;
  /** Fraction of requests that failed or timed out among those finished in the last `window` seconds. */
  recentErrorRate(window: number): number;
  /** Requests finished per second over the last `window` seconds. */
  recentThroughput(window: number): number;
  /** Servers able to serve now (up, not drained, not shut down). */
  serversAvailable(): number;
  /** True when, for some time of positive length after `from` up to now, no server could serve, or the network cut the service off (what an SLA window asks). */
  hadNoServerSince(from: number): boolean;
  /** Takes `count` servers out of service (maintenance); returns the function that puts them back. */
  takeOffline(count: number, reason: string): () => void;
  /**
   * Running totals since the end of warm-up: requests finished, failed (timed out, rejected,
   * lost with a failed server) and finished slower than the service's latency objective
   * threshold (0 when it declares none). SLA and cost models derive delayed/failed
   * transactions from these.
   */
  totals(): { finished: number; failed: number; slow: number };
  /**
   * Registers a latency threshold (seconds) whose slow successes the service then counts;
   * returns its id for `slowerThan`. Call at build time (before the run); registering the
   * same threshold twice returns the same id.
   */
  trackThreshold(seconds: number): number;
  /** Successes slower than the tracked threshold `id` finished since the end of warm-up. */
  slowerThan(id: number): number;
  /**
   * Running totals since the end of warm-up of the requests a site's failover diverted here from
   * `origin` (every origin when null): finished, failed, and successes slower than tracked
   * threshold `id` (−1: 0). Part of totals(); all 0 at a service nothing was diverted to.
   */
  divertedTotals(origin: ServiceHandle | null, id: number): { finished: number; failed: number; slow: number };
  /** The service each request calls after its local work (its `downstream`), null if none; a request succeeds only when its call does. */
  readonly downstream: ServiceHandle | null;
  /** The service's latency objective, if the scenario declares one. */
  readonly latencyObjective: { threshold: number; target: number } | null;
}

/** What operations models may observe about a room. */
export interface RoomHandle {
  readonly name: string;
  /** Air temperature now (°C). */
  temperature(): number;
}

/** The world of one replication. */
export interface World {
  readonly sim: Simulation;
  readonly scenario: Scenario;
  readonly streams: RandomStreams;
  /** End of the replication (seconds). */
  readonly horizon: number;
  readonly recorder: Recorder;
  readonly problems: ProblemBoard;
  readonly services: Map<string, ServiceHandle>;
  readonly rooms: Map<string, RoomHandle>;
  /** Incident records, filled by the incidents model (empty without one). */
  readonly incidents: IncidentRecord[];
}

