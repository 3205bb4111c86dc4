/**
 * Loading a scenario: read, parse with positions, resolve `extends`, apply overrides,
 * validate and convert units, run semantic checks, and locate every problem in the file
 * that wrote the offending value.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseScenarioText, readScenarioSource, locate, type Origin } from './source.js';
import { resolveExtends, readMergedSource, realOrResolved, isNamedList, isPlainObject, type Located, type MergeResult, type SourceReader } from './merge.js';
import { readPlainSource } from './plain-source.js';
import { canonicalJson } from './canonical-json.js';
import { applyOverridesChecked } from './overrides.js';
import { fillDefaults, jsonSchemaOf, validateAndConvert, type Issue } from './validate.js';
import { certainProblems, partialScenario, rawDuplicateNames, runScenarioChecks, SectionUnavailable, variantValues } from './checks.js';
import type { ScenarioLanguage } from './language.js';
import { resolveScenarioFiles, type FileResolver } from './files.js';
import { closest, displayPath, inDocumentOrder, showValue, toPointer, ScenarioLoadError, type ScenarioError } from './errors.js';
import type { Scenario } from './schema/index.js';

/** The writer of the scenario hash (canonical-json.ts), re-exported for those who import it from here (scenario/index.ts, search/store-key.ts). */
export { canonicalJson };

/** The outcome of loading a scenario: the compiled scenario, or every problem found. */
export type LoadResult =
  | {
      ok: true;
      /** The validated scenario, units converted to base units, defaults filled. */
      scenario: Scenario;
      /** The file it was loaded from (null for raw documents). */
      file: string | null;
      /** sha256 (hex) of the canonical merged raw document, overrides included. */
      hash: string;
      /** The merged document before unit conversion (overrides included), for variant overrides. */
      raw: unknown;
    }
  | {
      ok: false;
      /** Every problem found, in document order, each once. */
      errors: ScenarioError[];
      /**
       * What further checks (e.g. `opsim validate`'s of a `search:` section) may read: the
       * scenario when the schema accepted it but a check did not, or its sections that validated
       * when the schema refused some (reading one that did not throws SectionUnavailable, see
       * checks.ts `partialScenario`). Absent when the document could not be read, merged or
       * overridden.
       */
      partial?: Scenario;
    };

/** Options of the file loader. */
export interface LoadOptions {
  /** Field-path overrides applied after extends, e.g. `{ "services.inventory.servers": 12 }`. */
  overrides?: Record<string, unknown>;
}

/** Options of the text loader (HTTP API). */
export interface LoadTextOptions extends LoadOptions {
  /** Name used in messages; a `.json` ending selects JSON messages. */
  file: string;
  /** Directory `extends` and `traceFile` resolve against; files may not lie outside it. Without it, both are refused. */
  baseDir?: string;
}

/** Options of compileRaw. */
export interface CompileOptions extends LoadOptions {
  /** Name used in messages and in the result. */
  file?: string;
}

/** Every number in the raw document that is not finite (YAML `.inf`, `.nan`): refused wherever it stands. */
function nonFiniteNumbers(raw: unknown): Issue[] {
  const out: Issue[] = [];
  const walk = (v: unknown, segs: (string | number)[]): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) out.push({ segments: segs, message: `must be a finite number, got ${showValue(v)}` });
    else if (Array.isArray(v)) v.forEach((e, i) => walk(e, [...segs, i]));
    else if (isPlainObject(v)) for (const k of Object.keys(v)) walk(v[k], [...segs, k]);
  };
  walk(raw, []);
  return out;
}

/**
 * What checks may read of a document the schema refused: its top-level sections that validated,
 * converted and with defaults filled (see checks.ts `partialScenario`), and the sections set
 * aside. A section is set aside when an issue lies in it, when it is required but missing, or
 * when it may be what a misspelt top-level field meant (the closest known name when the document
 * lacks it; every absent section when none is close). Null when the document is not an object.
 */
function validParts(language: ScenarioLanguage, raw: unknown, issues: readonly Issue[]): { partial: Scenario; unavailable: Set<string> } | null {
  if (!isPlainObject(raw)) return null;
  const root = jsonSchemaOf(language.schema);
  const sections = isPlainObject(root.properties) ? Object.keys(root.properties) : [];
  const known = new Set(sections);
  const unavailable = new Set<string>();
  let unplaced = false;
  for (const issue of issues) {
    const top = issue.segments[0];
    if (typeof top !== 'string') continue;
    if (known.has(top)) unavailable.add(top);
    else {
      // A misspelling of a section the document also has (`loads` beside `load`) sets nothing
      // aside: that section is there and validated on its own, its problems are still said.
      const meant = closest(top, sections);
      if (meant === undefined) unplaced = true;
      else if (!Object.prototype.hasOwnProperty.call(raw, meant)) unavailable.add(meant);
    }
  }
  const required = Array.isArray(root.required) ? (root.required as string[]) : [];
  for (const k of sections) if (!Object.prototype.hasOwnProperty.call(raw, k) && (unplaced || required.includes(k))) unavailable.add(k);
  const partial = partialOf(language, raw, known, unavailable);
  return partial === null ? null : { partial, unavailable };
}

