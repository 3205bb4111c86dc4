/** Services: a load balancer in front of a pool of servers. The services model's fields. */
import { Type, type Static } from '@sinclair/typebox';
import { DurationDist } from '../../scenario/schema/distribution.js';
import { Duration, Fraction, Power } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

/** The shared random-duration schema with a field-specific description (the title keeps it linked in the reference). */
const randomDuration = (description: string): typeof DurationDist => ({ ...DurationDist, description });

const FaultTiming = {
  at: Type.Optional(Duration({ description: 'Inject the fault once at this time.' })),
  every: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Inject the fault at random, with exponential times between faults of this mean (e.g. "30d").' })),
  autoRevertAfter: Type.Optional(Duration({ exclusiveMinimum: true, description: 'The fault undoes itself after this long if nobody has fixed it (default: never).' })),
  incidentType: Type.Optional(Type.String({ description: 'Incident type the operations model raises for it (default: monitoring decides).' })),
};

export const BackendShare = Type.Object(
  {
    backend: Type.Integer({ minimum: 0, description: 'Backend (server) index, 0-based.' }),
    share: Fraction({ description: 'Share of traffic this backend receives; the rest is split evenly among the others.' }),
  },
  { additionalProperties: false, description: 'One backend receiving a fixed share of the traffic.' },
);

export const MisweightFault = Type.Object(
  {
    kind: Type.Literal('misweight'),
    weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, description: 'The wrong weights, one per backend, e.g. [70, 10, 10, 10]; entries past the pool\'s size are ignored (so a variant may shrink the pool), fewer are an error.' })),
    share: Type.Optional(BackendShare),
    ...FaultTiming,
  },
  { additionalProperties: false, description: 'The load balancer is given wrong weights (give `weights` or `share`).' },
);

export const DrainFault = Type.Object(
  {
    kind: Type.Literal('drain'),
    backend: Type.Optional(Type.Integer({ minimum: 0, description: 'Backend drained by mistake (default: one chosen at random).' })),
    ...FaultTiming,
  },
  { additionalProperties: false, description: 'A backend is taken out of rotation by mistake.' },
);

export const HealthCheckFault = Type.Object(
  {
    kind: Type.Literal('health-check-broken'),
    mode: Defaulted(
      Type.Union([Type.Literal('marks-down'), Type.Literal('stale')], {
        description: '"marks-down": healthy backends are reported down, all but `keep` leave rotation; "stale": the health view freezes, so dead backends stay in and repaired ones stay out.',
      }),
      'marks-down',
    ),
    keep: Defaulted(Type.Integer({ minimum: 0, description: 'With "marks-down": backends still reported up (1: all traffic lands on one server).' }), 1),
    ...FaultTiming,
  },
  { additionalProperties: false, description: 'The health check is broken (wrong path, wrong port, stuck).' },
);

export const BalancerFault = Type.Union([MisweightFault, DrainFault, HealthCheckFault], { description: 'A load-balancer fault to inject.' });
export type BalancerFaultSpec = Static<typeof BalancerFault>;

export const Balancer = Type.Object(
  {
    policy: Type.Union([Type.Literal('round-robin'), Type.Literal('weighted'), Type.Literal('least-connections'), Type.Literal('random')], {
      description: 'Dispatch policy: round-robin and weighted use smooth weighted round-robin; random draws a backend with probability proportional to its weight; least-connections picks the fewest (active + queued) per unit weight.',
    }),
    weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, description: 'Weight of each backend (default all 1).' })),
    healthCheck: Defaulted(
      Type.Object(
        { interval: Defaulted(Duration({ exclusiveMinimum: true, description: 'Time between health checks; a dead backend leaves rotation at the next check.' }), '10s') },
        { additionalProperties: false, description: 'Periodic health checks of the backends (every balancer has them).' },
      ),
      {},
    ),
    standby: Defaulted(Type.Boolean({ description: 'An active/standby pair of load balancers (false: a single one).' }), false),
    failoverSuccess: Defaulted(Fraction({ description: 'Probability that failover to the standby works (default: Potharaju & Jain, IMC 2013, failover fails in about 33 % of cases).' }), 0.67),
    failoverTime: Defaulted(Duration({ description: 'Interruption while the standby takes over.' }), '5s'),
    faults: Type.Optional(Type.Array(BalancerFault, { description: 'Faults to inject.' })),
  },
  { additionalProperties: false, description: 'A load balancer with one queue per backend (each server is a backend).' },
);
export type BalancerSpec = Static<typeof Balancer>;

