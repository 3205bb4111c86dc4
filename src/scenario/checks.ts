/**
 * Semantic checks: rules JSON Schema cannot express, such as cross-references between
 * sections and run budgets. They run on the compiled scenario, and their findings are located
 * in the file like any schema error. When the schema refuses some sections, they still run on
 * the sections that validated (`partialScenario`): a check stops at the first section it reads
 * that did not, so a schema error hides no other problem and no check speaks from broken input.
 *
 * The language runs exactly the checks it is given (`ScenarioLanguage.checks`, composed by
 * the model catalog in src/models/index.ts): there is no registry and nothing is registered
 * as an import side effect, so `opsim validate`, the library and the server find the same
 * problems whatever was imported first. The generic checks below belong to the language
 * itself (names, run settings, the experiment section).
 */
import type { Scenario } from './schema/index.js';
import type { SchemaObject } from 'ajv';
import { didYouMean, displayPath, parseFieldPath, showValue, type PathSegments } from './errors.js';
import { isPlainObject } from './merge.js';
import { applyOverridesChecked, leafSchemas, type OverrideOutcome } from './overrides.js';
import { compileValidator, describeSchema, validateWith, type Compiled, type Issue } from './validate.js';

/** Reports one problem at a field path (`services[0].name` or segments). */
export type ScenarioReport = (path: string | PathSegments, message: string) => void;

/**
 * A semantic check over a unit-converted scenario whose every section it reads is schema-valid
 * (reading one that is not throws SectionUnavailable, which ends the check); `schema` is the
 * language's scenario schema as plain JSON (most checks ignore it).
 */
export type ScenarioCheck = (scenario: Scenario, report: ScenarioReport, schema: unknown) => void;

/** A problem found by a check, before it is located in a file. */
export interface CheckFinding {
  /** Where the problem is. */
  segments: (string | number)[];
  /** What is wrong. */
  message: string;
}

/**
 * Thrown when a check reads a top-level section of a scenario the schema refused (see
 * `partialScenario`): the check stops there, since what it would say next rests on a section
 * that did not validate. runScenarioChecks and the file hooks' runner end the check quietly.
 */
export class SectionUnavailable extends Error {
  constructor(readonly section: string) {
    super(`the scenario's ${JSON.stringify(section)} section did not validate`);
    this.name = 'SectionUnavailable';
  }
}

/**
 * The parts of a scenario the schema accepted, as checks see them when it refused the rest:
 * `valid` holds the top-level sections that validated (converted, defaults filled); reading a
 * section named in `unavailable` (it did not validate, is missing though required, or may be the
 * one a misspelt top-level field meant) throws SectionUnavailable. A check so runs only as far as
 * the sections it reads are sound: it never sees a broken section, nor takes one for absent.
 */
