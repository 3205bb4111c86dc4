/**
 * Overrides: `--set services.inventory.servers=12` and experiment variants change fields of
 * the raw document (before unit conversion) by path. List items may be addressed by index
 * (`services[0]`) or by their `name` (`services.inventory`). A path must exist in the schema,
 * so a typo is an error with a suggestion rather than a silently ignored field.
 */
import { closest, displayPath, parseFieldPath, ScenarioLoadError, showValue, type ScenarioError } from './errors.js';
import { isPlainObject } from './merge.js';
import { yamlLibrary } from './source.js';

type Json = Record<string, unknown>;

/** Field names a schema (or any branch of a union) allows at this level, with their schemas. */
function fieldsOf(schema: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (s: unknown): void => {
    if (!isPlainObject(s)) return;
    if (isPlainObject(s.properties)) for (const [k, v] of Object.entries(s.properties)) if (!out.has(k)) out.set(k, v);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[key])) for (const b of s[key]) visit(b);
  };
  visit(schema);
  return out;
}

function openFields(schema: unknown): unknown {
  // additionalProperties given as a schema means any key is a field (maps such as teams.noc).
  let found: unknown;
  const visit = (s: unknown): void => {
    if (!isPlainObject(s) || found !== undefined) return;
    if (isPlainObject(s.additionalProperties) || s.additionalProperties === true) found = s.additionalProperties === true ? {} : s.additionalProperties;
    else if (isPlainObject(s.patternProperties)) found = Object.values(s.patternProperties)[0] ?? {};
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[key])) for (const b of s[key]) visit(b);
  };
  visit(schema);
  return found;
}

function itemsOf(schema: unknown): unknown {
  let found: unknown;
  const visit = (s: unknown): void => {
    if (!isPlainObject(s) || found !== undefined) return;
    if (isPlainObject(s.items)) found = s.items;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[key])) for (const b of s[key]) visit(b);
  };
  visit(schema);
  return found;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isPlainObject(v)) {
    const r: Json = {};
    for (const k of Object.keys(v)) Object.defineProperty(r, k, { value: clone(v[k]), enumerable: true, writable: true, configurable: true });
    return r;
  }
  return v;
}

/**
 * Every schema the value at `segments` (a path as applyOverridesChecked resolved it: list
 * items by index) may have to satisfy: one per union branch that has the field, since a field
 * of a discriminated union (`serviceTime.mean`, `serviceTime.dist`) is a different schema in
 * each branch. Empty when the path leaves the schema; `{}` for an open field.
 */
export function leafSchemas(schema: unknown, segments: readonly (string | number)[]): unknown[] {
  let here: unknown[] = [schema];
  for (const seg of segments) {
    const next: unknown[] = [];
    const add = (s: unknown): void => {
      if (s !== undefined && !next.includes(s)) next.push(s);
    };
    const visit = (s: unknown): void => {
      if (!isPlainObject(s)) return;
      if (typeof seg === 'number') {
        if (isPlainObject(s.items)) add(s.items);
      } else if (isPlainObject(s.properties) && Object.prototype.hasOwnProperty.call(s.properties, seg)) add(s.properties[seg]);
      else if (isPlainObject(s.additionalProperties) || s.additionalProperties === true) add(s.additionalProperties === true ? {} : s.additionalProperties);
      else if (isPlainObject(s.patternProperties)) for (const [re, ps] of Object.entries(s.patternProperties)) if (new RegExp(re, 'u').test(seg)) add(ps);
      for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[key])) for (const b of s[key]) visit(b);
    };
    for (const s of here) visit(s);
    here = next;
  }
  return here;
}

/** The path as written with its segment `i` replaced by `near`: the nearest valid path, for a hint. */
function nearPath(segs: readonly (string | number)[], i: number, near: string): string {
  return displayPath([...segs.slice(0, i), near, ...segs.slice(i + 1)]);
}

/** What applying overrides produced: the new document and the JSON paths each override wrote. */
export type OverrideOutcome = { ok: true; doc: unknown; written: { path: (string | number)[]; source: string }[] } | { ok: false; errors: ScenarioError[] };

/**
 * Applies overrides to a copy of `doc`, reporting every bad path at once; `schema` (plain JSON)
 * says which fields exist. With `checkOnly`, `doc` is neither copied nor changed (the outcome's
 * doc is `doc` itself): for checking where one override would write, which copied the whole
 * scenario for every variant's setting (a few ms of every start for GlobalMart's eight). Each
 * override is then checked on its own, so use it with one override at a time.
 */
