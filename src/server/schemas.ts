/**
 * The API's schemas, in TypeBox: each definition is at once the route schema (it validates
 * requests, shapes responses — fast serialisation drops anything undeclared, so nothing
 * internal leaks — and becomes the OpenAPI document) and, through `Static<>`, the TypeScript
 * type the route handlers see (the Fastify TypeBox type provider does that per route).
 *
 * Response schemas list only the fields a client may rely on being present as `required`;
 * the OpenAPI document they make is pinned by test/server/fixtures/openapi.json.
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { MetricCatalog } from '../results/metrics.js';
import type { SearchDocument } from '../search/index.js';

/**
 * A string of one of `values`, written as OpenAPI 3.0 reads it (`type: string` with `enum`)
 * rather than TypeBox's union of literals (`anyOf` of `const`s).
 */
function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * A value that may be null, as a JSON-Schema type list (`type: [T, "null"]`), which the
 * OpenAPI document shows as `nullable: true`; TypeBox's `Union([T, Null])` would become an
 * `anyOf` there.
 */
function Nullable<V>(type: 'string' | 'integer'): TUnsafe<V | null> {
  return Type.Unsafe<V | null>({ type: [type, 'null'] });
}
/** Any JSON object (`type: object` with `additionalProperties: true`, no `properties` list). */
function OpenObject(options: { description?: string } = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', ...options, additionalProperties: true });
}

const NullableString = (): TUnsafe<string | null> => Nullable<string>('string');
const NullableInteger = (): TUnsafe<number | null> => Nullable<number>('integer');

/** A scenario problem, as the CLI prints it. */
export const ScenarioErrorSchema = Type.Object({
  file: NullableString(),
  line: NullableInteger(),
  column: NullableInteger(),
  path: Type.String(),
  message: Type.String(),
});

/** An error answer; a missing chart also lists the charts the run has. */
export const Error = Type.Object({ error: Type.String(), charts: Type.Optional(Type.Array(Type.String())) });

/** An error answer with every scenario or request problem found. */
export const ErrorWithList = Type.Object({ error: Type.String(), errors: Type.Optional(Type.Array(ScenarioErrorSchema)) });

const OverrideValue = Type.Union([Type.Number(), Type.String({ maxLength: 200 }), Type.Boolean()]);

/** Overrides by field path: an object whose every value is an OverrideValue (OpenAPI 3.0 has no patternProperties). */
const Overrides = Type.Unsafe<Record<string, Static<typeof OverrideValue>>>({
  type: 'object',
  maxProperties: 100,
  propertyNames: { maxLength: 200 },
  additionalProperties: OverrideValue,
  description: 'Field-path overrides, e.g. {"services.inventory.servers": 12}.',
});

/** Body of POST /api/runs. */
export const RunBody = Type.Object(
  {
    scenario: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Name of a scenario in scenarios/ (with or without .yaml).' })),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000, description: 'An inline scenario in YAML or JSON.' })),
    format: Type.Optional(StringEnum(['yaml', 'json'], { description: 'Format of text (guessed when absent).' })),
    overrides: Type.Optional(Overrides),
    replications: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    variants: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: 'Run only these variants.' })),
    seed: Type.Optional(
      Type.Union([
        Type.Integer({ minimum: -9007199254740991, maximum: 9007199254740991 }),
        Type.String({ minLength: 1, maxLength: 100, pattern: '^[^|]*$' }),
      ]),
    ),
  },
  { additionalProperties: false },
);

/** The answer to a submission or a cancellation: where to follow the run. */
export const Submitted = Type.Object({ id: Type.String(), status: Type.String(), location: Type.String() });

/** How far a policy search has got (after every batch of replications). */
export const SearchProgress = Type.Object({
  simulated: Type.Integer({ description: 'Replications simulated so far.' }),
  budget: Type.Integer({ description: 'The most replications the search may simulate.' }),
  decided: Type.Integer({ description: 'Candidates decided so far.' }),
  candidates: Type.Integer({ description: 'Candidates looked at so far.' }),
});

