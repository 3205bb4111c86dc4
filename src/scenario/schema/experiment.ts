/**
 * Experiment section of a scenario: how many replications, which variants to compare, and
 * the optional statistical controls (sequential stopping, warm-up detection, ranking).
 * Read by src/experiment/; models never see it. Variant values are written exactly as in
 * the rest of the scenario (units included) because they are applied to the document
 * before unit conversion.
 */
import { Type, type Static } from '@sinclair/typebox';

const OverrideValue = Type.Unknown({ description: 'A value as it would be written at that field path, e.g. 8 or "30s".' });

export const Factor = Type.Union(
  [
    Type.Array(OverrideValue, { minItems: 1, description: 'Values this field takes, one variant per value (times the other factors).' }),
    Type.Object(
      {
        name: Type.String({ minLength: 1, description: 'Short label used in variant names instead of the field path, e.g. "servers".' }),
        values: Type.Array(OverrideValue, { minItems: 1, description: 'Values this field takes.' }),
      },
      { additionalProperties: false, description: 'Values with a short label for variant names.' },
    ),
  ],
  { description: 'The values one field path takes across variants.' },
);

export const VariantSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the variant, used in results and `--variant`/`--only`.' }),
    set: Type.Optional(
      Type.Record(Type.String(), OverrideValue, {
        description: 'Field-path overrides that define this variant, e.g. {"services.inventory.servers": 8}. Empty or absent = the scenario as written.',
      }),
    ),
  },
  { additionalProperties: false, description: 'One named variant.' },
);
export type VariantSpecValue = Static<typeof VariantSpec>;

export const Variants = Type.Union(
  [
    Type.Object(
      {
        factors: Type.Record(Type.String(), Factor, {
          description:
            'Field path → values. The variants are the cartesian product (first factor varies slowest), named like "services.inventory.servers=8,staffing.l1=2" or with the factors\' short names.',
        }),
      },
      { additionalProperties: false, description: 'A factorial sweep over field paths.' },
    ),
    Type.Object(
      {
        list: Type.Array(VariantSpec, { minItems: 1, description: 'Explicit named variants.' }),
      },
      { additionalProperties: false, description: 'An explicit list of named variants.' },
    ),
  ],
  { description: 'The variants to compare: a factorial sweep or an explicit list.' },
);

export const StopWhen = Type.Object(
  {
    metric: Type.String({ minLength: 1, description: 'Metric whose confidence interval decides when to stop, e.g. "service.inventory.response_time.mean".' }),
    halfWidth: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.String({ pattern: '^\\s*[0-9]*\\.?[0-9]+\\s*%\\s*$' })], {
      description: 'Target 95 % half-width: a plain number is absolute (metric units); "5%" is relative to |mean|.',
    }),
    maxReplications: Type.Integer({ minimum: 2, maximum: 100_000, description: 'Never run more replications per variant than this.' }),
    batch: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Replications added per variant between checks (default 4).' })),
  },
  { additionalProperties: false, description: 'Sequential stopping: add replications until every variant meets the half-width target.' },
);

export const WarmupDetectionSpec = Type.Object(
  {
    method: Type.Literal('mser5', { description: 'Detection rule; MSER-5 is the only one.' }),
    column: Type.String({ minLength: 1, description: 'Series column the rule is applied to, e.g. a queue length.' }),
    pilotReplications: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Pilot replications of the reference variant averaged before detection (default 5).' })),
  },
  { additionalProperties: false, description: 'Detect the warm-up from a pilot run instead of using `warmup`.' },
);

export const RankBy = Type.Object(
  {
    metric: Type.String({ minLength: 1, description: 'Metric whose mean orders the variants.' }),
    direction: Type.Optional(Type.Union([Type.Literal('lower'), Type.Literal('higher')], { description: 'Which is better (default inferred from the name, see docs/experiments.md).' })),
  },
  { additionalProperties: false, description: 'Ranking of variants by one metric.' },
);

export const Experiment = Type.Object(
  {
    replications: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Replications per variant (default 1; `--replications` overrides; at most 100,000).' })),
    variants: Type.Optional(Variants),
    reference: Type.Optional(Type.String({ minLength: 1, description: 'Variant the others are compared against (default: the first).' })),
    rankBy: Type.Optional(RankBy),
    stopWhen: Type.Optional(StopWhen),
    warmupDetection: Type.Optional(WarmupDetectionSpec),
  },
  { additionalProperties: false, description: 'Replications and variants to run with `opsim run`.' },
);
export type ExperimentSpec = Static<typeof Experiment>;

export const ExperimentFields = {
  experiment: Type.Optional(Experiment),
};
