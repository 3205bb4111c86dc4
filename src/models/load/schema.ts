/**
 * Load: classes of requests arriving at services. Owned by the load model (runtime.ts here).
 * Time 0 of a replication is midnight at the start of a Monday in the reference time zone
 * (UTC offset 0); daily and weekly shapes, peaks and holidays are read in the local time of
 * each store group (see `stores`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, Fraction, Rate } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

/** Largest rate multiplier: beyond it a profile is a typo, and arrival thinning would spin. */
const MAX_MULTIPLIER = 10_000;
const Multiplier = (description: string) => Type.Number({ minimum: 0, maximum: MAX_MULTIPLIER, description });

export const PeakSpec = Type.Object(
  {
    start: Duration({ description: 'Start of the peak window, counted from midnight (with `every`) or from time 0 (without), e.g. "20h".' }),
    end: Duration({ description: 'End of the peak window (exclusive), same reference as `start`.' }),
    factor: Multiplier('Rate multiplier inside the window, e.g. 1.5.'),
    every: Defaulted(Duration({ description: 'Repeat period of the window (by default a day: a daily peak hour); use "0" for a one-off window.' }), '1d'),
    clock: Type.Optional(
      Type.Union([Type.Literal('local'), Type.Literal('reference')], {
        description:
          'Clock `start` and `end` are read in: "local" (default) applies the window to the stores\' local-time profile, so each store group peaks at its own local hour; "reference" applies it to the summed profile in reference time (UTC offset 0), e.g. a global 17:00–20:00 UTC peak.',
      }),
    ),
  },
  { additionalProperties: false, description: 'A peak-hour spike: the rate is multiplied by `factor` inside [start, end).' },
);

export const HolidaySpec = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Label, e.g. "black-friday".' })),
    from: Duration({ description: 'Start of the holiday, counted from time 0 (e.g. "4d" is the fifth day, a Friday).' }),
    to: Duration({ description: 'End of the holiday (exclusive), counted from time 0.' }),
    factor: Multiplier('Rate multiplier during the holiday, e.g. 1.3.'),
  },
  { additionalProperties: false, description: 'A date range during which the rate is multiplied by `factor`.' },
);

export const StoreSpec = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Label, e.g. "east".' })),
    offset: Type.Number({ minimum: -12, maximum: 14, description: 'UTC offset of the stores in hours, e.g. -5 (local time = reference time + offset); -12 to 14, like roster offsets.' }),
    share: Fraction({ description: 'Share of the class\'s load coming from these stores (the shares of a class must sum to 1).' }),
  },
  { additionalProperties: false, description: 'A group of stores in one time zone.' },
);

export const TraceSpec = Type.Object(
  {
    interval: Duration({ exclusiveMinimum: true, description: 'Width of each count interval, e.g. "5m".' }),
    counts: Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, description: 'Requests counted in each interval; the rate in interval i is counts[i] / interval.' }),
    repeat: Defaulted(Type.Boolean({ description: 'Replay the trace again from the start when it runs out; false means no arrivals after the trace.' }), true),
  },
  { additionalProperties: false, description: 'A recorded trace of request counts per interval, replayed as a piecewise-constant Poisson rate.' },
);

export const LoadClass = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the request class, e.g. "inventory-lookups".' }),
    service: Type.String({ minLength: 1, description: 'Service that receives these requests.' }),
    rate: Type.Optional(Rate({ maximum: 1e6, description: 'Base arrival rate, e.g. "9/s" or "300/h" (Poisson arrivals; at most 1,000,000/s). Required unless a trace is given.' })),
    priority: Defaulted(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Queue priority at the service (lower is served first).' }), 0),
    daily: Type.Optional(Type.Array(Multiplier('Multiplier for one hour of the day.'), { minItems: 24, maxItems: 24, description: 'Hour-of-day multipliers (24 values, hour 0 first), applied to the base rate in local time.' })),
    weekly: Type.Optional(Type.Array(Multiplier('Multiplier for one day of the week.'), { minItems: 7, maxItems: 7, description: 'Day-of-week multipliers (7 values, Monday first), applied in local time.' })),
    peaks: Type.Optional(Type.Array(PeakSpec, { description: 'Peak-hour spikes.' })),
    holidays: Type.Optional(Type.Array(HolidaySpec, { description: 'Holiday multipliers over date ranges.' })),
    stores: Type.Optional(Type.Array(StoreSpec, { minItems: 1, description: 'Stores spread over time zones: the rate is the share-weighted sum of the local-time profile shifted to each zone.' })),
    trace: Type.Optional(TraceSpec),
    traceFile: Type.Optional(Type.String({ minLength: 1, description: 'CSV file of request counts (last column of each row; a header row is skipped), a relative path resolved against the scenario file\'s directory (it must stay inside it; absolute paths are refused; at most 5 MB). It is read when the scenario is loaded and replaced by the equivalent `trace`. Needs `traceInterval`.' })),
    traceInterval: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Width of each row of `traceFile`, e.g. "5m".' })),
    scale: Defaulted(Multiplier('Factor applied to the whole profile (trace or base rate), e.g. 1.2 for 20 % growth.'), 1),
  },
  { additionalProperties: false, description: 'A class of requests with (non-homogeneous) Poisson arrivals from a rate profile or a trace.' },
);
export type LoadClassSpec = Static<typeof LoadClass>;

export const LoadFields = {
  load: Type.Optional(Type.Array(LoadClass, { description: 'Request classes and their arrival processes.' })),
};
