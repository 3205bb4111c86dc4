/**
 * Scenario errors as planners see them: one line per problem, with the file and position
 * where the offending value was written, e.g.
 * `scenarios/x.yaml:12:7 services[0].servers: must be an integer ≥ 1, got 0`.
 */

/** One problem in a scenario, located in the file it came from when known. */
export interface ScenarioError {
  /** File the offending value was written in (null for inline text or overrides). */
  file: string | null;
  /** 1-based line, null when unknown. */
  line: number | null;
  /** 1-based column, null when unknown. */
  column: number | null;
  /** Field path in display form, e.g. `services[0].servers` ("" for the whole document). */
  path: string;
  /** What is wrong, phrased for a planner. */
  message: string;
}

/** Formats an error as `file:line:column path: message`. */
export function formatScenarioError(e: ScenarioError): string {
  let where = '';
  if (e.file !== null) {
    where = e.file;
    if (e.line !== null) where += `:${e.line}` + (e.column !== null ? `:${e.column}` : '');
  }
  const what = e.path === '' ? e.message : `${e.path}: ${e.message}`;
  return where === '' ? what : `${where} ${what}`;
}

/**
 * Errors in document order, each once: by file (in the order the files first appear; problems
 * without a file, from overrides, last), then line and column; problems found in the same place
 * keep the order they were found in. The same problem found twice (same place, path and message)
 * is listed once.
 */
export function inDocumentOrder(errors: readonly ScenarioError[]): ScenarioError[] {
  const fileOrder = new Map<string | null, number>();
  for (const e of errors) if (!fileOrder.has(e.file) && e.file !== null) fileOrder.set(e.file, fileOrder.size);
  fileOrder.set(null, Number.MAX_SAFE_INTEGER);
  const seen = new Set<string>();
  return errors
    .filter((e) => {
      const k = `${e.file}\u0000${e.line}\u0000${e.column}\u0000${e.path}\u0000${e.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? Infinity) - (b.column ?? Infinity) || i - j)
    .map(([e]) => e);
}

/** Thrown by the *OrThrow loaders; carries every problem found. */
export class ScenarioLoadError extends Error {
  /** Every problem, in file order. */
  readonly errors: ScenarioError[];
  constructor(errors: ScenarioError[]) {
    super(
      errors.length === 1
        ? formatScenarioError(errors[0]!)
        : `${errors.length} problems in scenario:\n${errors.map((e) => '  ' + formatScenarioError(e)).join('\n')}`,
    );
    this.name = 'ScenarioLoadError';
    this.errors = errors;
  }
}

/** A location inside a document: object keys and array indexes. */
export type PathSegments = readonly (string | number)[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Renders path segments as `services[0].serviceTime.dist`. */
export function displayPath(segments: PathSegments): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Encodes path segments as a JSON pointer (`/services/0/servers`). */
export function toPointer(segments: PathSegments): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Decodes a JSON pointer; numeric segments become numbers (array indexes). */
export function fromPointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** Levenshtein edit distance (small strings: field names). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `word`, if close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const cl = c.toLowerCase();
    // A prefix ("expo" for "exponential") is as telling as a small edit.
    const d = cl.startsWith(w) && w.length >= 3 ? 1 : editDistance(w, cl);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** " (did you mean "x"?)" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}

/** Shows a value in an error message, briefly. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (typeof v === 'number') return Number.isNaN(v) ? '.nan' : v === Infinity ? '.inf' : v === -Infinity ? '-.inf' : String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Parses a field path as written in overrides and checks: `services[0].servers`,
 * `services.inventory.servers`, `staffing.teams.noc.shifts[1].headcount`, `a["odd.key"]`.
 * Bracketed integers become numbers; everything else stays text. Throws on bad syntax.
 */
export function parseFieldPath(text: string): (string | number)[] {
  const segs: (string | number)[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) throw new Error('empty field path');
  while (i < n) {
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close === -1) throw new Error(`unclosed "[" in field path ${JSON.stringify(text)}`);
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segs.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) segs.push(JSON.parse(inner) as string);
      else if (inner !== '') segs.push(inner);
      else throw new Error(`empty [] in field path ${JSON.stringify(text)}`);
      i = close + 1;
      if (text[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < n && text[j] !== '.' && text[j] !== '[') j++;
    const part = text.slice(i, j);
    if (part === '') throw new Error(`empty segment in field path ${JSON.stringify(text)}`);
    segs.push(part);
    i = j;
    if (text[i] === '.') {
      i++;
      if (i === n) throw new Error(`field path ${JSON.stringify(text)} ends with "."`);
    }
  }
  return segs;
}
