/** Fields that say what a scenario is and how long to simulate it. */
import { Type } from '@sinclair/typebox';
import { Duration } from '../units.js';

/** Longest horizon: 100 years (failure studies over decades fit; a million years does not). */
export const MAX_HORIZON = 100 * 365.25 * 86400;
/** Largest event budget a scenario may ask for: 10 billion events, hours of CPU. */
export const MAX_EVENTS_LIMIT = 10_000_000_000;

export const MetaFields = {
  name: Type.String({ minLength: 1, description: 'Short name of the scenario, used in reports and the API.' }),
  description: Type.Optional(Type.String({ description: 'The question this scenario answers, in a sentence or two.' })),
  extends: Type.Optional(Type.String({ description: 'Path of a base scenario (relative to this file) whose fields this file overrides.' })),
  seed: Type.Optional(
    Type.Union([Type.Integer(), Type.String({ minLength: 1, pattern: '^[^|]*$' })], {
      description: "Master seed; with the replication index and stream name it determines every random draw. Default 1. A text seed may not contain '|', the separator of the derived stream seeds.",
    }),
  ),
  currency: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 8,
      pattern: '^\\S+$',
      description: 'Currency of every money figure (prices, costs, penalties, revenue at risk), e.g. "EUR" or "$": written with them in the CLI summary, report.html and the dashboard, and into results.json (`currency`); a symbol (any currency sign, e.g. "$", "£", "€", "US$", or text without a letter) before the amount ("$49.34 k"), a code of letters after it ("341.1 k EUR"); without it money figures are plain numbers. Default none.',
    }),
  ),
  horizon: Duration({ exclusiveMinimum: true, maximum: MAX_HORIZON, description: 'Simulated time span of one replication, e.g. "1d" (at most 100 years).' }),
  warmup: Type.Optional(Duration({ description: 'Initial period whose statistics are discarded (default 0).' })),
  interval: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Width of the time-series intervals in results (default 15m).' })),
  maxEvents: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_EVENTS_LIMIT,
      description:
        'Most events one replication may execute (default 500 million, a few minutes of CPU; at most 10 billion). A scenario whose expected arrivals alone need more is refused when it is loaded. Past it the replication fails, reported with its seed, instead of running for hours, e.g. after a rate typed per second instead of per hour.',
    }),
  ),
};
