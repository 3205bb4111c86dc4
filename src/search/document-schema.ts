/**
 * The JSON Schema of the search document (search.json, format "opsim-search/3"), for
 * consumers that validate what they read; docs/search.md explains each field.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { SEARCH_FORMAT } from './document.js';

const Decision = Type.Union([Type.Literal('feasible'), Type.Literal('infeasible'), Type.Literal('undecided')]);
const Sense = Type.Union([Type.Literal('atMost'), Type.Literal('atLeast')]);
const Kind = Type.Union([Type.Literal('mean'), Type.Literal('chance')]);
/** NaN is written as null. */
const Num = Type.Union([Type.Number(), Type.Null()]);
const Settings = Type.Record(Type.String(), Type.Unknown());

const ConstraintVerdict = Type.Object({
  constraint: Type.String(),
  kind: Kind,
  metric: Type.String(),
  decision: Decision,
  n: Type.Integer({ minimum: 0 }),
  estimate: Num,
  ci95: Type.Tuple([Num, Num]),
  bound: Type.Number(),
  sense: Sense,
});

const Candidate = Type.Object({
  name: Type.String(),
  settings: Settings,
  cost: Type.Number(),
  role: Type.Union([Type.Literal('warm-start'), Type.Literal('probe'), Type.Literal('neighbour')]),
  decision: Decision,
  replications: Type.Integer({ minimum: 0 }),
  constraints: Type.Array(ConstraintVerdict),
  impliedBy: Type.Optional(Type.String({ description: 'Decided by monotonicity, not tested at that level: the tested candidate that implies the decision (no constraint verdicts; replications 0 unless a probe had tested it before, then what that probe read).' })),
  level: Type.Union([Type.Literal('certificate'), Type.Literal('probe')], { description: 'The error the decision was made at: the certificate\'s β, or the looser β_probe of a descent probe that only steered.' }),
  undecidedReason: Type.Optional(
    Type.Union([Type.Literal('not-started'), Type.Literal('budget'), Type.Literal('cap'), Type.Literal('interrupted')], {
      description: 'Why a tested candidate is undecided: not-started (the budget could not pay for its first n0 replications; no replications, no statement), budget (the budget ran out before a decision), cap (it reached maxReplications), interrupted (the search was stopped while it was tested).',
    }),
  ),
  reserve: Type.Optional(
    Type.Object(
      { left: Type.Integer({ minimum: 0 }), kept: Type.Integer({ minimum: 0 }), for: Type.String() },
      { description: 'Only on a candidate not started because of the budget\'s reserve (the budget left would have paid its first n0): `left` replications the budget had, `kept` of them kept for the certificate of `for` (the cheapest point decided feasible at β).' },
    ),
  ),
});

