/**
 * Schema validation and unit conversion. Ajv checks the raw document against the scenario
 * schema (the `x-unit` keyword only checks there); a second pass then walks the accepted
 * branch of every union, converts unit text to base-unit numbers and fills schema defaults.
 * Converting only after the union is decided keeps a rejected branch from rewriting data.
 * Ajv's raw errors are then reduced to one clear sentence per problem.
 */
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, KeywordCxt, SchemaObject, ValidateFunction } from 'ajv';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Scenario } from './schema/index.js';
import { parseQuantity, UNIT_EXAMPLES, unitHint, type UnitKind } from './units.js';
import { didYouMean, fromPointer, showValue } from './errors.js';
import { isPlainObject } from './merge.js';

/** A schema problem before it is located in a file. */
export interface Issue {
  /** Path of the offending value. */
  segments: (string | number)[];
  /** What is wrong. */
  message: string;
  /** Locate at the key rather than the value (unknown fields). */
  atKey?: boolean;
}

type Json = Record<string, unknown>;

const UNIT_KINDS: readonly UnitKind[] = ['duration', 'rate', 'power', 'energy', 'temperature', 'heatCapacity', 'fraction'];

const plainSchemas = new WeakMap<TObject, SchemaObject>();
const DRAFT = 'http://json-schema.org/draft-07/schema#';
/** `JSON.stringify` of each plain schema made by jsonSchemaOf, kept from making it. */
const plainTexts = new WeakMap<SchemaObject, string>();

/**
 * A language's scenario schema as plain JSON, with the draft it follows (made once per schema;
 * do not modify it). It is the TypeBox schema itself under a new root: TypeBox builds plain
 * JSON Schema objects (what it adds is symbol-keyed, which JSON, Ajv and `Object.keys` do not
 * see; test/scenario/precompiled.test.ts checks that it equals its JSON text read back), so a
 * start no longer reads a 190 kB copy back from that text (about 1.2 ms and 1 MB of objects
 * each process kept to its end). Sub-schemas a model uses at several places are one object.
 */
export function jsonSchemaOf(schema: TObject): SchemaObject {
  let plain = plainSchemas.get(schema);
  if (plain === undefined) {
    const text = JSON.stringify(schema);
    // The root's string keys only (a spread would copy its symbol keys too).
    plain = { $schema: DRAFT, ...Object.fromEntries(Object.keys(schema).map((k) => [k, (schema as Record<string, unknown>)[k]])) };
    plainSchemas.set(schema, plain);
    // The plain schema's own text is the draft, then the rest as written, unless the schema
    // names a draft itself.
    if (text.startsWith('{"') && !text.startsWith('{"$schema"')) plainTexts.set(plain, `{"$schema":${JSON.stringify(DRAFT)},${text.slice(1)}`);
  }
  return plain;
}

/** `JSON.stringify(plain)`, without writing it again when jsonSchemaOf made `plain` (the scenario schema is 190 kB: about 1 ms). */
export function jsonTextOf(plain: SchemaObject): string {
  return plainTexts.get(plain) ?? JSON.stringify(plain);
}

const NOUN: Record<UnitKind, string> = {
  duration: 'a duration',
  rate: 'a rate',
  power: 'a power',
  energy: 'an energy',
  temperature: 'a temperature',
  heatCapacity: 'a heat capacity',
  fraction: 'a fraction',
};

/** Renders a base-unit number in the unit a planner would write. */
export function formatQuantity(kind: UnitKind, n: number): string {
  if (n === 0) return '0';
  switch (kind) {
    case 'duration': {
      for (const [u, f] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) if (Math.abs(n) >= f && Number.isInteger(n / f)) return `${n / f}${u}`;
      return `${n}s`;
    }
    case 'rate':
      return `${n}/s`;
    case 'power':
      return `${n}W`;
    case 'energy':
      return `${n}J`;
    case 'temperature':
      return `${n}°C`;
    case 'heatCapacity':
      return `${n}J/K`;
    case 'fraction':
      return String(n);
  }
}

