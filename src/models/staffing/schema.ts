/**
 * Staffing: teams of operators and the rosters that put them on shift. Owned by
 * the staffing model (runtime.ts here). Shift patterns and shrinkage figures behind the defaults are in
 * docs/operations.md (NANOG / snapschedule NOC patterns; turnella / pyworkforce shrinkage).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, Fraction } from '../../scenario/units.js';

/** Largest headcount of a team or shift. */
const MAX_HEADCOUNT = 10_000;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A day of the week, as written in rosters. */
const weekday = (description: string) => Type.Union(WEEKDAYS.map((d) => Type.Literal(d)), { description });
export const Weekday = weekday('A day of the week: mon, tue, wed, thu, fri, sat or sun.');
export type WeekdaySpec = Static<typeof Weekday>;

const HeadcountByDay = Type.Object(
  {
    mon: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on mon.' })),
    tue: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on tue.' })),
    wed: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on wed.' })),
    thu: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on thu.' })),
    fri: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on fri.' })),
    sat: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on sat.' })),
    sun: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_HEADCOUNT, description: 'Headcount on shifts starting on sun.' })),
  },
  { additionalProperties: false, description: 'Headcount overrides for particular start days, e.g. { sat: 1, sun: 1 }.' },
);

export const Shift = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the shift, e.g. "day", "night", "apac".' }),
    start: Duration({ maximum: 86400, description: 'Local time of day the shift starts, as a duration from midnight, e.g. "7h" or "22h30m".' }),
    length: Duration({ exclusiveMinimum: true, maximum: 86400, description: 'How long the shift lasts, e.g. "8h" or "12h"; it may run past midnight.' }),
    headcount: Type.Integer({ 'x-knob': true, minimum: 0, maximum: MAX_HEADCOUNT, description: 'Operators rostered on this shift (before shrinkage).' }),
    days: Type.Optional(Type.Array(Weekday, { uniqueItems: true, description: 'Weekdays on which the shift starts (default every day).' })),
    headcountByDay: Type.Optional(HeadcountByDay),
    onCall: Type.Optional(Type.Boolean({ description: 'True when the shift is on call (at home, paged when needed) rather than on site. Default false.' })),
    responseLatency: Type.Optional(Duration({ description: 'On-call only: time from being paged to starting work (default 15m).' })),
    utcOffsetHours: Type.Optional(Type.Number({ minimum: -12, maximum: 14, description: 'Time zone of the site working this shift, in hours from UTC (follow-the-sun rosters). Default: the team\'s.' })),
  },
  { additionalProperties: false, description: 'One shift of a roster, repeated every day (or on the listed weekdays).' },
);
export type ShiftSpec = Static<typeof Shift>;

export const Roster = Type.Object(
  {
    utcOffsetHours: Type.Optional(Type.Number({ minimum: -12, maximum: 14, description: 'Time zone of the shift times, in hours from UTC (default 0: simulated time 0 is midnight UTC).' })),
    startDay: Type.Optional(weekday('Weekday of simulated time 0 in the roster\'s time zone (default mon).')),
    shifts: Type.Array(Shift, { minItems: 1, description: 'The shifts; overlapping shifts add their headcounts.' }),
  },
  { additionalProperties: false, description: 'A shift table that sets how many operators of a team are on duty at each moment.' },
);
export type RosterSpec = Static<typeof Roster>;

export const Team = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the team, e.g. "ops-control-l1" or "facilities".' }),
    description: Type.Optional(Type.String({ description: 'What the team does, for reports.' })),
    tier: Type.Optional(Type.String({ minLength: 1, description: 'Support tier the team works at: "L1", "L2", "L3", "vendor", "facilities", "service-desk"... (default "L1"). Incident types route by tier.' })),
    skills: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Skills of the team, e.g. ["network", "linux"]; an incident type needing a skill goes to a team at its tier that has it (empty: any skill).' })),
    headcount: Type.Optional(Type.Integer({ 'x-knob': true, minimum: 0, maximum: MAX_HEADCOUNT, description: 'Constant headcount around the clock; use instead of a roster for a simple 24×7 team.' })),
    roster: Type.Optional(Roster),
    shrinkage: Type.Optional(Fraction({ description: 'Share of rostered operators not available (sickness, leave, training, meetings); default 0. Typical total about 30 % (turnella, pyworkforce).' })),
    shrinkageMode: Type.Optional(
      Type.Union([Type.Literal('floor'), Type.Literal('thinning')], {
        description: '"floor" (default): effective headcount = ⌊headcount × (1 − shrinkage)⌋, the same every shift; "thinning": each rostered operator turns up with probability 1 − shrinkage, drawn per shift.',
      }),
    ),
    costPerHour: Type.Optional(Type.Number({ minimum: 0, description: 'Cost of one rostered operator-hour on site (default 50, the PagerDuty 2021 effort figure).' })),
    onCallPayFraction: Type.Optional(Fraction({ description: 'Share of the hourly cost paid for an on-call hour while not working (default 0.25, an assumption).' })),
  },
  { additionalProperties: false, description: 'A team of operators: one pool of people whose size the roster sets over time.' },
);
export type TeamSpec = Static<typeof Team>;

export const StaffingFields = {
  teams: Type.Optional(Type.Array(Team, { description: 'Teams of operators (Operations Control tiers, Facilities Management, service desk...).' })),
};