/** The known top-level sections of `raw` but those `unavailable`, converted with defaults filled, as checks see them (checks.ts `partialScenario`). */
function partialOf(language: ScenarioLanguage, raw: Record<string, unknown>, known: ReadonlySet<string>, unavailable: ReadonlySet<string>): Scenario | null {
  const valid: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) if (known.has(k) && !unavailable.has(k)) valid[k] = raw[k];
  let converted: Record<string, unknown>;
  try {
    converted = fillDefaults(language.schema, valid);
  } catch {
    return null;
  }
  for (const k of unavailable) delete converted[k];
  return partialScenario(converted, unavailable);
}

/**
 * Checks what could be read of a scenario whose `extends` chain broke (merge.ts `known`: the
 * files above the break, merged): the schema problems certain whatever the unread bases hold
 * (checks.ts `certainProblems`: unknown fields, values their field refuses, names repeated in a
 * list), and the checks and file hooks on the top-level values no base can change (a scalar, a
 * list that replaces the base's); every other section is set aside, as one the schema refused,
 * since an unread base may add to it (a section it would supply is never called missing).
 * Overrides wait until the chain is mended: where they write depends on the base.
 */
function checkKnownPart(language: ScenarioLanguage, known: Located, baseDir: string | null): { issues: Issue[]; partial: Scenario | null; origins: Map<string, Origin> } {
  const raw = known.value;
  const schema = jsonSchemaOf(language.schema);
  const issues = [...nonFiniteNumbers(raw), ...certainProblems(raw, schema)];
  if (!isPlainObject(raw)) return { issues, partial: null, origins: known.origins };
  const sections = new Set(isPlainObject(schema.properties) ? Object.keys(schema.properties) : []);
  const unavailable = new Set(sections);
  const broken = new Set(issues.map((i) => i.segments[0]));
  for (const k of Object.keys(raw)) {
    const v = raw[k];
    const stands = v !== null && !isPlainObject(v) && !(Array.isArray(v) && v.length > 0 && isNamedList(v));
    if (sections.has(k) && stands && !broken.has(k)) unavailable.delete(k);
  }
  issues.push(...rawDuplicateNames(raw, unavailable));
  const partial = partialOf(language, raw, sections, unavailable);
  if (partial === null) return { issues, partial, origins: known.origins };
  issues.push(...runScenarioChecks(partial, language.checks, schema));
  issues.push(...resolveScenarioFiles(raw, partial, baseDir, guardedResolvers(language.resolveFiles)).issues);
  return { issues, partial, origins: known.origins };
}

/**
 * The variants' values checked against their fields' schemas (checks.ts `variantValues`), for a
 * scenario that did not load: a loaded one has every variant compiled whole instead, so the
 * happy path pays nothing here. Located at the variant's setting (its key, like the compile's).
 */
function variantValueIssues(scenario: Scenario, schema: unknown): Issue[] {
  return runScenarioChecks(scenario, [variantValues], schema).map((f) => ({ ...f, atKey: true }));
}

/**
 * The settings of each listed variant judged together, for a scenario that did not load (a
 * loaded one has every variant compiled whole by the experiment planner instead): a `dist` set by
 * one setting and its parameter by another, two bounds a model's check compares. Only where it is
 * sound: every setting of the variant writes into a top-level section that validated (`unavailable`
 * holds those that did not), since the schema judges each section on its own and the checks read
 * only sound sections; the base's own check findings (`baseFindings`) are not said again. Worded
 * and located as the whole-variant compile says them: a problem in a value a setting wrote, at that
 * setting (and not when the setting's value alone was already refused, `said`); one elsewhere, at
 * its place in the file, tagged with the variant. Factor designs are not expanded here (their
 * combinations can number thousands): their values are checked one by one (variantValues).
 */