/** A policy search as the API shows it: status, progress and, when done, its document. */
export const Search = Type.Object({
  id: Type.String(),
  status: StringEnum(['running', 'done', 'failed', 'cancelled']),
  progress: Type.Unsafe<Static<typeof SearchProgress> | null>({ ...SearchProgress, type: ['object', 'null'] }),
  error: Type.Optional(Type.String({ description: 'Why a failed search failed.' })),
  document: Type.Optional(
    Type.Unsafe<SearchDocument>({ type: 'object', additionalProperties: true, description: 'The search document (format opsim-search/3, docs/search.schema.json), once done.' }),
  ),
});

/** A run's metric catalog (results.json's `metrics`, completed from today's specs). */
export const Catalog = Type.Object({
  metrics: Type.Unsafe<MetricCatalog>({ type: 'object', additionalProperties: true, description: 'Metric name → spec, as in results.json (docs/results-format.md).' }),
});

const RunIdPattern = '^[0-9]{8}-[0-9]{6}-[a-f0-9]{6}$';

/**
 * A run's decision order (results.json's `decisionOrder`, or derived as report.html derives it
 * for a document written before the field) with the rule in report.html's words.
 */
export const Decision = Type.Object({
  by: StringEnum(['verdict', 'ranking'], { description: 'verdict: the worst P(met) band came first; ranking: no variant was judged on an SLA or target.' }),
  judged: Type.Array(Type.Object({ name: Type.String(), metric: Type.String() }), { description: 'The SLAs and service-level targets judged (the verdict columns), each with its 0/1 verdict metric.' }),
  order: Type.Array(
    Type.Object({
      variant: Type.String(),
      rank: NullableInteger(),
      band: Type.Unsafe<'high' | 'middle' | 'low' | null>({ type: ['string', 'null'], description: 'Worst P(met) band: high (≥ 0.90), middle, low (≤ 0.50); null when judged on none.' }),
    }),
    { description: 'Every variant, best first.' },
  ),
  source: StringEnum(['results', 'derived'], { description: "results: results.json's decisionOrder; derived: a document written before the field, ordered by the same rule over today's metric specs." }),
  rule: Type.Unsafe<string | null>({ type: ['string', 'null'], description: "The rule in report.html's words (null without a ranking)." }),
  bands: Type.Object(
    { high: Type.Number(), low: Type.Number() },
    { description: "Where report.html's P(met) bands begin: green from `high`, red up to `low`, amber between (cells of every 0/1 verdict are coloured so)." },
  ),
});

/** `?baseline=&current=` of a comparison, and the options of `opsim compare` it offers. */
export const CompareQuery = Type.Object(
  {
    baseline: Type.String({ pattern: RunIdPattern, description: 'The baseline run.' }),
    current: Type.String({ pattern: RunIdPattern, description: 'The current run.' }),
    tolerance: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}(\\.[0-9]{1,6})?%?$', description: 'Relative change allowed before a significant move counts, in percent (default 5), as --tolerance.' })),
    force: Type.Optional(StringEnum(['true', 'false'], { description: 'Compare anyway runs of different scenarios, horizons or warm-ups, runs that share no variant or an incomplete run, as --force (the notes say what differs).' })),
    allowIncomplete: Type.Optional(StringEnum(['true', 'false'], { description: 'Compare an incomplete run on the replications it has, as --allow-incomplete.' })),
  },
  { additionalProperties: false },
);

/** A comparison, exactly as `opsim compare --json` prints it (src/experiment/compare.ts GateReport). */
export const Comparison = OpenObject({ description: 'The comparison as `opsim compare --json` writes it: one section per shared variant with a verdict per metric (docs/experiments.md, "Regression gate").' });

/** Why a comparison was not made: `problem` is `opsim compare`'s kind (usage 400, input 422, mismatch 409). */
export const CompareRefusal = Type.Object({ error: Type.String(), problem: Type.Optional(StringEnum(['usage', 'input', 'mismatch'])) });