/** Checks one unit value against its kind and bounds; returns the base-unit number or a message. */
export function checkQuantity(kind: UnitKind, value: unknown, schema: Json): { ok: true; value: number } | { ok: false; message: string } {
  const v = parseQuantity(kind, value);
  if (v === undefined || !Number.isFinite(v)) {
    const hint = unitHint(kind, value);
    return { ok: false, message: `must be ${UNIT_EXAMPLES[kind]}, got ${showValue(value)}${hint === undefined ? '' : `: ${hint}`}` };
  }
  const min = typeof schema['x-minimum'] === 'number' ? schema['x-minimum'] : undefined;
  const max = typeof schema['x-maximum'] === 'number' ? schema['x-maximum'] : undefined;
  const exclusive = schema['x-exclusive-minimum'] === true;
  const tooSmall = min !== undefined && (exclusive ? v <= min : v < min);
  const tooBig = max !== undefined && v > max;
  if (tooSmall || tooBig) {
    let bound: string;
    if (min !== undefined && max !== undefined && !exclusive) {
      bound = kind === 'fraction' && min === 0 && max === 1 ? 'between 0 and 1 (0% to 100%)' : `between ${formatQuantity(kind, min)} and ${formatQuantity(kind, max)}`;
    } else if (tooSmall) bound = `${exclusive ? '>' : '≥'} ${formatQuantity(kind, min!)}`;
    else bound = `≤ ${formatQuantity(kind, max!)}`;
    return { ok: false, message: `must be ${NOUN[kind]} ${bound}, got ${showValue(value)}` };
  }
  return { ok: true, value: v };
}

/** A language's validator: the whole-document check and one check per union branch (for conversion). */
export interface Compiled {
  /** The schema as plain JSON (the object the branch checks are keyed by). */
  schema: SchemaObject;
  validate: ValidateFunction;
  /** The check of one branch of a union (`anyOf`/`oneOf` member) of `schema`. */
  branch(branch: object): ValidateFunction;
  /** 'precompiled' (the standalone code generated at build time) or 'compiled' (by Ajv in this process). */
  source: 'precompiled' | 'compiled';
}

const compiled = new WeakMap<TObject, Compiled>();

/**
 * Checks one unit value for the `x-unit` keyword: undefined when it is a valid quantity within
 * the bounds, else the message. Called by the validator (compiled here or precompiled).
 */
export function checkUnit(kind: UnitKind, value: unknown, min: number | null, max: number | null, exclusive: boolean): string | undefined {
  const bounds: Json = {};
  if (min !== null) bounds['x-minimum'] = min;
  if (max !== null) bounds['x-maximum'] = max;
  if (exclusive) bounds['x-exclusive-minimum'] = true;
  const r = checkQuantity(kind, value, bounds);
  return r.ok ? undefined : r.message;
}

let ajvModule: typeof import('ajv') | undefined;

/**
 * Ajv itself, loaded on first use (Ajv is CommonJS, so it is required): a process that
 * validates with the precompiled validator never compiles a schema and need not load Ajv's
 * compiler (about 20 ms of every start).
 */
function ajvLibrary(): typeof import('ajv') {
  return (ajvModule ??= createRequire(import.meta.url)('ajv') as typeof import('ajv'));
}

/**
 * An Ajv instance for scenario schemas: all errors and opsim's keywords. Not verbose (that
 * would put the schema and data into every error object of the generated code, a third of its
 * size): errors are given their schema and data afterwards from their paths (`withContext`). `x-unit` generates code that calls `checkUnit`
 * by that name, so standalone code (src/scenario/precompile.ts) can be handed the function.
 */
export function scenarioAjv(options: { source?: boolean } = {}): Ajv {
  const { Ajv, _ } = ajvLibrary();
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: true, ...(options.source === true ? { code: { source: true } } : {}) });
  ajv.addKeyword({
    keyword: 'x-unit',
    schemaType: 'string',
    metaSchema: { enum: [...UNIT_KINDS] },
    error: { message: ({ params }) => _`${params.message!}`, params: ({ params }) => _`{kind: ${params.kind!}}` },
    code(cxt: KeywordCxt) {
      const { gen, data, schema, parentSchema } = cxt;
      const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
      const check = gen.scopeValue('func', { ref: checkUnit, code: _`checkUnit` });
      const message = gen.const('unitMessage', _`${check}(${schema as string}, ${data}, ${num(parentSchema['x-minimum'])}, ${num(parentSchema['x-maximum'])}, ${parentSchema['x-exclusive-minimum'] === true})`);
      cxt.setParams({ message, kind: _`${schema as string}` });
      cxt.fail(_`${message} !== undefined`);
    },
  });
  ajv.addKeyword({ keyword: 'x-minimum', schemaType: 'number' });
  ajv.addKeyword({ keyword: 'x-maximum', schemaType: 'number' });
  ajv.addKeyword({ keyword: 'x-exclusive-minimum', schemaType: 'boolean' });
  return ajv;
}

