/**
 * What the services model measures (`service.<service>.*` and the per-service series). A
 * *request* is one arrival at the service: from a load class, or a call from an upstream
 * service. Retries are attempts of the same request. A request *finishes* once: it succeeds, or
 * it fails after its last attempt.
 */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

const TIME = { lo: 0 } as const;
const COUNT = { lo: 0 } as const;
const SHARE = { lo: 0, hi: 1 } as const;

export const SERVICE_METRICS = {
  requests: { name: 'service.<service>.requests', unit: 'count', better: 'neutral', range: COUNT, doc: 'Requests that arrived.' },
  throughput: { name: 'service.<service>.throughput', unit: 'per_second', better: 'higher', range: { lo: 0 }, doc: 'Successful requests per second over the measured period.' },
  rtMean: { name: 'service.<service>.response_time.mean', label: '<service> mean response time', unit: 'seconds', better: 'lower', range: TIME, key: 12, doc: "Mean response time of successful requests: from the request's first arrival (so retries and backoff are included) to the end of its local work plus its downstream call." },
  rtP50: { name: 'service.<service>.response_time.p50', unit: 'seconds', better: 'lower', range: TIME, doc: 'Median response time of successful requests, from a log-bucket histogram (128 buckets per octave, ≤ 0.4 % relative error from 1 µs to 2^32 s ≈ 136 years, beyond the longest horizon; shorter times read as about 1 µs).' },
  rtP95: { name: 'service.<service>.response_time.p95', label: '<service> p95 response time', unit: 'seconds', better: 'lower', range: TIME, key: 11, doc: '95th percentile of the response time of successful requests (same histogram).' },
  rtP99: { name: 'service.<service>.response_time.p99', unit: 'seconds', better: 'lower', range: TIME, doc: '99th percentile of the response time of successful requests (same histogram).' },
  waitMean: { name: 'service.<service>.wait.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean time in the local queue of the attempts that got a server (withdrawn attempts are not included). In balanced mode, the count-weighted mean over backends.' },
  failedFraction: { name: 'service.<service>.failed_fraction', label: '<service> failed requests', unit: 'fraction', better: 'lower', range: SHARE, key: 14, doc: 'Failed requests ÷ finished requests. A request fails when its last attempt timed out, was refused (no backend in rotation, load balancer down) or was lost with a failed or powered-off server, or its downstream call failed.' },
  blockedFraction: { name: 'service.<service>.blocked_fraction', unit: 'fraction', better: 'lower', range: SHARE, doc: 'Only with `queueCapacity`: attempts blocked because the queue was full ÷ attempts that reached the queue (blocked or admitted); Erlang B or M/M/c/K blocking in steady state. Blocked requests also count in failed_fraction.' },
  waitProbability: { name: 'service.<service>.wait_probability', unit: 'fraction', better: 'lower', range: SHARE, doc: 'Only with `queueCapacity`: share of the admitted attempts that found no free server and had to queue (Erlang C’s P(wait) for M/M/c; P(wait | admitted) for M/M/c/K).' },
  timedOut: { name: 'service.<service>.timed_out', unit: 'count', better: 'lower', range: COUNT, doc: "Attempts that hit the service's `timeout` (a request retried twice may contribute up to three)." },
  utilisation: { name: 'service.<service>.utilisation', label: '<service> utilisation', unit: 'fraction', better: 'neutral', range: SHARE, key: 13, doc: 'Busy unit-seconds ÷ available unit-seconds (unit = server × concurrency slot); available excludes failed, offline and powered-off servers.' },
  queueMean: { name: 'service.<service>.queue_length.mean', unit: 'count', better: 'lower', range: COUNT, doc: 'Time-average number of waiting requests (summed over backends).' },
  serversAvailable: { name: 'service.<service>.servers_available.mean', unit: 'count', better: 'higher', range: COUNT, doc: 'Time-average number of servers able to serve: up, not offline, not drained, room powered, load balancer up.' },
  availabilityCapacity: { name: 'service.<service>.availability.capacity', unit: 'fraction', better: 'higher', range: SHARE, doc: 'Fraction of capacity checks (one every 60 s of the measured period) at which the capacity serving the service’s load covers what is offered to it: the capacity of the available servers, Σ speed × concurrency ÷ E[service time] ÷ throttle factor, against the offered rate λ(t) of the load sent to the service (plus its callers’ demand and that of services a failover diverts to it). While a failover diverts the service’s requests to a standby, the standby’s capacity against everything offered there, so a primary and its standby read alike; 1 for a service no load reaches.' },
  availabilityServers: { name: 'service.<service>.availability.servers', unit: 'fraction', better: 'higher', range: SHARE, doc: 'Only with `minServers: N`: fraction of time with at least N servers available (the availability of an N+1 pool).' },
  latencyObjectiveMet: { name: 'service.<service>.latency_objective_met', unit: 'fraction', better: 'higher', range: SHARE, doc: 'Only with `latencyObjective`: fraction of finished requests that succeeded within `threshold` (failures count as misses).' },
  availabilityLatency: { name: 'service.<service>.availability.latency', unit: 'fraction', better: 'higher', range: SHARE, doc: 'Only with `latencyObjective`: fraction of consecutive windows of length `window` (default 5 min, from the end of warm-up) in which at least `target` of the requests finished succeeded within `threshold`; a window in which nothing finished counts as met.' },
  classRtMean: { name: 'service.<service>.class.<class>.response_time.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean response time of the successful requests of one load class.' },
  backendRtMean: { name: 'service.<service>.backend.<backend>.response_time.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'Balanced mode only: mean response time of successful requests served by backend i (0-based).' },
  cost: {
    name: 'cost.servers',
    label: 'Server cost',
    unit: 'currency',
    better: 'lower',
    range: { lo: 0 },
    doc: "What the services' servers cost over the measured period: the sum of servers × costPerHour × hours, every server of a pool paid whether up, failed, offline or a recovery site's standby (part of cost.total). Only when some service has a costPerHour above 0.",
  },
  backendShare: { name: 'service.<service>.backend.<backend>.share', unit: 'fraction', better: 'neutral', range: SHARE, doc: 'Balanced mode only: share of successful requests served by backend i.' },
} as const satisfies Record<string, MetricSpec>;

export const SERVICE_COLUMNS = {
  arrivals: { name: '<service>.arrivals', unit: 'per_second', better: 'neutral', range: { lo: 0 }, chart: 'load', doc: 'Requests that arrived in the interval, per second.' },
  rtMean: { name: '<service>.response_time.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean response time of the requests that succeeded in the interval (null if none).' },
  rtP95: { name: '<service>.response_time.p95', unit: 'seconds', better: 'lower', range: TIME, chart: 'response_time_p95', doc: 'Their 95th percentile (16 buckets per octave, ≤ 3.2 % relative error; null if none).' },
  utilisation: { name: '<service>.utilisation', unit: 'fraction', better: 'neutral', range: SHARE, chart: 'utilisation', doc: 'Busy ÷ available unit-seconds in the interval.' },
  failedFraction: { name: '<service>.failed_fraction', unit: 'fraction', better: 'lower', range: SHARE, doc: 'Failed ÷ finished requests in the interval (null if none finished).' },
} as const satisfies Record<string, ColumnSpec>;
