/**
 * Service-level agreements and cost: per-service availability and latency objectives,
 * per-priority response and resolution targets, penalties and revenue. Owned by
 * the SLA model (runtime.ts here). Default incident targets: the university IT example (ask.slu.edu
 * KB 273); see docs/operations.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, Fraction } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

export const LatencyObjective = Type.Object(
  {
    threshold: Duration({ exclusiveMinimum: true, description: 'Response-time threshold, e.g. "2s".' }),
    target: Fraction({ description: 'Share of requests that must finish within the threshold, e.g. "99%".' }),
  },
  { additionalProperties: false, description: 'A latency objective: e.g. 99 % of requests under 2 s.' },
);

export const ServiceSla = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the SLA; metrics are sla.<name>.*.' }),
    service: Type.String({ minLength: 1, description: 'Service the SLA covers.' }),
    availabilityTarget: Fraction({ description: 'Share of time per SLA period (default a month) the service must meet its latency objective, e.g. "99.9%"; sets the error budget.' }),
    period: Defaulted(Duration({ exclusiveMinimum: true, description: 'SLA period the availability target is judged over (default a month); sets the error budget.' }), '30d'),
    restOfPeriod: Defaulted(Type.Union([Type.Literal('like-horizon'), Type.Literal('met')], { description: 'When the horizon is shorter than the period: "like-horizon" (the default) pro-rates the budget to the horizon; "met" assumes the rest of the period meets the objective, so the horizon\'s downtime is charged against the whole period\'s budget (a one-off incident).' }), 'like-horizon'),
    latency: Type.Optional(LatencyObjective),
    window: Defaulted(Duration({ exclusiveMinimum: true, description: 'Evaluation window: each window in which the objective is missed counts as downtime.' }), '5m'),
    penaltyPerBreach: Defaulted(Type.Number({ minimum: 0, description: 'Penalty per breach episode (a run of consecutive bad windows).' }), 0),
    penaltyPerBreachMinute: Defaulted(Type.Number({ minimum: 0, description: 'Penalty per minute of breach.' }), 0),
    revenuePerTransaction: Defaulted(Type.Number({ minimum: 0, description: 'Revenue carried by one transaction (request), for revenue at risk.' }), 0),
    delayedLossFraction: Defaulted(Fraction({ description: 'Share of the revenue of a delayed (slower than the threshold) transaction that is at risk (default: an assumption); failed transactions count in full.' }), 0.1),
  },
  { additionalProperties: false, description: 'An SLA on one service.' },
);
export type ServiceSlaSpec = Static<typeof ServiceSla>;

const Target = (p: string) =>
  Type.Object(
    {
      response: Duration({ description: `Time from detection to an operator picking up a ${p} incident.` }),
      resolution: Duration({ description: `Time from detection to a ${p} incident being resolved.` }),
      responsePenalty: Defaulted(Type.Number({ minimum: 0, description: `Penalty per ${p} response breach.` }), 0),
      resolutionPenalty: Defaulted(Type.Number({ minimum: 0, description: `Penalty per ${p} resolution breach.` }), 0),
    },
    { additionalProperties: false, description: `Response and resolution targets of ${p} incidents.` },
  );

export const IncidentTargets = Type.Object(
  {
    P1: Type.Optional(Target('P1')),
    P2: Type.Optional(Target('P2')),
    P3: Type.Optional(Target('P3')),
    P4: Type.Optional(Target('P4')),
  },
  { additionalProperties: false, description: 'Per-priority targets; defaults P1 15m/2h, P2 30m/4h, P3 4h/3d, P4 1d/5d (ask.slu.edu KB 273).' },
);
export type IncidentTargetsSpec = Static<typeof IncidentTargets>;

export const SlaSection = Type.Object(
  {
    services: Type.Optional(Type.Array(ServiceSla, { description: 'Per-service SLAs.' })),
    incidentTargets: Type.Optional(IncidentTargets),
  },
  { additionalProperties: false, description: 'Service-level agreements and the cost of missing them.' },
);
export type SlaSpec = Static<typeof SlaSection>;

export const SlaFields = {
  sla: Type.Optional(SlaSection),
};
