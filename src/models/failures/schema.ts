/**
 * Failures and repairs per component class, correlated groups and spare parts. Owned by
 * the failures model (runtime.ts here).
 */
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { DurationDist } from '../../scenario/schema/distribution.js';
import { Duration, Fraction } from '../../scenario/units.js';

/** The shared random-duration schema with a field-specific description. */
const randomDuration = (description: string): typeof DurationDist => ({ ...DurationDist, description });

/** A component class a model offers as failure targets, with what its instances are (for the schema's doc). */
export interface FailureClassInfo {
  readonly name: string;
  readonly doc: string;
}

/** The classes the failures model serves itself: correlated groups of servers (`groups`). */
export const GROUP_FAILURE_CLASSES: readonly FailureClassInfo[] = [
  { name: 'pdu', doc: 'a group in failures.groups' },
  { name: 'rack', doc: 'a group in failures.groups' },
  { name: 'switch', doc: 'a group in failures.groups' },
];

/**
 * The `class` field: one of the classes the catalog's models offer. Each model that offers
 * failure targets declares its classes next to its schema, and the schema composition
 * (src/scenario/schema/index.ts) hands the list here, so a new model adds classes without
 * touching this file.
 */
function componentClass(classes: readonly FailureClassInfo[]): TUnion<TLiteral<string>[]> {
  const docs = new Map<string, string[]>();
  for (const c of classes) docs.set(c.name, [...(docs.get(c.name) ?? []), c.doc]);
  return Type.Union(
    [...docs.keys()].map((n) => Type.Literal(n)),
    { description: `Component class: ${[...docs].map(([n, d]) => `${n} (${d.join(', or ')})`).join('; ')}.` },
  );
}

export const ScriptedFailure = Type.Object(
  {
    at: Duration({ description: 'When the targets fail, e.g. "17h45m" (simulated time from the start).' }),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Which of the entry\'s targets fail: a target id ("web/3", "web/3/disk-0", "web/lb", "hall-a/crac-1", a group or network device name) or the part of ids before a "/" ("web": all of web\'s targets); default every target of the entry.',
      }),
    ),
    duration: Type.Optional(Duration({ exclusiveMinimum: true, description: 'When given, the targets come back by themselves after this long; otherwise they are repaired as the entry says (its repairTime, or by the operators).' })),
  },
  { additionalProperties: false, description: 'A failure injected at a given time (a target already down is left as it is).' },
);
export type ScriptedFailureSpec = Static<typeof ScriptedFailure>;

/** One `failures.classes` entry, its `class` one of `classes`. */
function failureClass(cls: TUnion<TLiteral<string>[]>) {
  return Type.Object(
    {
      name: Type.Optional(
        Type.String({ minLength: 1, description: 'Name of the entry, unique among the classes, so that variants and --set address it as failures.classes.<name>.… (e.g. failures.classes.server-faults.afr).' }),
      ),
      class: cls,
      afr: Type.Optional(Fraction({ maximum: 1000, description: 'Annual failure rate: failures per component-year of operation, e.g. "2%" (Backblaze definition). Exponential times to failure.' })),
      mtbf: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Mean time between failures, e.g. "100000h" (exponential times to failure).' })),
      timeToFailure: Type.Optional(randomDuration('Time from repair (or start) to the next failure, e.g. { dist: weibull, shape: 0.7, scale: 50000h }.')),
      repairTime: Type.Optional(randomDuration('Repair or replacement time (default lognormal, mean 6h, sd 6h; Schroeder & Gibson, DSN 2006: repair times are lognormal).')),
      repair: Type.Optional(
        Type.Union([Type.Literal('auto'), Type.Literal('operators')], {
          description: '"auto" (default): repaired after the repair time; "operators": stays broken until the operations model resolves its problem.',
        }),
      ),
      services: Type.Optional(Type.Array(Type.String(), { description: 'Services whose servers (or load balancers) this applies to (default all).' })),
      rooms: Type.Optional(Type.Array(Type.String(), { description: 'Rooms whose CRAC units this applies to (default all).' })),
      perServer: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'Components of this class in each server (disks, power supplies; default 1).' })),
      needed: Type.Optional(Type.Integer({ minimum: 0, maximum: 64, description: 'How many of the perServer components the server needs to run (default all; e.g. 1 of 2 power supplies, 0 for disks behind RAID that only degrade).' })),
      spares: Type.Optional(
        Type.Object(
          {
            stock: Type.Integer({ 'x-knob': true, minimum: 0, maximum: 1_000_000, description: 'Spare parts on the shelf at the start.' }),
            leadTime: Duration({ description: 'Delivery time of a replacement ordered when a spare is used.' }),
          },
          { additionalProperties: false, description: 'Spare parts that repairs draw from (one per repair; each use reorders one).' },
        ),
      ),
      incidentType: Type.Optional(Type.String({ description: 'Incident type the operations model raises for these failures.' })),
      scripted: Type.Optional(Type.Array(ScriptedFailure, { description: 'Failures injected at given times, besides (or instead of) the random ones.' })),
    },
    { additionalProperties: false, description: 'Failure and repair behaviour of one component class. Give one of afr, mtbf or timeToFailure for random failures, or scripted failures, or both.' },
  );
}
export type FailureClassSpec = Static<ReturnType<typeof failureClass>>;
/** A component class name (one the catalog's models offer). */
export type ComponentClassName = FailureClassSpec['class'];

export const FailureGroup = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the group, e.g. "pdu-a1" or "rack-07".' }),
    class: Type.Union([Type.Literal('pdu'), Type.Literal('rack'), Type.Literal('switch')], { description: 'Class whose failure parameters apply.' }),
    members: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Servers taken down together: "web" (all of a service), "web/3" or "web/0-9" (by index).',
    }),
  },
  { additionalProperties: false, description: 'A correlated group: its failure takes every member down.' },
);
export type FailureGroupSpec = Static<typeof FailureGroup>;

/** The scenario fields of the failures model, given the classes the catalog's models offer (besides the groups'). */
export function failuresFields(offered: readonly FailureClassInfo[]) {
  return {
    failures: Type.Optional(
      Type.Object(
        {
          classes: Type.Optional(Type.Array(failureClass(componentClass([...offered, ...GROUP_FAILURE_CLASSES])), { description: 'Failure behaviour per component class.' })),
          groups: Type.Optional(Type.Array(FailureGroup, { description: 'Correlated groups (PDUs, racks, top-of-rack switches).' })),
        },
        { additionalProperties: false, description: 'Hardware failures, repairs and spare parts.' },
      ),
    ),
  };
}

/** The top-level fields the failures model owns. */
export const FAILURES_FIELD_NAMES = Object.keys(failuresFields([]));
