/**
 * Incident management, request fulfilment and scheduled work: the work that competes for
 * operators. The incidents model's fields. Priority matrix after vanpeltconsulting.nl /
 * itsalto.com (impact × urgency → P1–P4); see docs/operations.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, Fraction, Rate } from '../../scenario/units.js';
import { DurationDist } from '../../scenario/schema/distribution.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

/** Queue priority of service requests and scheduled work unless they give one: after every incident (P1–P4 are 1–4). */
export const DEFAULT_WORK_PRIORITY = 5;

/** A random-duration field with its own description. */
export const dist = (description: string) => Type.Union([...DurationDist.anyOf], { description: `${description} A plain duration or { dist: ... }.` });

const lit = <T extends string>(values: readonly T[], description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });

/** Impact levels, widest first. */
export const IMPACTS = ['extensive', 'significant', 'moderate', 'minor'] as const;
/** Urgency levels, most urgent first. */
export const URGENCIES = ['critical', 'high', 'medium', 'low'] as const;
/** ITIL priorities. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export const Impact = lit(IMPACTS, 'How widely the incident hurts the business: extensive, significant, moderate or minor.');
export const Urgency = lit(URGENCIES, 'How fast the business needs it fixed: critical, high, medium or low.');
export type ImpactSpec = Static<typeof Impact>;
export type UrgencySpec = Static<typeof Urgency>;
const Priority = lit(PRIORITIES, 'Incident priority P1 (highest) to P4.');

const MatrixRow = (impact: string) =>
  Type.Object(
    {
      critical: Type.Optional(lit(PRIORITIES, `Priority of ${impact} impact, critical urgency.`)),
      high: Type.Optional(lit(PRIORITIES, `Priority of ${impact} impact, high urgency.`)),
      medium: Type.Optional(lit(PRIORITIES, `Priority of ${impact} impact, medium urgency.`)),
      low: Type.Optional(lit(PRIORITIES, `Priority of ${impact} impact, low urgency.`)),
    },
    { additionalProperties: false, description: `Priorities for ${impact} impact by urgency.` },
  );

export const PriorityMatrix = Type.Object(
  {
    extensive: Type.Optional(MatrixRow('extensive')),
    significant: Type.Optional(MatrixRow('significant')),
    moderate: Type.Optional(MatrixRow('moderate')),
    minor: Type.Optional(MatrixRow('minor')),
  },
  { additionalProperties: false, description: 'Impact × urgency → priority; cells left out keep the default matrix (docs/operations.md).' },
);
export type PriorityMatrixSpec = Static<typeof PriorityMatrix>;

export const TierStep = Type.Object(
  {
    tier: Type.String({ minLength: 1, description: 'Tier that handles this step: a team tier such as "L1", "L2", "L3", "vendor" or "facilities".' }),
    diagnosis: Defaulted(dist('Time this tier takes to diagnose the incident.'), '10m'),
    fix: Defaulted(dist('Time this tier takes to fix it once diagnosed.'), '20m'),
    resolveProbability: Defaulted(Fraction({ description: 'Chance that this tier can fix the incident once diagnosed; otherwise it escalates after diagnosis.' }), 1),
    escalateAfter: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Escalation time-out: if not fixed this long after reaching the tier (waiting included), it goes to the next tier. Ignored on the last tier.' })),
  },
  { additionalProperties: false, description: 'One tier on an incident type\'s escalation path: its diagnosis and fix times.' },
);
export type TierStepSpec = Static<typeof TierStep>;

export const IncidentType = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the incident type, e.g. "lb-misconfiguration".' }),
    problemKinds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Problem kinds (from the infrastructure models) that raise this type, e.g. ["lb-misweight"].' })),
    impact: Type.Optional(Impact),
    urgency: Type.Optional(Urgency),
    skill: Type.Optional(Type.String({ minLength: 1, description: 'Skill needed; routes to a team at each tier that has it.' })),
    path: Type.Array(TierStep, { minItems: 1, description: 'Escalation path, first tier first, e.g. L1 → L2 → L3 or vendor.' }),
  },
  { additionalProperties: false, description: 'A kind of incident: what raises it, how urgent it is and who fixes it how fast.' },
);
export type IncidentTypeSpec = Static<typeof IncidentType>;

export const ServiceRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the request class, e.g. "password-reset" or "calls".' }),
    team: Type.String({ minLength: 1, description: 'Team that fulfils the requests.' }),
    rate: Rate({ maximum: 10_000, description: 'Arrival rate (Poisson), e.g. "100/30m" (at most 10,000/s).' }),
    handleTime: dist('Time an operator spends on one request, e.g. { dist: exponential, mean: 180s }.'),
    answerTarget: Type.Optional(Duration({ description: 'Service-level threshold on the wait before an operator picks the request up (e.g. "20s"); gives requests.<name>.service_level.' })),
    serviceLevelTarget: Type.Optional(
      Fraction({
        description:
          'Service-level target with `answerTarget` (the "80" of "80/20"): the share of calls the period must answer within the answer target, as a fraction or percentage (e.g. 80%). Gives requests.<name>.service_level_met, a 0/1 verdict per replication that the decision report shows as P(met) and ranks on. Default: no target.',
      }),
    ),
    priority: Defaulted(Type.Integer({ minimum: 1, maximum: 9, description: 'Queue priority among operator work (incidents P1–P4 are 1–4; the default comes after every incident).' }), DEFAULT_WORK_PRIORITY),
    patience: Type.Optional(
      dist(
        'How long a caller waits for an answer before hanging up (an exponential patience makes the desk Erlang A, M/M/c+M); drawn for every call from its own stream. Gives requests.<name>.abandoned and .abandoned_fraction; abandoned calls count as misses of the service level. Default: callers never hang up.',
      ),
    ),
    queueCapacity: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        description:
          'Calls of this class that can wait at once (trunk lines beyond the agents): a call that finds no free agent and this many of its class already waiting is blocked (busy signal) and lost; 0 is a pure loss system (Erlang B, M/M/c/c), n is M/M/c/(c + n). Gives requests.<name>.blocked and .blocked_fraction; blocked calls count as misses of the service level. Default: no limit.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Request fulfilment (access requests, calls to a service desk): work for operators that is not an incident.' },
);
export type ServiceRequestSpec = Static<typeof ServiceRequest>;

export const ScheduledWork = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the job, e.g. "nightly-backup" or "patching".' }),
    team: Type.String({ minLength: 1, description: 'Team whose operators do it.' }),
    at: Duration({ description: 'Time of the first occurrence from the start of the run, e.g. "2h".' }),
    every: Type.Optional(Duration({ minimum: 60, description: 'Repeat period, e.g. "1d" (default: once; at least 1m).' })),
    duration: dist('How long the work occupies the operator (and keeps servers offline).'),
    service: Type.Optional(Type.String({ minLength: 1, description: 'Service whose servers go offline during the work (maintenance window).' })),
    serversOffline: Defaulted(Type.Integer({ minimum: 0, description: 'Servers of `service` taken offline while the work runs.' }), 0),
    deadline: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Skip an occurrence not started this long after it was due (default: never skip).' })),
    priority: Defaulted(Type.Integer({ minimum: 1, maximum: 9, description: 'Queue priority among operator work (incidents P1–P4 are 1–4; the default comes after every incident).' }), DEFAULT_WORK_PRIORITY),
  },
  { additionalProperties: false, description: 'Planned work (backups, patching, maintenance windows) that needs an operator and may take capacity offline.' },
);
export type ScheduledWorkSpec = Static<typeof ScheduledWork>;

const Share = (p: string) => Type.Optional(Fraction({ description: `Share of the reported incidents that are ${p}.` }));

export const PriorityMix = Type.Object(
  { P1: Share('P1'), P2: Share('P2'), P3: Share('P3'), P4: Share('P4') },
  { additionalProperties: false, description: 'Shares of the priorities P1–P4 among reported incidents (they must sum to 1; priorities left out have share 0).' },
);
export type PriorityMixSpec = Static<typeof PriorityMix>;

export const ReportedIncidents = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the stream, e.g. "user-calls"; its incidents carry the cause "reported:<name>".' }),
    rate: Rate({ maximum: 10_000, description: 'Base arrival rate of user-reported incidents (Poisson), e.g. "6/h" (at most 10,000/s).' }),
    daily: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 10_000 }), { minItems: 24, maxItems: 24, description: 'Hour-of-day multipliers of the rate (24 values, hour 0 first, from time 0 = midnight), like a load class\'s `daily`.' })),
    weekly: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 10_000 }), { minItems: 7, maxItems: 7, description: 'Day-of-week multipliers of the rate (7 values, Monday first), like a load class\'s `weekly`.' })),
    type: Type.Optional(Type.String({ minLength: 1, description: 'Incident type that works them all, whatever their priority (its escalation path and times; default: incidents.defaultType, else the only type; with several types and no defaultType it must be set).' })),
    priorities: Type.Optional(PriorityMix),
  },
  {
    additionalProperties: false,
    description:
      'A stream of incidents reported by users (calls, e-mails, portal tickets) rather than raised by monitoring: Poisson arrivals at a rate with optional daily and weekly shapes, a priority mix (default: the type\'s impact × urgency), worked by the incident desk alongside monitoring-raised incidents. Each stream draws its arrivals, priorities and work from streams of its own.',
  },
);
export type ReportedIncidentsSpec = Static<typeof ReportedIncidents>;

export const IncidentsSection = Type.Object(
  {
    priorityMatrix: Type.Optional(PriorityMatrix),
    types: Type.Optional(Type.Array(IncidentType, { description: 'Incident types.' })),
    defaultType: Type.Optional(Type.String({ minLength: 1, description: 'Type used for a problem or alert that names none and matches no type\'s problemKinds (default: the first type).' })),
    reported: Type.Optional(Type.Array(ReportedIncidents, { description: 'Incidents reported by users, as arrival streams with a priority mix (default: none; only monitoring raises incidents).' })),
  },
  { additionalProperties: false, description: 'Incident management: priorities, incident types and escalation.' },
);
export type IncidentsSpec = Static<typeof IncidentsSection>;

export const IncidentsFields = {
  incidents: Type.Optional(IncidentsSection),
  requests: Type.Optional(Type.Array(ServiceRequest, { description: 'Service-request classes competing for operators.' })),
  scheduledWork: Type.Optional(Type.Array(ScheduledWork, { description: 'Scheduled work competing for operators.' })),
};

export { Priority as PrioritySchema };
