/**
 * `extends`: a scenario may name a base scenario and override parts of it. Objects merge
 * by key; lists of named objects merge by `name` (so a variant can change one service
 * without repeating the others); any other value replaces the base's; `null` removes a
 * field. Origins travel with the values so errors point at the file that wrote them.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { readScenarioSource, SCENARIO_LIMITS, type Origin, type SourceDoc, type SourceResult } from './source.js';
import { toPointer, type ScenarioError } from './errors.js';

/** A document and the origin of each of its values. */
export interface Located {
  /** Plain JSON-like data. */
  value: unknown;
  /** Origins keyed by JSON pointer. */
  origins: Map<string, Origin>;
}

/**
 * Result of resolving an extends chain. When the chain breaks (a base missing, unreadable,
 * cyclic, too deep or not parsed), `known` is what could be read above the break, merged as the
 * chain would merge it (without `extends`): the part of the document whose every value stands
 * whatever the unread bases hold (load.ts checks it). Absent when the first file itself was not read.
 */
export type MergeResult = ({ ok: true } & Located) | { ok: false; errors: ScenarioError[]; known?: Located };

/** True for plain objects (not lists, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for a list every item of which is an object with a `name` no other item has: such lists merge by name. */
export function isNamedList(a: unknown[]): a is Record<string, unknown>[] {
  const seen = new Set<string>();
  for (const e of a) {
    if (!isPlainObject(e) || typeof e.name !== 'string' || seen.has(e.name)) return false;
    seen.add(e.name);
  }
  return true;
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deep-merges `over` onto `base` (see the module comment for the rules). */
export function mergeLocated(base: Located, over: Located): Located {
  const out = new Map<string, Origin>();
  const copy = (src: Map<string, Origin>, sSegs: (string | number)[], dSegs: (string | number)[], v: unknown): unknown => {
    const o = src.get(toPointer(sSegs));
    if (o !== undefined) out.set(toPointer(dSegs), o);
    if (Array.isArray(v)) return v.map((e, i) => copy(src, [...sSegs, i], [...dSegs, i], e));
    if (isPlainObject(v)) {
      const r: Record<string, unknown> = {};
      for (const k of Object.keys(v)) setKey(r, k, copy(src, [...sSegs, k], [...dSegs, k], v[k]));
      return r;
    }
    return v;
  };
  const merge = (b: unknown, bSegs: (string | number)[], o: unknown, oSegs: (string | number)[], dSegs: (string | number)[]): unknown => {
    if (isPlainObject(b) && isPlainObject(o)) {
      const oo = over.origins.get(toPointer(oSegs));
      if (oo !== undefined) out.set(toPointer(dSegs), oo);
      const r: Record<string, unknown> = {};
      for (const k of Object.keys(b)) {
        if (!Object.prototype.hasOwnProperty.call(o, k)) setKey(r, k, copy(base.origins, [...bSegs, k], [...dSegs, k], b[k]));
        else if (o[k] !== null) setKey(r, k, merge(b[k], [...bSegs, k], o[k], [...oSegs, k], [...dSegs, k]));
      }
      for (const k of Object.keys(o)) {
        if (!Object.prototype.hasOwnProperty.call(b, k) && o[k] !== null) setKey(r, k, copy(over.origins, [...oSegs, k], [...dSegs, k], o[k]));
      }
      return r;
    }
    if (Array.isArray(b) && Array.isArray(o) && o.length > 0 && isNamedList(b) && isNamedList(o)) {
      const oo = over.origins.get(toPointer(oSegs));
      if (oo !== undefined) out.set(toPointer(dSegs), oo);
      const byName = new Map(o.map((e, i) => [e.name as string, i]));
      const r: unknown[] = [];
      b.forEach((e, i) => {
        const j = byName.get(e.name as string);
        const d = [...dSegs, r.length];
        r.push(j === undefined ? copy(base.origins, [...bSegs, i], d, e) : merge(e, [...bSegs, i], o[j], [...oSegs, j], d));
      });
      const baseNames = new Set(b.map((e) => e.name as string));
      o.forEach((e, j) => {
        if (!baseNames.has(e.name as string)) r.push(copy(over.origins, [...oSegs, j], [...dSegs, r.length], e));
      });
      return r;
    }
    return copy(over.origins, oSegs, dSegs, o);
  };
  const value = merge(base.value, [], over.value, [], []);
  return { value, origins: out };
}

/** Where extends may look, and how to name files in messages. */
export interface ExtendsContext {
  /** Absolute directory the `extends` of this document is relative to (null: extends not allowed). */
  absDir: string | null;
  /** The same directory as shown in messages. */
  displayDir: string;
  /** When set, every base file must lie inside this directory. */
  jail?: string;
}

/** The real path of `p`, or its resolved path when it does not exist. */
export function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Reads a base scenario file: the located reader, or another that gives the same data (src/scenario/plain-source.ts). */
export type SourceReader = (absPath: string, displayName: string) => SourceResult;

/**
 * Follows `extends` from `doc` and returns the merged document, without the `extends` field.
 * `chain` holds the real paths of the files already being resolved (the first one included);
 * `read` reads each base file.
 */
export function resolveExtends(doc: SourceDoc, ctx: ExtendsContext, chain: string[] = [], read: SourceReader = readScenarioSource): MergeResult {
  const value = doc.value;
  if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, 'extends')) return { ok: true, value, origins: doc.origins };
  const childValue: Record<string, unknown> = {};
  for (const k of Object.keys(value)) if (k !== 'extends') setKey(childValue, k, value[k]);
  const child: Located = { value: childValue, origins: doc.origins };
  const at = (message: string): MergeResult => {
    const o = doc.origins.get('/extends');
    return { ok: false, errors: [{ file: doc.file, line: o?.line ?? null, column: o?.column ?? null, path: 'extends', message }], known: child };
  };
  const ext = value.extends;
  if (typeof ext !== 'string' || ext.trim() === '') return at('must be the path of a base scenario file, e.g. "base.yaml"');
  if (ctx.absDir === null) return at('cannot be used in an inline scenario without a base directory');
  const abs = path.resolve(ctx.absDir, ext);
  const real = realOrResolved(abs);
  if (ctx.jail !== undefined) {
    const jail = realOrResolved(ctx.jail);
    const rel = path.relative(jail, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return at(`must name a file inside the scenarios directory, got ${JSON.stringify(ext)}`);
  }
  const display = path.isAbsolute(ext) ? ext : path.join(ctx.displayDir, ext);
  if (chain.includes(real)) {
    const names = [...chain, real].map((p) => path.basename(p));
    return at(`cycle: ${names.join(' → ')}`);
  }
  if (chain.length >= SCENARIO_LIMITS.maxExtendsDepth) return at(`extends chain is too long (the limit is ${SCENARIO_LIMITS.maxExtendsDepth} files)`);
  const src = read(abs, display);
  if (!src.ok) {
    const first = src.errors[0];
    // A missing base is the child's mistake; a broken base is reported in the base itself.
    if (src.errors.length === 1 && first !== undefined && first.line === null && first.message.startsWith('cannot read')) {
      return at(`cannot read base scenario ${JSON.stringify(ext)}: ${first.message.replace(/^cannot read file: /, '')}`);
    }
    return { ok: false, errors: src.errors, known: child };
  }
  const baseCtx: ExtendsContext = { absDir: path.dirname(abs), displayDir: path.dirname(display), ...(ctx.jail !== undefined ? { jail: ctx.jail } : {}) };
  const base = resolveExtends(src.doc, baseCtx, [...chain, real], read);
  // What lies above a break further down the chain merges as it would onto the whole base.
  if (!base.ok) return { ok: false, errors: base.errors, known: base.known !== undefined ? mergeLocated(base.known, child) : child };
  const merged = mergeLocated({ value: base.value, origins: base.origins }, child);
  return { ok: true, ...merged };
}

/**
 * A scenario file read with positions and its `extends` resolved: each value's origin names the
 * file (base or child) and position that wrote it. For locating a problem found after loading.
 */
export function readMergedSource(file: string): MergeResult {
  const abs = path.resolve(file);
  const src = readScenarioSource(abs, file);
  if (!src.ok) return { ok: false, errors: src.errors };
  return resolveExtends(src.doc, { absDir: path.dirname(abs), displayDir: path.dirname(file) }, [realOrResolved(abs)]);
}
