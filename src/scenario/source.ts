/**
 * Reading scenario text into plain data while remembering where every value was written,
 * so that schema errors found later on the merged document can still name a file, line
 * and column. Hostile or accidental input (huge, binary, deeply nested, alias bombs)
 * becomes an error message, never a stack trace or an exhausted process.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import type { Document, Node as YamlNode } from 'yaml';
import { toPointer, type ScenarioError, type PathSegments } from './errors.js';
import { yamlLibrary } from './yaml-library.js';

// The YAML library, loaded on first use (src/scenario/yaml-library.ts).
export { yamlLibrary };

/** Limits that keep a bad file from exhausting the process. */
export const SCENARIO_LIMITS = {
  /** Largest scenario file read, in bytes. */
  maxBytes: 10 * 1024 * 1024,
  /** Deepest nesting of objects and lists. */
  maxDepth: 64,
  /** Most alias (*name) expansions in one file. */
  maxAliasCount: 100,
  /** Most values in one file after expanding aliases. */
  maxNodes: 1_000_000,
  /** Longest extends chain. */
  maxExtendsDepth: 16,
};

/** Where a value was written. `file` null means it came from an override or from code. */
export interface Origin {
  /** Display name of the file, or null. */
  file: string | null;
  /** 1-based line of the value, or null. */
  line: number | null;
  /** 1-based column of the value, or null. */
  column: number | null;
  /** 1-based line of the key naming this value, when it is an object field. */
  keyLine?: number;
  /** 1-based column of that key. */
  keyColumn?: number;
  /** Set when the value was written by an override, e.g. `services.inventory.servers=0`. */
  override?: string;
}

/** Parsed scenario text: plain data plus an origin per JSON pointer. */
export interface SourceDoc {
  /** Display name of the file. */
  file: string;
  /** The document as plain JSON-like data (a tree: aliases are copied, not shared). */
  value: unknown;
  /** Origins keyed by JSON pointer ("" is the document itself). */
  origins: Map<string, Origin>;
}

/** Result of reading or parsing one file. */
export type SourceResult = { ok: true; doc: SourceDoc } | { ok: false; errors: ScenarioError[] };

function fail(file: string | null, message: string, line: number | null = null, column: number | null = null): { ok: false; errors: ScenarioError[] } {
  return { ok: false, errors: [{ file, line, column, path: '', message }] };
}

/**
 * Reads and parses a scenario file, refusing oversized and binary files before parsing, and
 * anything that is not a regular file (a directory, a device such as /dev/zero, a FIFO that
 * would block forever): opened without blocking, checked on the open descriptor, and read
 * only up to the size limit (harden, #17).
 */
export function readScenarioSource(absPath: string, displayName: string): SourceResult {
  const read = readScenarioBytes(absPath, displayName);
  return read.ok ? parseScenarioBuffer(read.bytes, displayName) : read;
}

