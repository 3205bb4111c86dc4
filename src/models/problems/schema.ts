/**
 * Problem management: recurring incidents with a common cause are linked to a problem; after
 * a threshold the problem is opened and a team analyses its root cause (a known error with a
 * workaround), then a permanent fix, possibly delivered as a change, ends the recurrence. The
 * problem model's fields (runtime.ts builds them).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Fraction } from '../../scenario/units.js';
import { dist } from '../incidents/schema.js';

export const ProblemCause = Type.Object(
  {
    class: Type.Optional(Type.String({ minLength: 1, description: 'Failure class whose failures are the recurrences (incidents about its "<class>-failure" problems), e.g. "disk"; a permanent fix ends these failures.' })),
    service: Type.Optional(Type.String({ minLength: 1, description: 'Only incidents about this service count (default any).' })),
    incidentType: Type.Optional(Type.String({ minLength: 1, description: 'Only incidents of this type count (default any).' })),
  },
  { additionalProperties: false, description: 'The common cause: which incidents are recurrences of this problem (give `class` or `incidentType`; every field given must match).' },
);
export type ProblemCauseSpec = Static<typeof ProblemCause>;

export const PermanentFix = Type.Object(
  {
    after: Type.Optional(dist('Time from the known error until the fix is ready (development, vendor; default 0).')),
    change: Type.Optional(Type.String({ minLength: 1, description: 'Change type (in `changes.types`) that delivers the fix: it goes through the change calendar, and the fix is in place once a change of that type is implemented without failing (a failed one is requested again at once).' })),
  },
  { additionalProperties: false, description: 'The permanent fix that ends the recurrence (default none: only the workaround).' },
);

export const ProblemSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the problem, e.g. "flaky-disks".' }),
    cause: ProblemCause,
    threshold: Type.Optional(Type.Integer({ 'x-knob': true, minimum: 1, description: 'Recurrences (incidents of the cause) after which the problem is opened (default 3).', default: 3 })),
    team: Type.String({ minLength: 1, description: 'Team whose operator does the root-cause analysis (queued after incidents, like scheduled work).' }),
    analysis: Type.Optional(dist('Operator time of the root-cause analysis, from starting work to the known error (default 4h).')),
    workaround: Type.Optional(Fraction({ description: 'Share of the usual work (diagnosis and fix) a recurring incident needs once the known error and its workaround are documented (default 0.5; 1: no workaround).', default: 0.5 })),
    permanentFix: Type.Optional(PermanentFix),
  },
  { additionalProperties: false, description: 'A problem: recurring incidents with a common cause, analysed and fixed.' },
);
export type ProblemSpecT = Static<typeof ProblemSpec>;

export const ProblemsFields = {
  problems: Type.Optional(Type.Array(ProblemSpec, { description: 'Problem management: recurring causes, their root-cause analysis, workaround and permanent fix.' })),
};
