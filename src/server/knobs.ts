/**
 * Dashboard knobs: the fields of a scenario a planner may change from the dashboard before a
 * run. Which fields those are is declared by the scenario language, not guessed from names:
 * a model marks a field it offers as a lever (servers per pool, headcount per shift, alert
 * thresholds, CRAC units and capacity...) with the annotation `"x-knob": true` in its TypeBox
 * schema, and the knobs of a scenario are found by walking the composed schema alongside the
 * scenario's own document. The paths variants vary come first: they are the planner's own.
 */
import type { SchemaObject } from 'ajv';
import { scenarioJsonSchema } from '../scenario/index.js';

/** The schema annotation that makes a field a dashboard knob. */
export const KNOB_KEYWORD = 'x-knob';

/** A field a planner may override from the dashboard. */
export interface Knob {
  /** Override path, e.g. "teams.noc.roster.shifts.night.headcount". */
  path: string;
  /** Short label for the form. */
  label: string;
  /** The value written in the scenario (number or unit text such as "80%"), or the field's default. */
  value: number | string;
  /** Values the scenario's own variants give this field, when declared. */
  values?: (number | string)[];
  /** The field's one-line doc, from the schema (absent for a path only variants name). */
  doc?: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Container words say nothing a planner needs in a form label.
const GENERIC = new Set(['teams', 'roster', 'shifts', 'services', 'rooms', 'monitoring', 'monitors', 'staffing', 'sla']);

/**
 * A short form label: "ops-l1 early headcount" for teams.ops-l1.roster.shifts.early.headcount;
 * "hall-a crac count" for rooms.hall-a.crac.crac.count (a unit named like its list says it once).
 */
export function knobLabel(p: string): string {
  const segs = p.split('.').filter((x, i, all) => !GENERIC.has(x) && x !== all[i - 1]);
  return (segs.length > 0 ? segs : p.split('.')).slice(-3).join(' ');
}

/** What a form can show and send back: a finite number or a unit text such as "2s" or "80%". */
function knobValue(v: unknown): number | string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^[0-9.]+\s*[a-z%°/]*$/i.test(v)) return v;
  return null;
}

/** The value at an override path ("a.b[0].c", list items also by name) of the raw document. */
function getPath(doc: unknown, p: string): unknown {
  let cur: unknown = doc;
  for (const seg of p.split('.')) {
    const m = seg.match(/^([^[\]]+)?((?:\[\d+\])*)$/);
    if (!m) return undefined;
    if (m[1] !== undefined) {
      if (Array.isArray(cur)) cur = cur.find((x) => isObject(x) && x.name === m[1]);
      else if (isObject(cur)) cur = cur[m[1]];
      else return undefined;
    }
    for (const idx of m[2]!.match(/\d+/g) ?? []) cur = Array.isArray(cur) ? cur[Number(idx)] : undefined;
  }
  return cur;
}

/**
 * The branches of a union that can describe `data`: object branches whose `const` fields
 * (discriminators such as `metric: latency`) agree with it and whose required fields it has.
 */
function branchesFor(schema: Json, data: unknown): Json[] {
  const out: Json[] = [schema];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const b of list) {
      if (!isObject(b)) continue;
      if (key !== 'allOf' && isObject(data)) {
        const props = isObject(b.properties) ? b.properties : {};
        const agrees = Object.entries(props).every(([k, s]) => !(isObject(s) && 'const' in s) || data[k] === s.const);
        const complete = !Array.isArray(b.required) || b.required.every((k) => typeof k === 'string' && k in data);
        if (!agrees || !complete) continue;
      }
      out.push(...branchesFor(b, data));
    }
  }
  return out;
}

/** A field found in the document's walk: its override path, its schema and the value, when written. */
interface Field {
  path: string;
  schema: Json;
  written: unknown;
}