export function partialScenario(valid: Record<string, unknown>, unavailable: ReadonlySet<string>): Scenario {
  const guard = (key: string | symbol): void => {
    if (typeof key === 'string' && unavailable.has(key)) throw new SectionUnavailable(key);
  };
  return new Proxy(valid, {
    get(target, key, receiver) {
      guard(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      guard(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      guard(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  }) as unknown as Scenario;
}

/**
 * Runs the given checks; a check that throws is itself reported, not rethrown, except one that
 * stopped at a section that did not validate (SectionUnavailable): what it found before it
 * stopped stands (it read only sections that validated), the rest is not said.
 */
export function runScenarioChecks(scenario: Scenario, checks: readonly ScenarioCheck[], schema: unknown): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const report: ScenarioReport = (path, message) => {
    let segments: (string | number)[];
    try {
      segments = typeof path === 'string' ? (path === '' ? [] : parseFieldPath(path)) : [...path];
    } catch {
      segments = [];
    }
    findings.push({ segments, message });
  };
  for (const check of checks) {
    try {
      check(scenario, report, schema);
    } catch (err) {
      if (err instanceof SectionUnavailable) continue;
      findings.push({ segments: [], message: `internal error in a scenario check (${check.name || 'anonymous'}): ${(err as Error).message}` });
    }
  }
  return findings;
}

/** Lists of named objects are addressed by name (extends, overrides), so names must be unique. */
export function uniqueNames(scenario: Scenario, report: ScenarioReport): void {
  const walk = (v: unknown, segs: (string | number)[]): void => {
    if (Array.isArray(v)) {
      const first = new Map<string, number>();
      v.forEach((e, i) => {
        if (isPlainObject(e) && typeof e.name === 'string') {
          const prev = first.get(e.name);
          if (prev === undefined) first.set(e.name, i);
          else report([...segs, i, 'name'], `duplicate name ${JSON.stringify(e.name)} (already used by item ${prev})`);
        }
        walk(e, [...segs, i]);
      });
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) walk(v[k], [...segs, k]);
    }
  };
  walk(scenario, []);
}

/** Most series rows one replication may record (horizon ÷ interval): a row holds every column. */
export const MAX_SERIES_ROWS = 100_000;

/** Run settings that cannot work: a warm-up as long as the run, more series rows than memory should hold. */
export function runSettings(scenario: Scenario, report: ScenarioReport): void {
  const warmup = scenario.warmup ?? 0;
  if (warmup >= scenario.horizon) {
    report('warmup', `must be shorter than the horizon (${scenario.horizon} s), got ${warmup} s`);
  }
  const interval = scenario.interval ?? 900;
  const rows = Math.ceil(scenario.horizon / interval);
  if (rows > MAX_SERIES_ROWS) {
    report(scenario.interval === undefined ? 'horizon' : 'interval', `horizon ${scenario.horizon} s ÷ interval ${interval} s = ${rows.toLocaleString('en')} series rows per replication, more than ${MAX_SERIES_ROWS.toLocaleString('en')}: give a longer interval`);
  }
}

/** Most variants an experiment may expand to, and most (variant, replication) jobs it may plan. */
export const MAX_VARIANTS = 10_000;
export const MAX_JOBS = 1_000_000;

/**
 * Where a variant's setting would write (or why it cannot), the scenario left unchanged; null
 * when the path goes through a section that did not validate: it cannot be followed, so that
 * one setting is left unchecked while the others still are.
 */
function whereWritten(scenario: Scenario, path: string, value: unknown, schema: unknown): OverrideOutcome | null {
  try {
    return applyOverridesChecked(scenario, { [path]: value }, schema, true);
  } catch (err) {
    if (err instanceof SectionUnavailable) return null;
    throw err;
  }
}

/**
 * The experiment section: every variant's field paths must exist (a typo in a sweep is an
 * error located in the file, not a variant that silently equals the base), and the plan must
 * stay bounded (factors multiply).
 */
export function experimentSection(scenario: Scenario, report: ScenarioReport, schema: unknown): void {
  const experiment = scenario.experiment;
  const variants = experiment?.variants;
  let count = 1;
  if (variants !== undefined) {
    const check = (path: string, value: unknown, at: (string | number)[]): void => {
      if (path === 'experiment' || path.startsWith('experiment.')) {
        report(at, `variants may not override the experiment section itself ("${path}")`);
        return;
      }
      const r = whereWritten(scenario, path, value, schema);
      if (r !== null && !r.ok) for (const e of r.errors) report(at, e.message.replace(/^override: /, ''));
    };
    if ('list' in variants) {
      count = variants.list.length;
      variants.list.forEach((v, i) => {
        for (const [p, value] of Object.entries(v.set ?? {})) check(p, value, ['experiment', 'variants', 'list', i, 'set', p]);
      });
    } else {
      for (const [p, f] of Object.entries(variants.factors)) {
        const values = Array.isArray(f) ? f : f.values;
        count *= values.length;
        check(p, values[0], ['experiment', 'variants', 'factors', p]);
      }
    }
    if (count > MAX_VARIANTS) {
      report(['experiment', 'variants'], `expands to ${count.toLocaleString('en')} variants, more than ${MAX_VARIANTS.toLocaleString('en')}: sweep fewer factor values`);
      return;
    }
  }
  const reps = Math.max(experiment?.replications ?? 1, experiment?.stopWhen?.maxReplications ?? 0);
  if (count * reps > MAX_JOBS) {
    const at = experiment?.stopWhen !== undefined ? ['experiment', 'stopWhen', 'maxReplications'] : ['experiment', 'replications'];
    report(at, `${count.toLocaleString('en')} variants × ${reps.toLocaleString('en')} replications = ${(count * reps).toLocaleString('en')} replications, more than ${MAX_JOBS.toLocaleString('en')}`);
  }
}

/** The validator of one field's schema (a part of the scenario schema), compiled at its first use. */
const leafValidators = new WeakMap<object, Compiled>();

/** What is wrong with `value` as the field whose possible schemas are `schemas` (see leafSchemas): nothing when one accepts it. */
function leafProblems(schemas: readonly unknown[], value: unknown): { segments: (string | number)[]; message: string }[] {
  const checked = schemas.filter(isPlainObject).filter((s) => Object.keys(s).length > 0);
  if (checked.length < schemas.length) return []; // an open field, or one the schema says nothing of
  const results = checked.map((s) => {
    let c = leafValidators.get(s);
    if (c === undefined) leafValidators.set(s, (c = compileValidator(s as SchemaObject)));
    return validateWith(c, value);
  });
  const said = new Set<string>();
  for (const r of results) {
    if (r.ok) return [];
    said.add(JSON.stringify(r.issues));
  }
  // Every branch refuses it alike (`serviceTime.mean` is a duration in each): say it as they do.
  const first = results[0];
  if (said.size === 1 && first !== undefined && !first.ok) return first.issues;
  return [{ segments: [], message: `must be ${describeSchema({ anyOf: checked })}, got ${showValue(value)}` }];
}

/**
 * The values variants set, each checked against the schema of the field it sets, for a scenario
 * that did not load (the loader runs it then; a scenario that loads has every variant compiled
 * whole by `opsim validate` and `opsim run`, which also applies the models' checks). Without it
 * a variant's bad value would be said only once every other problem is mended. A path that does
 * not exist is experimentSection's to say, one through a section that did not validate is left
 * unchecked; a null value (which removes the field) is not checked. Messages read like the
 * whole-variant compile's: the variant, the field written, what is wrong, the override.
 */
export function variantValues(scenario: Scenario, report: ScenarioReport, schema: unknown): void {
  const variants = scenario.experiment?.variants;
  if (variants === undefined) return;
  const check = (who: string, path: string, value: unknown, at: (string | number)[]): void => {
    if (value === null || path === 'experiment' || path.startsWith('experiment.')) return;
    const r = whereWritten(scenario, path, value, schema);
    const written = r?.ok === true ? r.written[0] : undefined;
    if (written === undefined) return;
    for (const issue of leafProblems(leafSchemas(schema, written.path), value)) {
      report(at, `${who}: ${displayPath([...written.path, ...issue.segments])}: ${issue.message} (set by override ${written.source})`);
    }
  };
  if ('list' in variants) {
    variants.list.forEach((v, i) => {
      for (const [p, value] of Object.entries(v.set ?? {})) check(`variant ${JSON.stringify(v.name)}`, p, value, ['experiment', 'variants', 'list', i, 'set', p]);
    });
  } else {
    for (const [p, f] of Object.entries(variants.factors)) {
      const values = Array.isArray(f) ? f : f.values;
      const label = Array.isArray(f) ? p : f.name;
      values.forEach((value, j) => check(`factor ${JSON.stringify(label)}`, p, value, ['experiment', 'variants', 'factors', p, ...(Array.isArray(f) ? [] : ['values']), j]));
    }
  }
}

/** The object or list branches of schemas (unions flattened); `open` when one of them takes any value. */
function branchesOf(schemas: readonly unknown[]): { objects: Record<string, unknown>[]; lists: Record<string, unknown>[]; open: boolean } {
  const out = { objects: [] as Record<string, unknown>[], lists: [] as Record<string, unknown>[], open: false };
  const visit = (s: unknown): void => {
    if (!isPlainObject(s)) return;
    const union = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
    if (union !== undefined) {
      for (const b of union) visit(b);
      return;
    }
    if (s.type === undefined && s['x-unit'] === undefined && s.const === undefined && s.enum === undefined && s.properties === undefined && s.items === undefined) out.open = true;
    else if (s.type === 'object' || isPlainObject(s.properties)) out.objects.push(s);
    else if (s.type === 'array' || isPlainObject(s.items)) out.lists.push(s);
  };
  for (const s of schemas) visit(s);
  return out;
}

/** The schemas a field of an object may have under `branches` (empty: no branch has it). */
function fieldSchemas(branches: readonly Record<string, unknown>[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const b of branches) {
    if (isPlainObject(b.properties) && Object.prototype.hasOwnProperty.call(b.properties, key)) out.push(b.properties[key]);
    else if (b.additionalProperties === undefined || b.additionalProperties === true) out.push({});
    else if (isPlainObject(b.additionalProperties)) out.push(b.additionalProperties);
    else if (isPlainObject(b.patternProperties)) for (const [re, ps] of Object.entries(b.patternProperties)) if (new RegExp(re, 'u').test(key)) out.push(ps);
  }
  return out;
}

/**
 * The schema problems of a part of a document that are certain whatever the rest turns out to
 * be: the part an `extends` chain could read when a base further down could not be (missing,
 * unreadable, cyclic, its syntax broken). The rest merges under it (merge.ts): each value written
 * here stays (an object keeps its fields, a list its items, a scalar replaces the base's), and
 * the rest may add fields and items. So a field no schema branch has is unknown, and a value its
 * field refuses in every branch is wrong, whatever the base holds; a missing required field, a
 * list too short or a union whose tag the base may give are not said (the base may supply them).
 * A branch is left out only when this part contradicts its tag (`dist: gamma` is not the
 * exponential branch). Null removes a field: not checked. Messages are the validator's.
 */
export function certainProblems(doc: unknown, schema: unknown): Issue[] {
  const out: Issue[] = [];
  const walk = (value: unknown, segs: (string | number)[], schemas: readonly unknown[]): void => {
    if (value === null || schemas.length === 0) return;
    if (!isPlainObject(value) && !Array.isArray(value)) {
      // A union's tag (`dist`) none of whose branches takes this value: said as the validator says it.
      const tags = schemas.map((s) => (isPlainObject(s) && typeof s.const === 'string' ? s.const : undefined));
      if (tags.length > 1 && tags.every((t): t is string => t !== undefined)) {
        if (!tags.includes(value as string)) out.push({ segments: segs, message: `must be one of ${tags.join(', ')}, got ${showValue(value)}${typeof value === 'string' ? didYouMean(value, tags) : ''}` });
        return;
      }
      for (const issue of leafProblems(schemas, value)) out.push({ segments: [...segs, ...issue.segments], message: issue.message });
      return;
    }
    const b = branchesOf(schemas);
    if (b.open) return;
    if (Array.isArray(value)) {
      if (b.lists.length === 0) {
        out.push({ segments: segs, message: `must be ${describeSchema({ anyOf: schemas })}, got a list` });
        return;
      }
      const items = b.lists.map((l) => l.items).filter((i) => i !== undefined);
      value.forEach((e, i) => walk(e, [...segs, i], items.length < b.lists.length ? [{}] : items));
      return;
    }
    if (b.objects.length === 0) {
      out.push({ segments: segs, message: `must be ${describeSchema({ anyOf: schemas })}, got an object` });
      return;
    }
    // Branches whose tag this part contradicts are not what the author meant (when one is left).
    const fits = b.objects.filter((o) => !isPlainObject(o.properties) || Object.entries(o.properties).every(([k, ps]) => !isPlainObject(ps) || !('const' in ps) || !Object.prototype.hasOwnProperty.call(value, k) || value[k] === ps.const));
    const branches = fits.length > 0 ? fits : b.objects;
    for (const key of Object.keys(value)) {
      const child = fieldSchemas(branches, key);
      if (child.length === 0) {
        const known = new Set(branches.flatMap((o) => (isPlainObject(o.properties) ? Object.keys(o.properties) : [])));
        out.push({ segments: [...segs, key], message: `unknown field${didYouMean(key, known)}`, atKey: true });
      } else walk(value[key], [...segs, key], child);
    }
  };
  walk(doc, [], [schema]);
  return out;
}

/**
 * Names repeated in a list (two items with the same `name` text), in the given top-level sections
 * of a raw document: certain whatever else is wrong with those items, so said even in a section
 * the schema refused (uniqueNames says them in the sections that validated).
 */
export function rawDuplicateNames(raw: Record<string, unknown>, sections: Iterable<string>): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const k of sections) {
    if (!Object.prototype.hasOwnProperty.call(raw, k)) continue;
    uniqueNames({ [k]: raw[k] } as unknown as Scenario, (path, message) => void findings.push({ segments: typeof path === 'string' ? parseFieldPath(path) : [...path], message }));
  }
  return findings;
}

/** The checks of the language itself, run before the models' checks. */
export const LANGUAGE_CHECKS: readonly ScenarioCheck[] = [uniqueNames, runSettings, experimentSection];

/** The message for a reference that names nothing: `no service named "x" (did you mean "y"?) (services: y, z)`. */
export function unknownName(what: string, name: string, known: Iterable<string>, plural = `${what}s`): string {
  const list = [...known];
  return `no ${what} named ${JSON.stringify(name)}${didYouMean(name, list)} (${list.length === 0 ? `no ${plural} are defined` : `${plural}: ${list.join(', ')}`})`;
}