/** A unit field's schema: the `x-unit` keyword with the number|string union editors see. */
function isUnitField(s: Json): boolean {
  return typeof s['x-unit'] === 'string';
}

/**
 * Every branch of every union of `schema` that conversion may test, in one fixed order (the
 * precompiled checks are listed in it), with where each is in `schema` (its keys from the
 * root: the precompiled validator lists them): all but the number|string branches of unit
 * fields, which conversion never tests (the unit decides) and Ajv does not check (see `checkedSchema`).
 */
export function unionBranchPaths(schema: unknown): { branch: object; path: (string | number)[] }[] {
  const out: { branch: object; path: (string | number)[] }[] = [];
  const walk = (s: unknown, at: (string | number)[]): void => {
    if (Array.isArray(s)) {
      s.forEach((e, i) => walk(e, [...at, i]));
      return;
    }
    if (!isPlainObject(s)) return;
    for (const key of ['anyOf', 'oneOf'] as const) {
      const bs = s[key];
      if (Array.isArray(bs) && !isUnitField(s)) bs.forEach((b, i) => isPlainObject(b) && out.push({ branch: b, path: [...at, key, i] }));
    }
    for (const k of Object.keys(s)) walk(s[k], [...at, k]);
  };
  walk(schema, []);
  return out;
}

const checked = new WeakMap<object, SchemaObject>();

/**
 * The schema Ajv checks for `schema` (the whole or a branch): the same without the
 * number|string union of each unit field. The `x-unit` keyword refuses every other type with
 * its own sentence (the union's errors were dropped in favour of it, see pruneUnions), so the
 * verdicts and sentences are the same, and the validator's code is about 40 % smaller (one
 * union per unit field was most of opsim's 1,300; reading and compiling that code is part of
 * every start). Every other path in it is the same as in `schema`, so errors' schema paths
 * still lead into `schema`.
 */
export function checkedSchema(schema: SchemaObject): SchemaObject {
  const known = checked.get(schema);
  if (known !== undefined) return known;
  const strip = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(strip);
    if (!isPlainObject(s)) return s;
    const out: Json = {};
    for (const k of Object.keys(s)) if (!(k === 'anyOf' && isUnitField(s))) out[k] = strip(s[k]);
    return out;
  };
  const r = strip(schema) as SchemaObject;
  checked.set(schema, r);
  return r;
}

/** Compiles a schema with Ajv in this process (about a second for opsim's; branches on first use). */
export function compileValidator(schema: SchemaObject): Compiled {
  const ajv = scenarioAjv();
  const validate = ajv.compile(checkedSchema(schema));
  const branches = new WeakMap<object, ValidateFunction>();
  const branch = (b: object): ValidateFunction => {
    let v = branches.get(b);
    if (v === undefined) {
      v = ajv.compile(checkedSchema(b as SchemaObject));
      branches.set(b, v);
    }
    return v;
  };
  return { schema, validate, branch, source: 'compiled' };
}

/**
 * Finds the precompiled validator of a schema, or null. Set by src/scenario/index.ts (which
 * knows where the build put it); the toolkit itself reads no files.
 */
let precompiledFor: ((schema: SchemaObject) => Compiled | null) | undefined;

/** Installs the lookup of precompiled validators (src/scenario/precompiled.ts). */
export function usePrecompiled(find: (schema: SchemaObject) => Compiled | null): void {
  precompiledFor = find;
}

/**
 * The process-wide validator of a language's schema, made on first use: the standalone code
 * generated at build time when it matches the schema, else compiled by Ajv here.
 */
export function scenarioValidator(language: TObject): Compiled {
  const known = compiled.get(language);
  if (known !== undefined) return known;
  const schema = jsonSchemaOf(language);
  const c = precompiledFor?.(schema) ?? compileValidator(schema);
  compiled.set(language, c);
  return c;
}

function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isPlainObject(v)) {
    const r: Json = {};
    for (const k of Object.keys(v)) Object.defineProperty(r, k, { value: cloneJson(v[k]), enumerable: true, writable: true, configurable: true });
    return r as T;
  }
  return v;
}

