/**
 * Reading a scenario's data without positions, for a file that will load cleanly: positions
 * are wanted only to say where a problem is, and the YAML library that keeps them (`yaml`,
 * src/scenario/source.ts) costs 40–60 CPU ms on a 12 kB scenario in a fresh process, the
 * largest part of a one-replication `opsim run` beyond the replication itself. js-yaml reads
 * the same text in about a fifth of that.
 *
 * The loader tries this reader first and uses what it gives only when the whole load then
 * succeeds; on any problem (here or later: schema, checks, files) it loads the file again
 * with positions, so every message is the one the located reader gives. This reader therefore
 * only has to give the same data as the located one for what it accepts, and it accepts only
 * plain YAML where the two libraries agree by construction: one document, the YAML 1.2 core
 * schema, no directives, no tags, anchors or aliases, keys that are non-empty scalars no longer
 * than the located reader allows (see `keyTooLong`), and no deeper nesting or more values than
 * it allows (a file outside that, or one
 * js-yaml refuses, is read with positions: slower, never different). test/scenario/plain-source.test.ts
 * compares the two on every shipped scenario, the bad corpus and generated documents.
 */
import { readScenarioBytes, SCENARIO_LIMITS, type SourceDoc } from './source.js';
import { jsYamlLibrary } from './yaml-library.js';

type JsYaml = typeof import('js-yaml');

/**
 * The data of scenario text when it is plain YAML (see the module comment) that js-yaml reads,
 * as the located reader would give it; undefined otherwise. `json`: the text is a .json file,
 * which must also be JSON.
 */
export function plainData(text: string, json = false): unknown {
  if (text.includes('\u0000')) return undefined;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const Y = jsYamlLibrary();
  try {
    if (json) JSON.parse(text);
    // maxDepth: js-yaml's own bound on nesting while it parses (the walk below applies ours).
    const events = Y.parseEvents(text, { maxDepth: SCENARIO_LIMITS.maxDepth + 2 });
    if (!isPlain(events, Y.EVENT_ID, text, Y.SCALAR_STYLE.PLAIN)) return undefined;
    const docs = Y.constructFromEvents(events, { source: text, schema: Y.CORE_SCHEMA });
    return docs.length === 1 ? docs[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The YAML 1.2 core schema's numbers: decimal, octal and hexadecimal integers, and floats. */
const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/** Whether plain scalar text is a core-schema number too large for a double (`1e400`: Infinity to the located reader, the text to js-yaml). */
function overflows(source: string): boolean {
  if (!CORE_NUMBER.test(source)) return false;
  const v = source.startsWith('0x') ? parseInt(source.slice(2), 16) : source.startsWith('0o') ? parseInt(source.slice(2), 8) : Number(source);
  return !Number.isFinite(v);
}

/**
 * The located reader's one length limit that js-yaml lacks: YAML's 1024 characters from the
 * start of an implicit key (its opening quote, if quoted) to its `:` indicator, which `yaml`
 * enforces on block mapping keys and flow sequence pairs (KEY_OVER_1024_CHARS, counted as
 * colon offset - key start > 1024). Measured here to the first character after the key, its
 * closing quote and any spaces or tabs: the `:` of an implicit key, so exactly yaml's measure
 * there; for a key whose `:` is further on (an explicit `? key`) or that has no limit (a flow
 * mapping's), it may decline a key yaml accepts, which only costs the located read.
 */
export const MAX_IMPLICIT_KEY_SPAN = 1024;

function keyTooLong(text: string, valueStart: number, valueEnd: number, quoted: boolean): boolean {
  const start = quoted ? valueStart - 1 : valueStart;
  let end = quoted ? valueEnd + 1 : valueEnd;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return end - start > MAX_IMPLICIT_KEY_SPAN;
}

/**
 * Whether an event stream is one document without directives, tags, anchors or aliases, whose
 * mapping keys are non-empty scalars (an empty key is "" to the located reader and "null" to
 * js-yaml) within the implicit-key limit (`keyTooLong`), no deeper than the located reader's
 * limit, with no more values than it allows,
 * and no plain number that overflows a double (see `overflows`).
 */
function isPlain(events: ReturnType<JsYaml['parseEvents']>, id: JsYaml['EVENT_ID'], text: string, plainStyle: number): boolean {
  if (events.length > SCENARIO_LIMITS.maxNodes) return false;
  let documents = 0;
  // For each open collection: whether it is a mapping, and how many nodes it holds so far.
  const mapping: boolean[] = [];
  const count: number[] = [];
  for (const e of events) {
    if (e.type === id.POP) {
      mapping.pop();
      count.pop();
      continue;
    }
    if (e.type === id.DOCUMENT) {
      if (++documents > 1 || e.directives.length > 0) return false;
      continue;
    }
    if (e.type === id.ALIAS || e.anchorStart !== -1 || e.tagStart !== -1) return false;
    const top = mapping.length - 1;
    const isKey = top >= 0 && mapping[top] === true && count[top]! % 2 === 0;
    if (top >= 0) count[top]!++;
    if (e.type === id.SCALAR) {
      if (isKey && (e.valueEnd === e.valueStart || keyTooLong(text, e.valueStart, e.valueEnd, e.style !== plainStyle))) return false;
      if (e.style === plainStyle && overflows(text.slice(e.valueStart, e.valueEnd))) return false;
      continue;
    }
    // A collection: never a key; the located reader refuses nesting deeper than its limit.
    if (isKey || mapping.length >= SCENARIO_LIMITS.maxDepth) return false;
    mapping.push(e.type === id.MAPPING);
    count.push(0);
  }
  return documents === 1;
}

/**
 * A scenario file read without positions (its origins are empty), or null when the file is not
 * plain YAML as above or cannot be read as a scenario: the caller reads it with positions.
 */
export function readPlainSource(absPath: string, displayName: string): SourceDoc | null {
  const read = readScenarioBytes(absPath, displayName);
  if (!read.ok) return null;
  const value = plainData(read.bytes.toString('utf8'), /\.json$/i.test(displayName));
  // A scenario is a mapping; anything else gets the located reader's message.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return { file: displayName, value, origins: new Map() };
}
