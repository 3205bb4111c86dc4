/**
 * The JSON Schema of results.json (format opsim-results/1), published as
 * docs/results.schema.json and printed by `opsim schema --results`, for readers in other
 * languages (notebooks, spreadsheets' importers, CI scripts). It mirrors src/results/format.ts;
 * a test validates the results.json of every shipped scenario against it (objects are closed,
 * so a field added to the document but not here fails) and keeps the published file current.
 * Statistics that do not exist are null (NaN and Infinity are written as null).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { CHART_IDS, SLA_ROLES } from './metrics.js';

const Num = Type.Union([Type.Number(), Type.Null()], { description: 'A number, or null when it does not exist (NaN, Infinity).' });
const Interval = Type.Tuple([Num, Num], { description: '[lower, upper]; nulls when there is no interval.' });
const Closed = { additionalProperties: false } as const;
const Priority = Type.Union([Type.Literal('P1'), Type.Literal('P2'), Type.Literal('P3'), Type.Literal('P4')]);
const Unit = Type.Union(
  ['seconds', 'minutes', 'hours', 'fraction', 'count', 'per_second', 'watts', 'kilowatts', 'kWh', 'celsius', 'currency', 'clock_seconds'].map((u) => Type.Literal(u)),
);
const Better = Type.Union([Type.Literal('lower'), Type.Literal('higher'), Type.Literal('neutral')]);
const Range = Type.Object({ lo: Type.Optional(Type.Number()), hi: Type.Optional(Type.Number()) }, Closed);
const Rows = Type.Array(Type.Array(Num));

const MetricSummary = Type.Object(
  {
    n: Type.Integer({ minimum: 0, description: 'Replications with a finite value.' }),
    mean: Num,
    sd: Num,
    ci95: Interval,
    method: Type.Optional(Type.Union([Type.Literal('t'), Type.Literal('wilson'), Type.Literal('bootstrap'), Type.Literal('t-clipped')], { description: 'How ci95 was formed.' })),
    min: Num,
    max: Num,
    p05: Num,
    p50: Num,
    p95: Num,
  },
  { ...Closed, description: 'One metric across replications.' },
);

const Incident = Type.Object(
  {
    id: Type.Integer(),
    type: Type.String(),
    cause: Type.String(),
    priority: Priority,
    raisedAt: Type.Number(),
    detectedAt: Type.Number(),
    acknowledgedAt: Num,
    resolvedAt: Num,
    resolvedBy: Type.Union([Type.String(), Type.Null()]),
    responseBreached: Type.Boolean(),
    resolutionBreached: Type.Boolean(),
  },
  Closed,
);

const Series = Type.Object(
  { intervalSeconds: Type.Number(), columns: Type.Array(Type.String()), mean: Rows, lo: Rows, hi: Rows },
  { ...Closed, description: 'Per-interval mean and 95 % band of every column; columns[0] is t (s).' },
);

const SlaProbability = Type.Object({ metric: Type.String(), met: Type.Integer(), n: Type.Integer(), p: Type.Number(), ci95: Interval }, Closed);

const Variant = Type.Object(
  {
    name: Type.String(),
    overrides: Type.Record(Type.String(), Type.Unknown()),
    replications: Type.Integer(),
    metrics: Type.Record(Type.String(), MetricSummary),
    series: Type.Union([Series, Type.Null()]),
    sampleIncidents: Type.Array(Incident),
    slaProbabilities: Type.Optional(Type.Array(SlaProbability)),
    perReplication: Type.Optional(Type.Object({ replications: Type.Array(Type.Integer()), metrics: Type.Record(Type.String(), Type.Array(Num)) }, Closed)),
  },
  Closed,
);

const ChartId = Type.Union(
  CHART_IDS.map((c) => Type.Literal(c)),
  { description: 'The report chart the metric or column is drawn on.' },
);
const SlaRole = Type.Union(
  SLA_ROLES.map((r) => Type.Literal(r)),
  { description: 'The metric\'s role in the verdict of the SLA its <sla> label names.' },
);
const MetricSpec = Type.Object(
  { name: Type.String(), label: Type.Optional(Type.String({ description: 'Short planner-facing name, a template with the labels of `name` (absent: show the name).' })), unit: Unit, better: Better, flag: Type.Optional(Type.Boolean()), range: Type.Optional(Range), key: Type.Optional(Type.Number()), chart: Type.Optional(ChartId), sla: Type.Optional(SlaRole), doc: Type.String() },
  Closed,
);
const ColumnSpec = Type.Object(
  {
    name: Type.String(),
    unit: Unit,
    better: Better,
    range: Type.Optional(Range),
    bands: Type.Optional(Type.Array(Type.Object({ lo: Type.Number(), hi: Type.Number(), label: Type.String() }, Closed))),
    chart: Type.Optional(ChartId),
    legend: Type.Optional(Type.String()),
    sampled: Type.Optional(Type.Literal('at-end', { description: "The level at the interval's end (t + interval); absent: a summary over [t, t + interval)." })),
    doc: Type.String(),
  },
  Closed,
);

const SlaBasis = Type.Object(
  {
    name: Type.String(),
    service: Type.String(),
    target: Type.Number(),
    periodSeconds: Type.Number(),
    observedSeconds: Type.Number(),
    basis: Type.Union([Type.Literal('whole-horizon'), Type.Literal('pro-rated'), Type.Literal('rest-of-period-met')]),
    budgetMinutes: Type.Number(),
    statement: Type.String(),
    latency: Type.Optional(Type.Object({ threshold: Type.Number(), target: Type.Number() }, Closed)),
  },
  { ...Closed, description: 'How an SLA verdict was formed (docs/results-format.md, "SLA verdicts").' },
);

const Warning = Type.Object(
  {
    kind: Type.Union(['small-n', 'never-observed', 'never-occurred', 'clipped', 'imprecise'].map((k) => Type.Literal(k))),
    variant: Type.Optional(Type.String()),
    metric: Type.Optional(Type.String()),
    message: Type.String(),
  },
  Closed,
);

const ScenarioWarning = Type.Object(
  {
    file: Type.Union([Type.String(), Type.Null()]),
    line: Type.Union([Type.Integer(), Type.Null()]),
    column: Type.Union([Type.Integer(), Type.Null()]),
    path: Type.String(),
    message: Type.String(),
  },
  Closed,
);

const Precision = Type.Object(
  {
    target: Type.Number(),
    met: Type.Boolean(),
    achieved: Type.Array(Type.Object({ variant: Type.String(), metric: Type.String(), n: Type.Integer(), relativeHalfWidth: Num, replicationsNeeded: Type.Union([Type.Integer(), Type.Null()]) }, Closed)),
  },
  Closed,
);

const ResultsDocument: TSchema = Type.Object(
  {
    format: Type.Literal('opsim-results/1'),
    opsimVersion: Type.String(),
    scenario: Type.Object({ name: Type.String(), file: Type.Union([Type.String(), Type.Null()]), hash: Type.String() }, Closed),
    seed: Type.String(),
    horizonSeconds: Type.Number(),
    warmupSeconds: Type.Number(),
    complete: Type.Boolean(),
    variants: Type.Array(Variant),
    comparisons: Type.Array(Type.Object({ metric: Type.String(), variant: Type.String(), reference: Type.String(), meanDifference: Num, ci95: Interval, n: Type.Integer() }, Closed)),
    failures: Type.Array(Type.Object({ variant: Type.String(), replication: Type.Integer(), seed: Type.String(), error: Type.String() }, Closed)),
    overrides: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    reference: Type.Optional(Type.String()),
    replicationsRequested: Type.Optional(Type.Integer()),
    only: Type.Optional(Type.Array(Type.Object({ variant: Type.String(), replication: Type.Integer() }, Closed))),
    ranking: Type.Optional(
      Type.Object(
        {
          metric: Type.String(),
          direction: Type.Union([Type.Literal('lower'), Type.Literal('higher')]),
          order: Type.Array(Type.Object({ variant: Type.String(), mean: Num, ci95: Interval, rank: Type.Integer() }, Closed)),
        },
        Closed,
      ),
    ),
    decisionOrder: Type.Optional(
      Type.Object(
        {
          by: Type.Union([Type.Literal('verdict'), Type.Literal('ranking')], { description: 'verdict: the worst P(met) band came first; ranking: no variant was judged, the order is ranking\'s.' }),
          judged: Type.Array(Type.Object({ name: Type.String(), metric: Type.String() }, Closed), { description: 'The SLAs and service-level targets judged, with their 0/1 verdict metrics.' }),
          order: Type.Array(
            Type.Object(
              {
                variant: Type.String(),
                rank: Type.Union([Type.Integer(), Type.Null()]),
                band: Type.Union([Type.Literal('high'), Type.Literal('middle'), Type.Literal('low'), Type.Null()]),
              },
              Closed,
            ),
            { description: 'Every variant, best first: its rank among the ranked ones, its worst P(met) band (high ≥ 0.90, low ≤ 0.50; null when judged on none).' },
          ),
        },
        { ...Closed, description: 'The decision order of report.html, the CLI summary and the dashboard (docs/experiments.md, "Ranking").' },
      ),
    ),
    warmupDetection: Type.Optional(
      Type.Object(
        { method: Type.Literal('mser5'), column: Type.String(), variant: Type.String(), pilotReplications: Type.Integer(), intervals: Type.Integer(), seconds: Type.Number(), reliable: Type.Boolean() },
        Closed,
      ),
    ),
    stopping: Type.Optional(
      Type.Object(
        {
          metric: Type.String(),
          halfWidth: Type.Number(),
          relative: Type.Boolean(),
          maxReplications: Type.Integer(),
          replications: Type.Integer(),
          met: Type.Boolean(),
          achieved: Type.Record(Type.String(), Num),
        },
        Closed,
      ),
    ),
    interrupted: Type.Optional(Type.Boolean()),
    precision: Type.Optional(Precision),
    warnings: Type.Optional(Type.Array(Warning)),
    scenarioWarnings: Type.Optional(Type.Array(ScenarioWarning)),
    currency: Type.Optional(Type.String({ minLength: 1 })),
    slas: Type.Optional(Type.Array(SlaBasis)),
    metrics: Type.Optional(Type.Record(Type.String(), MetricSpec)),
    columns: Type.Optional(Type.Record(Type.String(), ColumnSpec)),
  },
  { ...Closed, title: 'opsim results.json', description: 'What `opsim run`, the server and `opsim merge` write (format opsim-results/1); see docs/results-format.md.' },
);

/** The JSON Schema of results.json (draft-07, like the scenario schema; no TypeBox symbols). */
export function resultsJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(ResultsDocument)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...plain };
}

/** The text of docs/results.schema.json. */
export function resultsSchemaText(): string {
  return JSON.stringify(resultsJsonSchema(), null, 2) + '\n';
}