/** The bytes of a scenario file, read as readScenarioSource reads them (the same refusals), not parsed. */
export function readScenarioBytes(absPath: string, displayName: string): { ok: true; bytes: Buffer } | { ok: false; errors: ScenarioError[] } {
  let buf: Buffer;
  let fd: number | null = null;
  try {
    fd = openSync(absPath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return fail(displayName, 'is a directory, not a scenario file');
    if (!st.isFile()) return fail(displayName, 'is not a regular file (a device, FIFO or socket), not a scenario file');
    if (st.size > SCENARIO_LIMITS.maxBytes) return fail(displayName, `file is too large (${formatBytes(st.size)}; the limit is ${formatBytes(SCENARIO_LIMITS.maxBytes)})`);
    // One byte past the size fstat gave tells a file that grew meanwhile: never read unbounded.
    const chunk = Buffer.alloc(st.size + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < chunk.length; n += got) got = readSync(fd, chunk, n, chunk.length - n, null);
    if (n > st.size) return fail(displayName, 'changed while it was being read; try again');
    buf = chunk.subarray(0, n);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Codes, not Node's messages: those carry the absolute path, which a server must not show.
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is not a directory' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message);
    return fail(displayName, `cannot read file: ${reason}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return { ok: true, bytes: buf };
}

/** Parses scenario bytes (UTF-8 YAML or JSON). */
export function parseScenarioBuffer(buf: Buffer, displayName: string): SourceResult {
  if (buf.length > SCENARIO_LIMITS.maxBytes) return fail(displayName, `file is too large (${formatBytes(buf.length)}; the limit is ${formatBytes(SCENARIO_LIMITS.maxBytes)})`);
  if (buf.indexOf(0) !== -1) return fail(displayName, 'looks like a binary file (it contains NUL bytes); a scenario must be UTF-8 YAML or JSON text');
  return parseScenarioText(buf.toString('utf8'), displayName);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
}

class StopWalk extends Error {
  constructor(readonly error: ScenarioError) {
    super(error.message);
  }
}

/** Parses scenario text (YAML, or JSON when the name ends in .json). */
export function parseScenarioText(text: string, displayName: string): SourceResult {
  if (Buffer.byteLength(text, 'utf8') > SCENARIO_LIMITS.maxBytes) return fail(displayName, `text is too large (the limit is ${formatBytes(SCENARIO_LIMITS.maxBytes)})`);
  if (text.includes('\u0000')) return fail(displayName, 'looks like binary data (it contains NUL characters); a scenario must be YAML or JSON text');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const isJson = /\.json$/i.test(displayName);
  const { LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, isSeq } = yamlLibrary();
  const lc = new LineCounter();
  const pos = (offset: number): { line: number; col: number } => lc.linePos(offset);

  if (isJson) {
    // JSON.parse gives JSON-specific messages ("Unexpected token"); YAML then supplies positions.
    try {
      JSON.parse(text);
    } catch (err) {
      const msg = (err as Error).message;
      const m = /at position (\d+)/.exec(msg);
      const clean = msg.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
      if (text.trim() === '') return fail(displayName, 'file is empty (no scenario in it)');
      if (m !== null) {
        parseDocument(text, { lineCounter: lc });
        const p = pos(Number(m[1]));
        return fail(displayName, `invalid JSON: ${clean}`, p.line, p.col);
      }
      return fail(displayName, `invalid JSON: ${clean}`);
    }
  }

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  } catch (err) {
    return fail(displayName, `cannot parse: ${(err as Error).message}`);
  }
  const kind = isJson ? 'JSON' : 'YAML';
  if (doc.errors.length > 0) {
    const errors: ScenarioError[] = [];
    for (const e of doc.errors) {
      const p = pos(e.pos[0]);
      let message: string;
      if (e.code === 'DUPLICATE_KEY') message = `duplicate key ${JSON.stringify(keyTextAt(text, e.pos[0]))} (each field may appear only once)`;
      else if (e.code === 'MULTIPLE_DOCS') message = `contains more than one ${kind} document (a second "---"); a scenario is a single document`;
      else if (/call stack/i.test(e.message)) message = `nesting is too deep (the limit is ${SCENARIO_LIMITS.maxDepth} levels)`;
      else message = `invalid ${kind}: ${e.message.replace(/ at line \d+, column \d+.*$/s, '')}`;
      errors.push({ file: displayName, line: p.line, column: p.col, path: '', message });
      if (errors.length >= 20) break;
    }
    return { ok: false, errors };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return fail(displayName, 'file is empty (no scenario in it)');

  const origins = new Map<string, Origin>();
  let aliases = 0;
  let nodes = 0;
  const where = (n: YamlNode | null | undefined): { line: number; col: number } | null => (n?.range ? pos(n.range[0]) : null);

  const build = (node: unknown, segs: (string | number)[], depth: number, origin: Origin | null): unknown => {
    const ptr = toPointer(segs);
    if (++nodes > SCENARIO_LIMITS.maxNodes) throw new StopWalk({ file: displayName, line: origin?.line ?? null, column: origin?.column ?? null, path: '', message: `too many values (more than ${SCENARIO_LIMITS.maxNodes} after expanding aliases)` });
    if (depth > SCENARIO_LIMITS.maxDepth) throw new StopWalk({ file: displayName, line: origin?.line ?? null, column: origin?.column ?? null, path: '', message: `nesting is too deep (the limit is ${SCENARIO_LIMITS.maxDepth} levels)` });
    if (origin !== null) origins.set(ptr, origin);
    if (isAlias(node)) {
      if (++aliases > SCENARIO_LIMITS.maxAliasCount) throw new StopWalk({ file: displayName, line: origin?.line ?? null, column: origin?.column ?? null, path: '', message: `too many aliases (more than ${SCENARIO_LIMITS.maxAliasCount} uses of *name)` });
      const target = node.resolve(doc);
      if (target === undefined) throw new StopWalk({ file: displayName, line: origin?.line ?? null, column: origin?.column ?? null, path: '', message: `unknown alias *${node.source}` });
      // Children of an alias are located where the anchored value was written.
      return build(target, segs, depth, null);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v instanceof Uint8Array || v instanceof Date) return String(node.source ?? v);
      return v;
    }
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        let key: string;
        if (k === null || k === undefined) key = '';
        else if (isScalar(k)) key = String(k.value);
        else {
          const p = where(k as YamlNode);
          throw new StopWalk({ file: displayName, line: p?.line ?? null, column: p?.col ?? null, path: '', message: 'a key must be plain text, not a list or object' });
        }
        const kp = where(k as YamlNode | null);
        const vp = where(pair.value as YamlNode | null) ?? kp;
        const child: Origin = { file: displayName, line: vp?.line ?? null, column: vp?.col ?? null, ...(kp ? { keyLine: kp.line, keyColumn: kp.col } : {}) };
        const value = build(pair.value, [...segs, key], depth + 1, child);
        // "__proto__" is an ordinary field name here, not a prototype change.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const p = where(item as YamlNode | null);
        return build(item, [...segs, i], depth + 1, { file: displayName, line: p?.line ?? null, column: p?.col ?? null });
      });
    }
    return node === null || node === undefined ? null : undefined;
  };

  try {
    const p = where(doc.contents);
    const value = build(doc.contents, [], 0, { file: displayName, line: p?.line ?? 1, column: p?.col ?? 1 });
    return { ok: true, doc: { file: displayName, value, origins } };
  } catch (err) {
    if (err instanceof StopWalk) return { ok: false, errors: [err.error] };
    if (err instanceof RangeError) return fail(displayName, `nesting is too deep (the limit is ${SCENARIO_LIMITS.maxDepth} levels)`);
    throw err;
  }
}

/** The key written at `offset` (the parser's range covers only its first character). */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#\n,{}]+)/.exec(rest);
  if (m === null) return rest.split('\n')[0]!.trim();
  const k = m[1]!.trim();
  return k.startsWith('"') || k.startsWith("'") ? k.slice(1, -1) : k;
}

/** The origin of `segments`, or of its nearest located ancestor. */
export function locate(origins: Map<string, Origin>, segments: PathSegments, preferKey = false): Origin | null {
  for (let n = segments.length; n >= 0; n--) {
    const o = origins.get(toPointer(segments.slice(0, n)));
    if (o === undefined) continue;
    if (preferKey && n === segments.length && o.keyLine !== undefined) return { ...o, line: o.keyLine, column: o.keyColumn ?? null };
    return o;
  }
  return null;
}