/** The search document's schema. */
export const SearchDocumentSchema: TSchema = Type.Object(
  {
    format: Type.Literal(SEARCH_FORMAT),
    opsimVersion: Type.String(),
    scenario: Type.Object({ name: Type.String(), file: Type.Union([Type.String(), Type.Null()]), hash: Type.String() }),
    seed: Type.String(),
    currency: Type.Optional(Type.String({ description: "The scenario's `currency` (e.g. \"EUR\"), written with every money figure of the summary and the report; absent when the scenario sets none (since 2026-12-01, without a format change)." })),
    status: Type.Union([Type.Literal('certified'), Type.Literal('feasible'), Type.Literal('no-feasible-point')]),
    interrupted: Type.Optional(Type.Literal(true, { description: 'The search was stopped (Ctrl-C, a cancelled API search) before it ended: the document holds what was decided by then.' })),
    summary: Type.String(),
    answer: Type.Union([Type.Object({ candidate: Type.String(), settings: Settings, cost: Type.Number(), decision: Decision }), Type.Null()]),
    cheaperNeighbours: Type.Array(Type.Object({ candidate: Type.String(), cost: Type.Number(), decision: Decision, missed: Type.Array(Type.String()) })),
    misses: Type.Optional(Type.Array(Type.String())),
    candidates: Type.Array(Candidate),
    answerWarnings: Type.Optional(Type.Array(Type.String(), { description: 'The warnings of the answer\'s policy as opsim validate and run say them ("field path: message"): a team or service offered at least the work it can do, a flow outside its validated region. Absent when there is none.' })),
    costNotes: Type.Optional(Type.Array(Type.String(), { description: 'How the known cost of a variable was found, for each variable whose known cost leaves a part of its cost to the simulation (a recovery plan\'s bring-up during a disaster, in cost.recovery): "label: note". Absent when there is none.' })),
    selection: Type.Optional(
      Type.Object({
        procedure: Type.String(),
        metric: Type.String(),
        alpha: Type.Number(),
        delta: Type.Number(),
        initialReplications: Type.Integer({ minimum: 2 }),
        eta: Type.Number(),
        h2: Type.Number(),
        decision: Type.Union([Type.Literal('selected'), Type.Literal('undecided')]),
        best: Type.Union([Type.String(), Type.Null()]),
        systems: Type.Array(
          Type.Object({
            candidate: Type.String(),
            knownCost: Type.Number(),
            n: Type.Integer({ minimum: 0 }),
            expectedCost: Num,
            ci95: Type.Tuple([Num, Num]),
            eliminatedAt: Type.Union([Type.Integer(), Type.Null()]),
            eliminatedBy: Type.Union([Type.String(), Type.Null()]),
          }),
        ),
        notCompared: Type.Optional(Type.Array(Type.String(), { description: 'Candidates certified feasible but not compared: the budget could not pay for their first n0 replications.' })),
      }),
    ),
    procedure: Type.Object({
      confidence: Type.Number(),
      alpha: Type.Number(),
      objective: Type.Union([Type.Literal('known'), Type.Literal('expected')]),
      alphaFeasibility: Type.Number(),
      candidatesCovered: Type.Integer({ minimum: 1 }),
      constraints: Type.Integer({ minimum: 1 }),
      beta: Type.Number(),
      probeBeta: Type.Number({ description: 'Error per (probe, constraint) of the descent\'s probes; equal to beta with one level.' }),
      rounds: Type.Integer({ minimum: 0, description: 'Descents run: more than 1 when a decision at β overturned a probe\'s; a descent that only replays the previous one is not counted.' }),
      mean: Type.String(),
      chance: Type.String(),
      commonRandomNumbers: Type.Literal(true),
      initialReplications: Type.Integer({ minimum: 2 }),
      batch: Type.Integer({ minimum: 1 }),
      maxReplications: Type.Integer({ minimum: 2 }),
      budget: Type.Integer({ minimum: 1 }),
      descent: Type.Union([Type.Literal('bisection'), Type.Literal('coordinate bisection')]),
      implication: Type.String(),
      constraintSpecs: Type.Array(
        Type.Object({
          name: Type.String(),
          kind: Kind,
          metric: Type.String(),
          bound: Type.Number(),
          sense: Sense,
          tolerance: Type.Number(),
          label: Type.Optional(Type.String({ description: 'The label of the metric in the scenario\'s catalog (for a chance constraint on a bound, of the bounded metric); absent without one.' })),
          unit: Type.Optional(Type.String({ description: 'The unit of the metric (as label); absent without a spec.' })),
        }),
      ),
    }),
    warmStart: Type.Array(Type.Object({ variable: Type.String(), analytic: Type.Union([Type.Number(), Type.Null()]), start: Type.Unknown(), method: Type.String() })),
    replications: Type.Object({
      simulated: Type.Integer({ minimum: 0 }),
      reused: Type.Integer({ minimum: 0 }),
      used: Type.Integer({ minimum: 0 }),
      grid: Type.Object({ points: Type.Integer({ minimum: 1 }), atLeast: Type.Integer({ minimum: 0 }) }),
    }),
  },
  { $id: 'https://opsim.dev/schema/search.json', title: 'opsim search document', additionalProperties: false },
);