function variantJointIssues(language: ScenarioLanguage, raw: unknown, scenario: Scenario, unavailable: ReadonlySet<string>, baseFindings: readonly Issue[], said: readonly Issue[]): Issue[] {
  let variants: NonNullable<Scenario['experiment']>['variants'];
  try {
    variants = scenario.experiment?.variants;
  } catch (err) {
    if (err instanceof SectionUnavailable) return [];
    throw err;
  }
  if (variants === undefined || !('list' in variants) || !isPlainObject(raw)) return [];
  const schema = jsonSchemaOf(language.schema);
  const known = new Set(isPlainObject(schema.properties) ? Object.keys(schema.properties) : []);
  const key = (i: Issue): string => `${toPointer(i.segments)}\u0000${i.message}`;
  const before = new Set(baseFindings.map(key));
  const refused = new Set(said.map((i) => toPointer(i.segments)));
  const out: Issue[] = [];
  variants.list.forEach((v, i) => {
    const set = Object.fromEntries(Object.entries(v.set ?? {}).filter(([p]) => p !== 'experiment' && !p.startsWith('experiment.')));
    if (Object.keys(set).length < 2) return;
    const r = applyOverridesChecked(raw, set, schema);
    if (!r.ok) return; // a path that does not exist: experimentSection says it
    const touched = new Set(r.written.map((w) => w.path[0]));
    if ([...touched].some((t) => typeof t !== 'string' || !known.has(t) || unavailable.has(t))) return;
    const v2 = validateAndConvert(language.schema, r.doc);
    const issues = v2.ok ? [] : v2.issues.filter((x) => touched.has(x.segments[0] as string));
    const broken = new Set(issues.map((x) => x.segments[0] as string));
    const partial = isPlainObject(r.doc) ? partialOf(language, r.doc, known, new Set([...unavailable, ...broken])) : null;
    const findings = partial === null ? [] : runScenarioChecks(partial, language.checks, schema).filter((f) => !before.has(key(f)));
    for (const x of [...issues, ...findings]) {
      const j = r.written.findIndex((w) => w.path.length <= x.segments.length && w.path.every((s, k) => s === x.segments[k]));
      const label = `variant ${JSON.stringify(v.name)}`;
      const own = r.written[j];
      if (own === undefined) {
        out.push({ segments: x.segments, message: `${label}: ${x.message}`, atKey: true }); // at the key, as the planner's compile places it
        continue;
      }
      // Every setting applied (r.ok), so the j-th written path is the j-th setting's.
      const at = ['experiment', 'variants', 'list', i, 'set', Object.keys(set)[j]!];
      if (refused.has(toPointer(at))) continue;
      const where = displayPath(x.segments);
      out.push({ segments: at, message: `${label}: ${where === at[5] ? '' : `${where}: `}${x.message} (set by override ${own.source})`, atKey: true });
    }
  });
  return out;
}

/** The language's file hooks, each stopping quietly at a section that did not validate (as checks do). */
function guardedResolvers(resolvers: readonly FileResolver[]): FileResolver[] {
  return resolvers.map((resolve) => (scenario, raw, files) => {
    try {
      resolve(scenario, raw, files);
    } catch (err) {
      if (!(err instanceof SectionUnavailable)) throw err;
    }
  });
}

/**
 * Validates, checks and compiles a merged document. `baseDir` is the directory files named
 * by the scenario (through the models' resolveFiles hooks, e.g. traceFile) are read from and confined to; null: no file may be read.
 *
 * A valid document takes the one straight path (schema, checks, files). When the schema refuses
 * it, the checks and file hooks still run on the sections that validated (validParts), and when a
 * check fails the file hooks still run, so one load reports every problem it can find; `complete`
 * false stops at the first failing stage instead (the plain-source attempt, whose failure is
 * followed by a located load that reports everything). `joint`: when the document does not load,
 * also check the variants' values (variantValueIssues) and judge each variant's settings together
 * (variantJointIssues): for a scenario as loaded from a file or text, not for compileRaw, which
 * compiles each variant itself (a variant's compile spoke for every other variant, under its own
 * name: `variant "warm": variant "one": …`).
 */