/** Converts units and fills defaults along the accepted branches of a schema-valid value. */
function convert(c: Compiled, schema: unknown, data: unknown, set: (v: unknown) => void): void {
  if (!isPlainObject(schema)) return;
  const kind = schema['x-unit'];
  if (typeof kind === 'string') {
    const v = parseQuantity(kind as UnitKind, data);
    if (v !== undefined) set(v);
    return;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      const chosen = branches.find((b) => isPlainObject(b) && c.branch(b)(data));
      if (chosen !== undefined) convert(c, chosen, data, set);
    }
  }
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) convert(c, s, data, set);
  if (isPlainObject(data)) {
    const props = isPlainObject(schema.properties) ? schema.properties : {};
    for (const k of Object.keys(props)) {
      const ps = props[k];
      if (!Object.prototype.hasOwnProperty.call(data, k)) {
        if (isPlainObject(ps) && 'default' in ps) data[k] = cloneJson(ps.default);
        else continue;
      }
      convert(c, ps, data[k], (v) => (data[k] = v));
    }
    // Maps (Type.Record) put their value schema under patternProperties or additionalProperties.
    const patterns = isPlainObject(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
    for (const k of Object.keys(data)) {
      if (k in props) continue;
      const match = patterns.find(([re]) => new RegExp(re, 'u').test(k));
      const ps = match !== undefined ? match[1] : schema.additionalProperties;
      if (isPlainObject(ps)) convert(c, ps, data[k], (v) => (data[k] = v));
    }
  }
  if (Array.isArray(data)) {
    const items = schema.items;
    if (isPlainObject(items)) data.forEach((e, i) => convert(c, items, e, (v) => (data[i] = v)));
    else if (Array.isArray(items)) items.forEach((s, i) => i < data.length && convert(c, s, data[i], (v) => (data[i] = v)));
  }
}

const fragments = new WeakMap<TSchema, Compiled>();

/**
 * `value` as the loader would leave it: checked against `schema` (any part of a scenario
 * schema, e.g. a model's `ServiceSla`), defaults filled in and unit text converted. For specs
 * written in code (tests, library users) rather than loaded from a file; throws on a value the
 * schema refuses, naming the problems.
 */
export function withDefaults<T extends TSchema>(schema: T, value: unknown): Static<T> {
  let c = fragments.get(schema);
  if (c === undefined) {
    c = compileValidator(JSON.parse(JSON.stringify(schema)) as SchemaObject);
    fragments.set(schema, c);
  }
  const r = validateWith(c, value);
  if (!r.ok) throw new Error(`withDefaults: ${r.issues.map((i) => `${i.segments.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  return r.scenario as unknown as Static<T>;
}

/**
 * A copy of `value` with a language's schema defaults filled in (and unit text converted),
 * without validating it: for scenarios put together in code from parts already in base units
 * (test fixtures), which would otherwise miss the values the loader fills in.
 */
export function fillDefaults<T>(language: TObject, value: T): T {
  const c = scenarioValidator(language);
  let root: unknown = cloneJson(value);
  convert(c, c.schema, root, (v) => (root = v));
  return root as T;
}

/** Validates a raw document against a language's schema; on success returns a converted copy (the input is not modified). */
export function validateAndConvert(language: TObject, raw: unknown): { ok: true; scenario: Scenario } | { ok: false; issues: Issue[] } {
  return validateWith(scenarioValidator(language), raw);
}

/** validateAndConvert with a given validator (precompiled or compiled). */
export function validateWith(c: Compiled, raw: unknown): { ok: true; scenario: Scenario } | { ok: false; issues: Issue[] } {
  if (c.validate(raw)) {
    const copy = cloneJson(raw);
    let root: unknown = copy;
    convert(c, c.schema, copy, (v) => (root = v));
    return { ok: true, scenario: root as Scenario };
  }
  return { ok: false, issues: explain(withContext(c.validate.errors ?? [], c.schema, raw)) };
}

/** Walks a JSON pointer's segments into a value (undefined when the path leaves it). */
function at(value: unknown, segments: readonly (string | number)[]): unknown {
  let cur = value;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(s)];
  }
  return cur;
}