/** `:id` of a run route. */
export const RunParams = Type.Object({ id: Type.String({ pattern: RunIdPattern }) });

/** `:id` and `:name` of a chart. */
export const ChartParams = Type.Object({ id: Type.String({ pattern: RunIdPattern }), name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }) });

/** `?format=` of a chart (and the token, for a chart opened in a browser tab). */
export const ChartQuery = Type.Object({ format: Type.Optional(StringEnum(['svg', 'vl'])), token: Type.Optional(Type.String()) }, { additionalProperties: false });

/** `?token=` of the server-sent events route (EventSource cannot send headers). */
export const TokenQuery = Type.Object({ token: Type.Optional(Type.String()) });

/** A run record (run.json) as the API shows it. */
export const Run = Type.Object({
  id: Type.String(),
  status: StringEnum(['queued', 'running', 'done', 'failed', 'cancelled']),
  scenario: Type.Object({ name: Type.Optional(Type.String()), file: Type.Optional(NullableString()), hash: Type.Optional(Type.String()) }),
  request: Type.Optional(
    Type.Object({
      replications: Type.Optional(Type.Integer()),
      overrides: Type.Optional(OpenObject()),
      variants: Type.Optional(Type.Array(Type.String())),
      seed: Type.Optional(Type.String()),
    }),
  ),
  createdAt: Type.String(),
  startedAt: Type.Optional(NullableString()),
  finishedAt: Type.Optional(NullableString()),
  progress: Type.Object({ done: Type.Optional(Type.Integer()), total: Type.Optional(Type.Integer()), failed: Type.Optional(Type.Integer()) }),
  error: Type.Optional(NullableString()),
  charts: Type.Optional(Type.Array(Type.String())),
  hasResults: Type.Optional(Type.Boolean()),
});

/** Every run, newest first. */
export const RunList = Type.Object({ runs: Type.Array(Run) });

/** results.json, sent as stored (its format is docs/results-format.md). */
export const Results = OpenObject({ description: 'A results document (docs/results-format.md).' });

/** Server and queue status. */
export const Status = Type.Object({
  version: Type.Optional(Type.String()),
  running: Type.Optional(Type.Integer()),
  queued: Type.Optional(Type.Integer()),
  maxRunning: Type.Optional(Type.Integer()),
  maxQueued: Type.Optional(Type.Integer()),
  workerQueue: Type.Optional(Type.Integer()),
});

const KnobValue = Type.Union([Type.Number(), Type.String()]);

/** A field a planner may override from the dashboard. */
export const Knob = Type.Object({
  path: Type.Optional(Type.String()),
  label: Type.Optional(Type.String()),
  value: Type.Optional(KnobValue),
  values: Type.Optional(Type.Array(KnobValue)),
  doc: Type.Optional(Type.String({ description: "The field's one-line doc from the scenario schema." })),
});

/** What GET /api/scenarios says about one scenario. */
export const ScenarioInfo = Type.Object({
  name: Type.Optional(Type.String()),
  file: Type.Optional(Type.String()),
  title: Type.Optional(NullableString()),
  description: Type.Optional(NullableString()),
  horizon: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()])),
  variants: Type.Optional(Type.Array(Type.String())),
  knobs: Type.Optional(Type.Array(Knob)),
  search: Type.Optional(Type.Boolean({ description: 'Whether the scenario has a search: section (POST /api/searches accepts it).' })),
  errors: Type.Optional(Type.Array(ScenarioErrorSchema)),
});

/** Every scenario in scenarios/. */
export const ScenarioList = Type.Object({ scenarios: Type.Array(ScenarioInfo) });

/** A plain text or binary answer documented in OpenAPI (SVG, HTML, an event stream). */
export function Text(description?: string): TSchema {
  return description === undefined ? Type.String() : Type.String({ description });
}
