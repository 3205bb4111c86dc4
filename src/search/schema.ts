/**
 * The `search:` section of a scenario: what `opsim search` may change (decision variables),
 * what must hold (constraints, each a mean constraint or a chance constraint), what it costs
 * (a known price per unit of each variable), at what confidence, within what budget. Read by
 * src/search/; models never see it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Fraction } from '../scenario/units.js';

const Range = Type.Object(
  {
    from: Type.Integer({ description: 'Smallest value tried.' }),
    to: Type.Integer({ description: 'Largest value tried.' }),
    step: Type.Optional(Type.Integer({ minimum: 1, description: 'Step between values (default 1).' })),
  },
  { additionalProperties: false, description: 'Integers from `from` to `to` in steps of `step` (headcounts, servers, CRAC units).' },
);

export const SearchVariable = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Scenario field path the search sets, as in `--set`, e.g. "teams.ops-l1.roster.shifts.night.headcount" or "services.inventory.servers".' }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Short label for reports (default: the path).' })),
    range: Type.Optional(Range),
    values: Type.Optional(
      Type.Array(Type.Unknown(), {
        minItems: 1,
        description: 'The values tried, cheapest first (e.g. alert thresholds); written as at that path, units included. Use instead of `range`.',
      }),
    ),
    price: Type.Optional(
      Type.Number({
        minimum: 0,
        description:
          'Cost of one unit of this variable (range variables). Defaults are over the measured period (after the warm-up), as the cost metrics charge: for a team headcount, costPerHour × hours on duty (an on-call shift: × the team\'s onCallPayFraction); for a service\'s servers: its costPerHour × hours, per server; for a recovery plan\'s `standing` or `mode`, or its standby\'s servers: each standing standby server at the plan\'s costPerHour and each other at its reserveCostPerHour, per hour (a cost per value, not per unit, the plan\'s variables priced together at each candidate\'s values; the bring-up during a disaster is random, in cost.recovery); otherwise 0 (a network device\'s capacity too: its costPerHour is per device). A price given here wins. With `values`, the list order is the cost order.',
      }),
    ),
  },
  { additionalProperties: false, description: 'One decision variable: a field path and the values the search may give it.' },
);
export type SearchVariableSpec = Static<typeof SearchVariable>;

/** A value in the constrained metric's unit: a number, or text with a unit ("5m", "80%") that the search converts to that unit (validate.ts). */
const InMetricUnit = (description: string) => Type.Union([Type.Number(), Type.String({ minLength: 1 })], { description });
const Bound = {
  atLeast: Type.Optional(InMetricUnit('Feasible when the quantity is at least this, in the metric\'s unit or with a unit of its kind ("5m", "80%").')),
  atMost: Type.Optional(InMetricUnit('Feasible when the quantity is at most this, in the metric\'s unit or with a unit of its kind ("5m", "80%").')),
};

export const MeanConstraint = Type.Object(
  {
    kind: Type.Literal('mean', { description: 'A mean constraint: the expected value of a metric over a period is bounded.' }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Label for reports (default: the metric).' })),
    metric: Type.String({ minLength: 1, description: 'Metric whose mean is bounded, e.g. "requests.calls.service_level" or "sla.inventory.attainment".' }),
    ...Bound,
    tolerance: InMetricUnit('Indifference zone ε (> 0) in the metric\'s unit or with a unit of its kind ("30s", "2%"): a mean within ε of the bound may be judged either way.'),
  },
  { additionalProperties: false, description: 'Mean constraint, certified with the fully sequential check of Batur & Kim (2010).' },
);

export const ChanceConstraint = Type.Object(
  {
    kind: Type.Literal('chance', { description: 'A chance constraint: the probability that a period meets a verdict is bounded below.' }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Label for reports (default: the SLA or metric).' })),
    sla: Type.Optional(Type.String({ minLength: 1, description: 'SLA whose period verdict counts (the metric sla.<name>.met).' })),
    metric: Type.Optional(Type.String({ minLength: 1, description: 'Instead of `sla`: a metric whose per-period value must satisfy `atLeast`/`atMost` (or a 0/1 verdict metric without a bound).' })),
    ...Bound,
    probability: Fraction({ description: 'Required probability p0 that a period meets it, e.g. "95%".' }),
    tolerance: Fraction({ exclusiveMinimum: true, description: 'Indifference zone δ around p0, e.g. "5%"; p0 ± δ must lie strictly between 0 and 1.' }),
  },
  { additionalProperties: false, description: 'Chance constraint, certified with Wald\'s sequential probability ratio test.' },
);

export const SearchSpec = Type.Object(
  {
    variables: Type.Array(SearchVariable, { minItems: 1, description: 'Decision variables; the policy space is their cartesian product.' }),
    constraints: Type.Array(Type.Union([MeanConstraint, ChanceConstraint]), { minItems: 1, description: 'What every acceptable policy must meet.' }),
    objective: Type.Optional(
      Type.Union([Type.Literal('known'), Type.Literal('expected')], {
        default: 'known',
        description:
          '"known": the cost from the variables\' prices, rosters and costPerHour, no replication needed (the cheapest feasible policy wins). "expected": that cost plus the mean of `randomCost` per period (penalties), a random objective; the policy with the lowest expected total cost among the certified-feasible candidates is selected with KN (Kim & Nelson 2001).',
      }),
    ),
    randomCost: Type.Optional(
      Type.String({
        minLength: 1,
        default: 'cost.penalties',
        description: 'With `objective: expected`: the metric whose mean per period is added to the known cost (default "cost.penalties": SLA and incident-target penalties). Not "cost.total", which already holds the staffing cost and the servers\' and network\'s costs.',
      }),
    ),
    costTolerance: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'With `objective: expected` (required there): the selection\'s indifference zone δ in currency; a policy whose expected total cost is within δ of the best may be chosen.' }),
    ),
    confidence: Type.Optional(Fraction({ minimum: 0.5, maximum: 0.9999, description: 'Confidence 1 − α that every feasibility decision is right together (default 95%).' })),
    initialReplications: Type.Optional(Type.Integer({ minimum: 2, description: 'First-stage replications n0 of each candidate (default 10).' })),
    batch: Type.Optional(Type.Integer({ minimum: 1, description: 'Replications added per round to each undecided candidate (default 5).' })),
    maxReplications: Type.Optional(Type.Integer({ minimum: 2, description: 'Most replications any one candidate gets (default 200).' })),
    budget: Type.Integer({ minimum: 1, description: 'Most replications the whole search may simulate (reused stored ones are free).' }),
  },
  { additionalProperties: false, description: 'Policy search: the cheapest setting of the variables that meets every constraint, certified at the stated confidence (`opsim search`).' },
);
export type SearchSpecValue = Static<typeof SearchSpec>;

/** The scenario fields this module adds (composed into the scenario schema). */
export const SearchFields = {
  search: Type.Optional(SearchSpec),
};