function compileLocated(language: ScenarioLanguage, located: Located, file: string | null, overrides: Record<string, unknown> | undefined, baseDir: string | null = null, complete = true, joint = false): LoadResult {
  let raw = located.value;
  const origins = new Map(located.origins);
  // Overrides whose path does not exist are said with every other problem: the others still apply.
  let overrideErrors: ScenarioError[] = [];
  if (overrides !== undefined && Object.keys(overrides).length > 0) {
    let r = applyOverridesChecked(raw, overrides, jsonSchemaOf(language.schema));
    if (!r.ok) {
      if (!complete) return { ok: false, errors: r.errors };
      overrideErrors = r.errors;
      const bad = new Set(r.errors.map((e) => e.path));
      r = applyOverridesChecked(raw, Object.fromEntries(Object.entries(overrides).filter(([p]) => !bad.has(p))), jsonSchemaOf(language.schema));
      if (!r.ok) return { ok: false, errors: [...overrideErrors, ...r.errors] };
    }
    raw = r.doc;
    for (const w of r.written) {
      const ptr = toPointer(w.path);
      for (const k of [...origins.keys()]) if (k === ptr || k.startsWith(ptr + '/')) origins.delete(k);
      origins.set(ptr, { file: null, line: null, column: null, override: w.source });
    }
  }
  const toError = errorLocator(origins, file);
  const fail = (issues: readonly Issue[], partial: Scenario | null): LoadResult => ({ ok: false, errors: byOverride(inDocumentOrder([...issues.map(toError), ...overrideErrors]), overrides), ...(partial !== null ? { partial } : {}) });
  const schema = jsonSchemaOf(language.schema);
  const nonFinite = nonFiniteNumbers(raw);
  const v = validateAndConvert(language.schema, raw);
  if (!v.ok || nonFinite.length > 0) {
    // A non-finite number says it once, not again as a schema mismatch.
    const said = new Set(nonFinite.map((i) => toPointer(i.segments)));
    const schemaIssues = v.ok ? [] : v.issues.filter((i) => !said.has(toPointer(i.segments)));
    const issues = [...nonFinite, ...schemaIssues];
    const parts = complete ? validParts(language, raw, issues) : null;
    if (parts === null) return fail(issues, null);
    const { partial, unavailable } = parts;
    const findings = runScenarioChecks(partial, language.checks, schema);
    const files = resolveScenarioFiles(raw, partial, baseDir, guardedResolvers(language.resolveFiles));
    // Names repeated in a set-aside section are duplicates whatever else is wrong there.
    const duplicates = rawDuplicateNames(raw as Record<string, unknown>, unavailable);
    const values = joint ? variantValueIssues(partial, schema) : [];
    return fail([...issues, ...duplicates, ...findings, ...files.issues, ...values, ...(joint ? variantJointIssues(language, raw, partial, unavailable, findings, values) : [])], partial);
  }
  const findings = runScenarioChecks(v.scenario, language.checks, schema);
  if (findings.length > 0) {
    if (!complete) return fail(findings, null);
    // The scenario is kept for further checks; the file hooks edit a copy of it.
    const files = resolveScenarioFiles(raw, structuredClone(v.scenario), baseDir, language.resolveFiles);
    const values = joint ? variantValueIssues(v.scenario, schema) : [];
    return fail([...findings, ...files.issues, ...values, ...(joint ? variantJointIssues(language, raw, v.scenario, new Set(), findings, values) : [])], v.scenario);
  }
  const files = resolveScenarioFiles(raw, v.scenario, baseDir, language.resolveFiles);
  if (files.issues.length > 0 || overrideErrors.length > 0) {
    if (!complete) return fail(files.issues, null);
    const values = joint ? variantValueIssues(v.scenario, schema) : [];
    return fail([...files.issues, ...values, ...(joint ? variantJointIssues(language, raw, v.scenario, new Set(), [], values) : [])], v.scenario);
  }
  raw = files.raw;
  return { ok: true, scenario: v.scenario, file, hash: createHash('sha256').update(canonicalJson(raw)).digest('hex'), raw };
}

/**
 * Errors with the problems of overrides (no file: after the file's) in the order the overrides
 * were given, a bad path and a bad value alike, so `--set` problems read in command-line order.
 */
function byOverride(errors: ScenarioError[], overrides: Record<string, unknown> | undefined): ScenarioError[] {
  if (overrides === undefined) return errors;
  const keys = Object.keys(overrides);
  const rank = (e: ScenarioError): number => {
    const i = keys.findIndex((k) => e.path === k || e.message.includes(`(set by override ${k}=`));
    return i === -1 ? keys.length : i;
  };
  const unplaced = errors.filter((e) => e.file === null);
  return [...errors.filter((e) => e.file !== null), ...unplaced.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([e]) => e)];
}

/** Locates a problem found on a document whose values came from `origins` (a file's position, or the override that wrote it). */
function errorLocator(origins: Map<string, Origin>, file: string | null): (issue: Issue) => ScenarioError {
  return (issue) => {
    const o: Origin | null = locate(origins, issue.segments, issue.atKey === true);
    const p = displayPath(issue.segments);
    if (o?.override !== undefined) return { file: null, line: null, column: null, path: p, message: `${issue.message} (set by override ${o.override})` };
    return { file: o?.file ?? file, line: o?.line ?? null, column: o?.column ?? null, path: p, message: issue.message };
  };
}