/** Errors with what explain() reads: the failing keyword's value, its schema and the data, found from their paths. */
function withContext(errors: ErrorObject[], schema: SchemaObject, raw: unknown): ErrorObject[] {
  return errors.map((e) => {
    // A schema path is a URI fragment: each segment is URI-encoded, then JSON-pointer escaped.
    const path = e.schemaPath.replace(/^#\/?/, '').split('/').filter((x) => x !== '').map((x) => decodeURIComponent(x).replace(/~1/g, '/').replace(/~0/g, '~'));
    return { ...e, schema: at(schema, path), parentSchema: at(schema, path.slice(0, -1)) as ErrorObject['parentSchema'], data: at(raw, fromPointer(e.instancePath)) };
  });
}

// ---------------------------------------------------------------------------------------
// Turning Ajv's errors into sentences.

function typeNoun(t: string): string {
  switch (t) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object (a mapping of fields)';
    case 'null':
      return 'null';
    default:
      return t;
  }
}

function boundsText(s: Json): string {
  const parts: string[] = [];
  if (typeof s.minimum === 'number') parts.push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') parts.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number') parts.push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMaximum === 'number') parts.push(`< ${s.exclusiveMaximum}`);
  return parts.length === 0 ? '' : ' ' + parts.join(' and ');
}

