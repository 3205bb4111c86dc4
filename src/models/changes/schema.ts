/**
 * Change management: change types with a failure probability and the fault a failed change
 * causes, changes on a schedule or as a rate, change windows and a freeze calendar. The
 * change model's fields (runtime.ts builds them).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, Fraction, Rate } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';
import { dist } from '../incidents/schema.js';
import { DrainFault, HealthCheckFault, MisweightFault } from '../services/schema.js';

/** The balancer faults' own fields; when they happen is the change's business, not the fault's. */
const TIMING = ['at', 'every', 'autoRevertAfter', 'incidentType'] as const;

export const BadConfigFault = Type.Object(
  {
    kind: Type.Literal('bad-config'),
    servers: Type.Optional(Type.Integer({ minimum: 1, description: 'Servers of the service (the first ones) that stop serving under the bad configuration (default all of them).' })),
  },
  { additionalProperties: false, description: 'A bad configuration on the service: its servers fail until the configuration is rolled back or fixed.' },
);

export const ChangeFault = Type.Union(
  [
    Type.Omit(MisweightFault, TIMING, { description: 'The load balancer gets wrong weights (give `weights` or `share`).' }),
    Type.Omit(DrainFault, TIMING, { description: 'A backend is drained from the load balancer by mistake.' }),
    Type.Omit(HealthCheckFault, TIMING, { description: 'The load balancer\'s health check is broken.' }),
    BadConfigFault,
  ],
  { description: 'The fault a failed change of this type causes: a balancer misweight, a drained backend, a broken health check (the service needs a load balancer), or a bad configuration on the service.' },
);
export type ChangeFaultSpec = Static<typeof ChangeFault>;

export const ChangeType = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the change type, e.g. "lb-config" or "app-release".' }),
    service: Type.String({ minLength: 1, description: 'Service the change is made to.' }),
    failureProbability: Fraction({ description: 'Chance that a change of this type fails and causes its fault, e.g. "5%".' }),
    fault: ChangeFault,
    rate: Defaulted(Rate({ description: 'Changes of this type requested at random (Poisson), e.g. "3/d" (0: only the `schedule` requests them).' }), 0),
    rollback: Defaulted(dist('Time from the failure\'s detection (monitoring opens its incident) until the implementer has rolled the change back.'), '15m'),
    rollbackProbability: Defaulted(Fraction({ description: 'Chance the implementer rolls a failed change back once it is detected; otherwise only the incident path fixes it.' }), 1),
    incidentType: Type.Optional(Type.String({ minLength: 1, description: 'Incident type raised for the fault (default: the type listing the fault\'s problem kind, else monitoring decides).' })),
  },
  { additionalProperties: false, description: 'A kind of change: where it is made, how likely it fails and what its failure breaks.' },
);
export type ChangeTypeSpec = Static<typeof ChangeType>;

export const ScheduledChange = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'Change type (a name in `changes.types`).' }),
    at: Duration({ description: 'When the change is requested; it is implemented then, or at the first moment after that is inside a change window and outside every freeze.' }),
  },
  { additionalProperties: false, description: 'One planned change.' },
);

export const DailyWindow = Type.Object(
  {
    start: Duration({ maximum: 86400, description: 'Time of day it opens, as a duration from midnight of simulated time (e.g. "22h").' }),
    length: Duration({ exclusiveMinimum: true, maximum: 86400, description: 'How long it stays open, e.g. "4h"; it may run past midnight.' }),
  },
  { additionalProperties: false, description: 'A period repeated every day.' },
);
export type DailyWindowSpec = Static<typeof DailyWindow>;

export const FreezePeriod = Type.Object(
  {
    from: Duration({ description: 'Start of the freeze in simulated time, e.g. "3d".' }),
    to: Duration({ description: 'End of the freeze in simulated time, e.g. "7d" (after `from`).' }),
  },
  { additionalProperties: false, description: 'A freeze over one stretch of simulated time (a peak season).' },
);
export type FreezePeriodSpec = Static<typeof FreezePeriod>;

export const ChangesSection = Type.Object(
  {
    types: Type.Array(ChangeType, { minItems: 1, description: 'The change types.' }),
    schedule: Type.Optional(Type.Array(ScheduledChange, { description: 'Planned changes, each at its time.' })),
    windows: Type.Optional(Type.Array(DailyWindow, { description: 'Daily change windows: changes are implemented only inside one (default: at any time).' })),
    freeze: Type.Optional(
      Type.Array(Type.Union([DailyWindow, FreezePeriod], { description: 'A freeze: daily hours ({ start, length }, e.g. the peak shopping hours) or a stretch of time ({ from, to }, e.g. peak season).' }), {
        description: 'The freeze calendar: a change falling in a freeze is deferred to its end (default none).',
      }),
    ),
    enabled: Defaulted(Type.Boolean({ description: 'False switches change management off, so a policy variant can switch it on.' }), true),
  },
  { additionalProperties: false, description: 'Change management: changes, their windows and freezes, and the faults failed changes cause.' },
);
export type ChangesSpec = Static<typeof ChangesSection>;

export const ChangesFields = {
  changes: Type.Optional(ChangesSection),
};
