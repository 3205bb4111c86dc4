/**
 * JSON schemas of the API: they validate requests, shape responses (fast serialisation drops
 * anything undeclared, so nothing internal leaks) and become the OpenAPI document.
 */

/** A scenario problem, as the CLI prints it. */
export const ScenarioErrorSchema = {
  type: 'object',
  required: ['file', 'line', 'column', 'path', 'message'],
  properties: {
    file: { type: ['string', 'null'] },
    line: { type: ['integer', 'null'] },
    column: { type: ['integer', 'null'] },
    path: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const Error = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, charts: { type: 'array', items: { type: 'string' } } },
} as const;

export const ErrorWithList = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, errors: { type: 'array', items: ScenarioErrorSchema } },
} as const;

const OverrideValue = { anyOf: [{ type: 'number' }, { type: 'string', maxLength: 200 }, { type: 'boolean' }] } as const;

/** Body of POST /api/runs. */
export interface RunBodyT {
  scenario?: string;
  text?: string;
  format?: 'yaml' | 'json';
  overrides?: Record<string, number | string | boolean>;
  replications?: number;
  variants?: string[];
  seed?: string | number;
}

export const RunBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scenario: { type: 'string', minLength: 1, maxLength: 200, description: 'Name of a scenario in scenarios/ (with or without .yaml).' },
    text: { type: 'string', minLength: 1, maxLength: 1_000_000, description: 'An inline scenario in YAML or JSON.' },
    format: { type: 'string', enum: ['yaml', 'json'], description: 'Format of text (guessed when absent).' },
    overrides: {
      type: 'object',
      maxProperties: 100,
      propertyNames: { maxLength: 200 },
      additionalProperties: OverrideValue,
      description: 'Field-path overrides, e.g. {"services.inventory.servers": 12}.',
    },
    replications: { type: 'integer', minimum: 1, maximum: 1000 },
    variants: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 }, description: 'Run only these variants.' },
    seed: { anyOf: [{ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }, { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^|]*$' }] },
  },
} as const;

export const Submitted = {
  type: 'object',
  required: ['id', 'status', 'location'],
  properties: { id: { type: 'string' }, status: { type: 'string' }, location: { type: 'string' } },
} as const;

const RunIdPattern = '^[0-9]{8}-[0-9]{6}-[a-f0-9]{6}$';

export const RunParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: RunIdPattern } },
} as const;

export const ChartParams = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string', pattern: RunIdPattern }, name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } },
} as const;

export const ChartQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['svg', 'vl'] }, token: { type: 'string' } },
} as const;

export const TokenQuery = {
  type: 'object',
  properties: { token: { type: 'string' } },
} as const;

export const Run = {
  type: 'object',
  required: ['id', 'status', 'scenario', 'progress', 'createdAt'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    scenario: {
      type: 'object',
      properties: { name: { type: 'string' }, file: { type: ['string', 'null'] }, hash: { type: 'string' } },
    },
    request: {
      type: 'object',
      properties: {
        replications: { type: 'integer' },
        overrides: { type: 'object', additionalProperties: true },
        variants: { type: 'array', items: { type: 'string' } },
        seed: { type: 'string' },
      },
    },
    createdAt: { type: 'string' },
    startedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    progress: {
      type: 'object',
      properties: { done: { type: 'integer' }, total: { type: 'integer' }, failed: { type: 'integer' } },
    },
    error: { type: ['string', 'null'] },
    charts: { type: 'array', items: { type: 'string' } },
    hasResults: { type: 'boolean' },
  },
} as const;

export const RunList = {
  type: 'object',
  required: ['runs'],
  properties: { runs: { type: 'array', items: Run } },
} as const;

export const Results = {
  type: 'object',
  description: 'A results document (docs/results-format.md).',
  additionalProperties: true,
} as const;

export const Status = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    running: { type: 'integer' },
    queued: { type: 'integer' },
    maxRunning: { type: 'integer' },
    maxQueued: { type: 'integer' },
    workerQueue: { type: 'integer' },
  },
} as const;

const Knob = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    label: { type: 'string' },
    value: { anyOf: [{ type: 'number' }, { type: 'string' }] },
    values: { type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'string' }] } },
  },
} as const;

export const ScenarioList = {
  type: 'object',
  required: ['scenarios'],
  properties: {
    scenarios: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          file: { type: 'string' },
          title: { type: ['string', 'null'] },
          description: { type: ['string', 'null'] },
          horizon: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
          variants: { type: 'array', items: { type: 'string' } },
          knobs: { type: 'array', items: Knob },
          errors: { type: 'array', items: ScenarioErrorSchema },
        },
      },
    },
  },
} as const;