/** A short noun phrase for what a schema accepts ("an integer ≥ 1", "a duration", ...). */
export function describeSchema(s: unknown): string {
  if (!isPlainObject(s)) return 'a value';
  if (typeof s['x-unit'] === 'string') return NOUN[s['x-unit'] as UnitKind] ?? 'a quantity';
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((e) => String(e)).join(', ')}`;
  const branches = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (branches !== undefined) {
    const disc = discriminator(branches);
    const plain = branches.filter((b) => !(disc !== undefined && isPlainObject(b) && b.type === 'object'));
    const words = plain.map(describeSchema);
    if (disc !== undefined) words.push(`an object with ${disc.prop}: ${disc.tags.join(' | ')}`);
    return [...new Set(words)].join(' or ');
  }
  if (typeof s.type === 'string') return typeNoun(s.type) + (s.type === 'integer' || s.type === 'number' ? boundsText(s) : '');
  if (Array.isArray(s.type)) return s.type.map((t) => typeNoun(String(t))).join(' or ');
  return 'a value';
}

/** A property whose constant value tells the object branches of a union apart (e.g. `dist`). */
function discriminator(branches: unknown[]): { prop: string; tags: string[]; index: Map<string, number> } | undefined {
  const objs = branches.map((b, i) => [b, i] as const).filter(([b]) => isPlainObject(b) && b.type === 'object' && isPlainObject(b.properties));
  if (objs.length < 2) return undefined;
  const first = (objs[0]![0] as Json).properties as Json;
  for (const prop of Object.keys(first)) {
    const index = new Map<string, number>();
    let ok = true;
    for (const [b, i] of objs) {
      const ps = ((b as Json).properties as Json)[prop];
      if (!isPlainObject(ps) || typeof ps.const !== 'string' || index.has(ps.const)) {
        ok = false;
        break;
      }
      index.set(ps.const, i);
    }
    if (ok) return { prop, tags: [...index.keys()], index };
  }
  return undefined;
}

function segsOf(instancePath: string): (string | number)[] {
  return fromPointer(instancePath);
}

function branchIndex(e: ErrorObject, prefix: string): number | undefined {
  if (!e.schemaPath.startsWith(prefix)) return undefined;
  const m = /^(\d+)(\/|$)/.exec(e.schemaPath.slice(prefix.length));
  return m === null ? undefined : Number(m[1]);
}

/** Keeps, for each failed union, only the errors of the branch the value was meant for. */
function pruneUnions(errors: ErrorObject[]): { kept: ErrorObject[]; extra: Issue[] } {
  const alive = new Set(errors);
  const extra: Issue[] = [];
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const u of unions) {
    if (!alive.has(u)) continue;
    alive.delete(u);
    const prefix = u.schemaPath + '/';
    const members = [...alive].filter((e) => e.schemaPath.startsWith(prefix) && (e.instancePath === u.instancePath || e.instancePath.startsWith(u.instancePath + '/')));
    for (const m of members) alive.delete(m);
    const parent = (u.parentSchema ?? {}) as Json;
    // A unit field is number|string in the schema; its x-unit error already says it all.
    if (typeof parent['x-unit'] === 'string') continue;
    const branches = Array.isArray(u.schema) ? (u.schema as unknown[]) : [];
    const data: unknown = u.data;
    const at = segsOf(u.instancePath);
    if (members.length === 0) {
      extra.push({ segments: at, message: `matches more than one of: ${describeSchema(parent)}` });
      continue;
    }
    let chosen: number | undefined;
    const disc = discriminator(branches);
    if (disc !== undefined && isPlainObject(data)) {
      const tag = data[disc.prop];
      if (tag === undefined) {
        extra.push({ segments: at, message: `missing required field "${disc.prop}" (one of ${disc.tags.join(', ')})` });
        continue;
      }
      chosen = typeof tag === 'string' ? disc.index.get(tag) : undefined;
      if (chosen === undefined) {
        const hint = typeof tag === 'string' ? didYouMean(tag, disc.tags) : '';
        extra.push({ segments: [...at, disc.prop], message: `must be one of ${disc.tags.join(', ')}, got ${showValue(tag)}${hint}` });
        continue;
      }
    } else {
      // Branches whose very type the value does not have are not what the author meant.
      const byBranch = new Map<number, ErrorObject[]>();
      for (const m of members) {
        const i = branchIndex(m, prefix);
        if (i !== undefined) byBranch.set(i, [...(byBranch.get(i) ?? []), m]);
      }
      const plausible = [...byBranch.entries()].filter(([i, errs]) => {
        const b = branches[i];
        if (disc !== undefined && isPlainObject(b) && b.type === 'object' && !isPlainObject(data)) return false;
        return !errs.some((e) => e.instancePath === u.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum' || (e.keyword === 'x-unit' && typeof data !== 'number' && typeof data !== 'string')));
      });
      if (plausible.length === 0) {
        extra.push({ segments: at, message: `must be ${describeSchema(parent)}, got ${showValue(data)}` });
        continue;
      }
      plausible.sort((a, b) => a[1].length - b[1].length);
      chosen = plausible[0]![0];
    }
    for (const m of members) if (branchIndex(m, prefix) === chosen) alive.add(m);
  }
  return { kept: errors.filter((e) => alive.has(e)), extra };
}

function explainOne(e: ErrorObject): Issue {
  const at = segsOf(e.instancePath);
  const ps = (e.parentSchema ?? {}) as Json;
  const got = `, got ${showValue(e.data)}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'x-unit':
      return { segments: at, message: e.message ?? 'invalid quantity' };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = isPlainObject(ps.properties) ? Object.keys(ps.properties) : [];
      return { segments: [...at, key], message: `unknown field${didYouMean(key, allowed)}`, atKey: true };
    }
    case 'required':
      return { segments: at, message: `missing required field "${String(p.missingProperty)}"` };
    case 'type':
      return { segments: at, message: `must be ${describeSchema(ps)}${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { segments: at, message: `must be ${describeSchema(ps)}${got}` };
    case 'const':
      return { segments: at, message: `must be ${JSON.stringify(p.allowedValue)}${got}` };
    case 'enum': {
      const allowed = (Array.isArray(p.allowedValues) ? p.allowedValues : []).map((v) => String(v));
      return { segments: at, message: `must be one of ${allowed.join(', ')}${got}${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}` };
    }
    case 'minLength':
      return { segments: at, message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long${got}` };
    case 'maxLength':
      return { segments: at, message: `must be at most ${String(p.limit)} characters long` };
    case 'minItems':
      return { segments: at, message: `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { segments: at, message: `must have at most ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'uniqueItems':
      return { segments: at, message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are the same)` };
    case 'pattern':
      return { segments: at, message: `must match the pattern /${String(p.pattern)}/${got}` };
    case 'minProperties':
      return { segments: at, message: `must have at least ${String(p.limit)} field${p.limit === 1 ? '' : 's'}` };
    default:
      return { segments: at, message: `${e.message ?? 'is invalid'}${got}` };
  }
}

/** Reduces Ajv's errors to one sentence per problem. */
function explain(errors: ErrorObject[]): Issue[] {
  const { kept, extra } = pruneUnions(errors);
  const out: Issue[] = [...kept.filter((e) => e.keyword !== 'if' && e.keyword !== 'not').map(explainOne), ...extra];
  const seen = new Set<string>();
  return out.filter((i) => {
    const k = JSON.stringify(i.segments) + '\u0000' + i.message;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