/** The loading functions of one scenario language (src/scenario/index.ts binds opsim's). */
export interface ScenarioLoader {
  /** Loads, merges, validates, converts and checks a scenario file (YAML, or JSON by extension). */
  loadScenarioFile(file: string, options?: LoadOptions): LoadResult;
  /** Loads a scenario given as text (HTTP API); `extends` is confined to `baseDir`. */
  loadScenarioText(text: string, options: LoadTextOptions): LoadResult;
  /** Validates, converts and checks an already merged raw document (e.g. `LoadResult.raw`) plus overrides. */
  compileRaw(raw: unknown, options?: CompileOptions): LoadResult;
  /** Like loadScenarioFile, but returns the scenario result or throws ScenarioLoadError. */
  loadScenarioFileOrThrow(file: string, options?: LoadOptions): Extract<LoadResult, { ok: true }>;
}

/** Options of a language's loader. */
export interface LoaderOptions {
  /**
   * Read a file without positions first and with positions only when it has a problem
   * (src/scenario/plain-source.ts; the same results, about 40 CPU ms less per file). Default
   * true; false reads every file with positions (tests compare the two).
   */
  plainFirst?: boolean;
}

/** A base file read by the plain reader; a file it does not take fails the plain attempt (no errors: the located reader finds them). */
const plainReader: SourceReader = (abs, display) => {
  const doc = readPlainSource(abs, display);
  return doc === null ? { ok: false, errors: [] } : { ok: true, doc };
};

/** The loader of a language: every function finds every problem the language's schema and checks know of. */
export function createScenarioLoader(language: ScenarioLanguage, loaderOptions: LoaderOptions = {}): ScenarioLoader {
  const fromMerge = (m: MergeResult, file: string | null, overrides: Record<string, unknown> | undefined, baseDir: string | null): LoadResult => {
    if (!m.ok) {
      if (m.known === undefined) return { ok: false, errors: m.errors };
      // A broken chain: its problem, and what can be checked of the files above the break (those
      // files in the chain's order, the one loaded first, when they have problems of their own).
      const k = checkKnownPart(language, m.known, baseDir);
      const found = k.issues.map(errorLocator(k.origins, file));
      return { ok: false, errors: inDocumentOrder([...found.filter((e) => e.file === file), ...found, ...m.errors]), ...(k.partial !== null ? { partial: k.partial } : {}) };
    }
    return compileLocated(language, m, file, overrides, baseDir, true, true);
  };

  const loadScenarioFile = (file: string, options: LoadOptions = {}): LoadResult => {
  const abs = path.resolve(file);
  const ctx = { absDir: path.dirname(abs), displayDir: path.dirname(file) };
  if (loaderOptions.plainFirst !== false) {
    // Without positions first (src/scenario/plain-source.ts): kept only when the whole load succeeds.
    const plain = readPlainSource(abs, file);
    if (plain !== null) {
      const merged = resolveExtends(plain, ctx, [realOrResolved(abs)], plainReader);
      const r = merged.ok ? compileLocated(language, merged, file, options.overrides, path.dirname(abs), false) : merged;
      if (r.ok) return r;
    }
  }
  return fromMerge(readMergedSource(file), file, options.overrides, path.dirname(abs));
  };

  const loadScenarioText = (text: string, options: LoadTextOptions): LoadResult => {
  const src = parseScenarioText(text, options.file);
  if (!src.ok) return { ok: false, errors: src.errors };
  const ctx =
    options.baseDir !== undefined
      ? { absDir: path.resolve(options.baseDir), displayDir: options.baseDir, jail: options.baseDir }
      : { absDir: null, displayDir: '' };
  const merged = resolveExtends(src.doc, ctx, []);
  return fromMerge(merged, options.file, options.overrides, options.baseDir !== undefined ? path.resolve(options.baseDir) : null);
  };

  const compileRaw = (raw: unknown, options: CompileOptions = {}): LoadResult => {
  const file = options.file ?? null;
  const origins = new Map<string, Origin>();
  if (file !== null) origins.set('', { file, line: null, column: null });
  return compileLocated(language, { value: raw, origins }, file, options.overrides);
  };

  const loadScenarioFileOrThrow = (file: string, options: LoadOptions = {}): Extract<LoadResult, { ok: true }> => {
    const r = loadScenarioFile(file, options);
    if (!r.ok) throw new ScenarioLoadError(r.errors);
    return r;
  };

  return { loadScenarioFile, loadScenarioText, compileRaw, loadScenarioFileOrThrow };
}