/** Every annotated field of the objects `doc` holds, in document order, with where it stands. */
function annotatedFields(schema: Json, doc: unknown): Field[] {
  const out: Field[] = [];
  const walk = (s: Json, data: unknown, p: string, depth: number): void => {
    if (depth > 12) return;
    const branches = branchesFor(s, data);
    if (Array.isArray(data)) {
      const items = branches.map((b) => b.items).find(isObject);
      if (items === undefined) return;
      data.forEach((x, i) => {
        // List items are addressed by name where they have a plain one, as overrides allow.
        const name = isObject(x) && typeof x.name === 'string' && /^[A-Za-z0-9_-]+$/.test(x.name) ? x.name : null;
        walk(items, x, name !== null ? `${p}.${name}` : `${p}[${i}]`, depth + 1);
      });
      return;
    }
    if (!isObject(data)) return;
    const props = new Map<string, Json>();
    for (const b of branches) if (isObject(b.properties)) for (const [k, v] of Object.entries(b.properties)) if (isObject(v) && !props.has(k)) props.set(k, v);
    const join = (k: string): string => (p === '' ? k : `${p}.${k}`);
    for (const [k, ps] of props) {
      if (ps[KNOB_KEYWORD] === true) out.push({ path: join(k), schema: ps, written: data[k] });
      else if (k in data) walk(ps, data[k], join(k), depth + 1);
    }
    // Maps: every other key takes the schema of additionalProperties or a matching pattern.
    const patterns = branches.flatMap((b) => (isObject(b.patternProperties) ? Object.entries(b.patternProperties) : []));
    const extra = branches.map((b) => b.additionalProperties).find(isObject);
    for (const [k, v] of Object.entries(data)) {
      if (props.has(k)) continue;
      const ps = patterns.find(([re]) => new RegExp(re, 'u').test(k))?.[1] ?? extra;
      if (isObject(ps)) walk(ps, v, join(k), depth + 1);
    }
  };
  walk(schema, doc, '', 0);
  return out;
}

/**
 * Knobs of a scenario: the field paths its declared variants vary first (the planner's own
 * levers), then every field the language marks with `"x-knob": true` that the scenario
 * writes, then those it leaves to their default (a room's CRAC `count` of 1, say). `schema` is
 * the language's JSON Schema (opsim's by default).
 */
export function scenarioKnobs(raw: unknown, schema: SchemaObject = scenarioJsonSchema()): Knob[] {
  const knobs = new Map<string, Knob>();
  const add = (p: string, value: unknown, doc?: unknown, values?: unknown[]): void => {
    // Every knob: the dashboard groups them by section and folds the groups, so none is hidden.
    if (knobs.has(p) || p.startsWith('experiment')) return;
    const v = knobValue(value);
    if (v === null) return;
    const vs = values?.map(knobValue).filter((x): x is number | string => x !== null);
    knobs.set(p, { path: p, label: knobLabel(p), value: v, ...(vs && vs.length > 0 ? { values: vs } : {}), ...(typeof doc === 'string' ? { doc } : {}) });
  };
  const fields = annotatedFields(schema as Json, raw);
  const docOf = (p: string): unknown => fields.find((f) => f.path === p)?.schema.description;
  const exp = isObject(raw) ? raw.experiment : undefined;
  const variants = isObject(exp) ? exp.variants : undefined;
  if (isObject(variants)) {
    if (isObject(variants.factors)) {
      for (const [p, f] of Object.entries(variants.factors)) add(p, getPath(raw, p), docOf(p), Array.isArray(f) ? f : isObject(f) && Array.isArray(f.values) ? f.values : undefined);
    }
    if (Array.isArray(variants.list)) {
      for (const item of variants.list) if (isObject(item) && isObject(item.set)) for (const p of Object.keys(item.set)) add(p, getPath(raw, p), docOf(p));
    }
  }
  for (const f of fields) if (f.written !== undefined) add(f.path, f.written, f.schema.description);
  for (const f of fields) if (f.written === undefined) add(f.path, f.schema.default, f.schema.description);
  return [...knobs.values()];
}