export function applyOverridesChecked(doc: unknown, overrides: Record<string, unknown>, schema: unknown, checkOnly = false): OverrideOutcome {
  const root = checkOnly ? doc : clone(doc);
  const errors: ScenarioError[] = [];
  const written: { path: (string | number)[]; source: string }[] = [];
  for (const [pathText, value] of Object.entries(overrides)) {
    const err = (message: string): void => void errors.push({ file: null, line: null, column: null, path: pathText, message: `override: ${message}` });
    let segs: (string | number)[];
    try {
      segs = parseFieldPath(pathText);
    } catch (e) {
      err((e as Error).message);
      continue;
    }
    if (!isPlainObject(root)) {
      err('the scenario is not an object');
      continue;
    }
    let cur: unknown = root;
    let sch: unknown = schema;
    const resolved: (string | number)[] = [];
    let failed = false;
    for (let i = 0; i < segs.length && !failed; i++) {
      const seg = segs[i]!;
      const last = i === segs.length - 1;
      const here = displayPath(resolved) || 'the scenario';
      if (Array.isArray(cur)) {
        let idx: number;
        if (typeof seg === 'number' || /^\d+$/.test(seg)) {
          idx = Number(seg);
          if (idx >= cur.length) {
            err(`${here} has ${cur.length} item${cur.length === 1 ? '' : 's'}, so there is no item ${idx}`);
            failed = true;
            break;
          }
        } else {
          idx = cur.findIndex((e) => isPlainObject(e) && e.name === seg);
          if (idx === -1) {
            const names = cur.filter(isPlainObject).map((e) => e.name).filter((n): n is string => typeof n === 'string');
            const hint = closest(seg, names);
            err(`${here} has no item named ${JSON.stringify(seg)}${hint !== undefined ? ` (did you mean "${nearPath(segs, i, hint)}"?)` : ''}${names.length > 0 ? ` (names: ${names.join(', ')})` : ''}`);
            failed = true;
            break;
          }
        }
        sch = itemsOf(sch) ?? {};
        resolved.push(idx);
        if (last) {
          if (!checkOnly) cur[idx] = clone(value);
        } else {
          cur = cur[idx];
        }
        continue;
      }
      if (!isPlainObject(cur)) {
        err(`${here} is ${showValue(cur)}, not an object or list, so it has no field ${JSON.stringify(String(seg))}`);
        failed = true;
        break;
      }
      const key = String(seg);
      const fields = fieldsOf(sch);
      let child: unknown = fields.get(key);
      if (child === undefined) child = openFields(sch);
      if (child === undefined && isPlainObject(sch) && Object.keys(sch).length > 0) {
        const hint = closest(key, fields.keys());
        const list = [...fields.keys()];
        const expected = hint !== undefined ? ` (did you mean "${nearPath(segs, i, hint)}"?)` : list.length > 0 && list.length <= 12 ? ` (fields: ${list.join(', ')})` : '';
        err(`unknown field ${JSON.stringify(key)}${resolved.length > 0 ? ` in ${here}` : ''}${expected}`);
        failed = true;
        break;
      }
      sch = child ?? {};
      resolved.push(key);
      if (last) {
        if (checkOnly) continue;
        if (value === null) delete cur[key];
        else Object.defineProperty(cur, key, { value: clone(value), enumerable: true, writable: true, configurable: true });
      } else {
        let next = cur[key];
        if (next === undefined || next === null) {
          const nextSeg = segs[i + 1]!;
          if (typeof nextSeg === 'number' || itemsOf(sch) !== undefined) {
            err(`${displayPath(resolved)} is not set, so it has no item ${JSON.stringify(String(nextSeg))}`);
            failed = true;
            break;
          }
          next = {};
          if (!checkOnly) cur[key] = next;
        }
        cur = next;
      }
    }
    if (!failed) written.push({ path: resolved, source: `${pathText}=${typeof value === 'string' ? value : typeof value === 'number' ? showValue(value) : JSON.stringify(value)}` });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, doc: root, written };
}

/**
 * Returns a copy of the raw document `doc` with the overrides applied (a null value removes
 * the field), paths read against `schema` (plain JSON). Throws ScenarioLoadError listing every
 * path that does not exist. src/scenario/index.ts binds it to opsim's schema.
 */
export function applyOverridesWith(schema: unknown, doc: unknown, overrides: Record<string, unknown>): unknown {
  const r = applyOverridesChecked(doc, overrides, schema);
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return r.doc;
}

/** Parses one override value as YAML ("12" → 12, "2d" → "2d", "[a, b]" → a list, "" → ""). */
export function parseOverrideValue(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    return yamlLibrary().parse(text, { maxAliasCount: 0 }) as unknown;
  } catch {
    return text;
  }
}

/** Parses `--set path=value` arguments into an overrides record; throws ScenarioLoadError on malformed ones. */
export function parseOverrideArgs(list: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const errors: ScenarioError[] = [];
  for (const arg of list) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      errors.push({ file: null, line: null, column: null, path: '', message: `--set ${JSON.stringify(arg)}: expected path=value, e.g. services.inventory.servers=12` });
      continue;
    }
    const path = arg.slice(0, eq).trim();
    Object.defineProperty(out, path, { value: parseOverrideValue(arg.slice(eq + 1)), enumerable: true, writable: true, configurable: true });
  }
  if (errors.length > 0) throw new ScenarioLoadError(errors);
  return out;
}

/**
 * Overrides as a record whose text values are written as on the command line (the server's
 * API, the dashboard's knobs): each text value is parsed exactly like `--set path=value`, so
 * "false", "12" and "6h" mean the same everywhere. Non-text values are kept as they are.
 */
export function parseOverrideRecord(overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(overrides)) {
    Object.defineProperty(out, path, { value: typeof value === 'string' ? parseOverrideValue(value) : value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