export const LatencyObjective = Type.Object(
  {
    threshold: Duration({ exclusiveMinimum: true, description: 'Response-time threshold, e.g. "200ms".' }),
    target: Fraction({ description: 'Fraction of requests that must finish under the threshold, e.g. "99%".' }),
    window: Defaulted(Duration({ exclusiveMinimum: true, description: 'Length of the windows judged for availability.latency.' }), '5m'),
  },
  { additionalProperties: false, description: 'A latency objective: `target` of requests under `threshold`.' },
);

/** How a service's requests are simulated (docs/fidelity.md): "request" (every request an event) or "flow" (queues evaluated between changes). */
const fidelity = (description: string, dflt?: 'request') =>
  Type.Union([Type.Literal('request'), Type.Literal('flow')], dflt === undefined ? { description } : { description, default: dflt });

export const Service = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the service, e.g. "inventory".' }),
    servers: Type.Integer({ 'x-knob': true, minimum: 1, maximum: 100_000, description: 'Number of servers in the pool (at most 100,000).' }),
    concurrency: Defaulted(Type.Integer({ 'x-knob': true, minimum: 1, maximum: 10_000, description: 'Requests one server works on at once (at most 10,000).' }), 1),
    serviceTime: randomDuration('Work one request needs on a server of speed 1, e.g. { dist: exponential, mean: 1s } or "200ms".'),
    speed: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1, description: 'Speed factor of each server (service time is divided by it; missing entries are 1).' })),
    balancer: Type.Optional(
      Type.Union([Type.Literal('none'), Balancer], { description: '"none" (default): one shared FIFO or priority queue feeds every server; or a load balancer with per-backend queues.' }),
    ),
    downstream: Type.Optional(Type.String({ minLength: 1, description: 'Service each request calls after its local work (e.g. a database tier); response time includes the call.' })),
    queueCapacity: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        description:
          'Requests that can wait at once (in the shared queue, or at each backend behind a balancer); an attempt that finds no free server and the queue full is blocked and fails at once (it may be retried): 0 is a loss system (Erlang B, M/M/c/c), n is M/M/c/(c + n). Gives service.<service>.blocked_fraction and .wait_probability. Default: no limit.',
      }),
    ),
    timeout: Type.Optional(Duration({ exclusiveMinimum: true, description: 'A request not answered within this time (including downstream) fails (default: no timeout).' })),
    retries: Defaulted(Type.Integer({ minimum: 0, maximum: 10, description: 'Retries after a failure or timeout.' }), 0),
    retryBackoff: Type.Optional(randomDuration('Wait before each retry (default none).')),
    room: Type.Optional(Type.String({ minLength: 1, description: 'Room the servers stand in (thermal throttling and shutdown, power).' })),
    power: Defaulted(
      Type.Object(
        {
          peak: Power({ description: 'Power of one server at full load.' }),
          idle: Type.Optional(Power({ description: 'Power of one idle server (default 50 % of peak; Fan, Weber & Barroso, ISCA 2007).' })),
        },
        { additionalProperties: false, description: 'Server power: P(u) = idle + (peak − idle)·u (the default peak is a [U] placeholder for a typical 1U/2U server).' },
      ),
      { peak: '400W' },
    ),
    minServers: Type.Optional(Type.Integer({ minimum: 0, description: 'Servers needed for full service (N of an N+1 pool); reported as availability.servers.' })),
    costPerHour: Defaulted(
      Type.Number({
        minimum: 0,
        description:
          'What one server of the pool costs per hour of the measured period (e.g. its purchase, hosting and support per year ÷ 8,760, or a cloud on-demand price). Every server in the pool is paid, whether up, failed, in repair, taken offline or a recovery site\'s standby server not yet brought up: a planner pays for the servers owned. Summed into cost.servers and cost.total.',
      }),
      0,
    ),
    latencyObjective: Type.Optional(LatencyObjective),
    fidelity: Type.Optional(fidelity('How this service is simulated: "request" (every request an event) or "flow" (each backend a queue evaluated between changes; docs/fidelity.md). Default: the scenario\'s `fidelity`.')),
  },
  { additionalProperties: false, description: 'A pool of servers, optionally behind a load balancer.' },
);
export type ServiceSpec = Static<typeof Service>;

export const ServiceFields = {
  services: Type.Optional(Type.Array(Service, { description: 'Services (pools of servers) that requests visit.' })),
  fidelity: Type.Optional(fidelity('Fidelity of every service that gives none: "request" (every request an event) or "flow" (each backend a queue evaluated between changes: stationary M/G/c while stable, a fluid backlog when overloaded; months in a second; where it agrees with request level: docs/fidelity.md).', 'request')),
};
