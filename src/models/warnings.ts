/**
 * Every warning about a valid scenario, from every model that gives any, located in its file:
 * flow level outside its validated region (docs/fidelity.md), services and teams offered at
 * least the work they can do. `opsim validate` and `opsim run` print them; they never stop a run.
 */
import { parseFieldPath, type ScenarioError } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema/index.js';
import { locateWarnings, type ScenarioWarning } from './kernel/warnings.js';
import { flowWarnings } from './services/flow/index.js';
import { overloadWarnings } from './services/overload.js';
import { teamOverloadWarnings } from './staffing/overload.js';

/** The warnings of a valid scenario, at their field paths. */
export function scenarioWarnings(s: Scenario): ScenarioWarning[] {
  let out = judged.get(s);
  if (out === undefined) judged.set(s, (out = [...overloadWarnings(s), ...teamOverloadWarnings(s), ...flowWarnings(s)]));
  return out;
}

/** Warnings by compiled scenario: `opsim run` says them before it runs and writes them into results.json after, judging each scenario once. */
const judged = new WeakMap<Scenario, ScenarioWarning[]>();

/** The warnings of one scenario loaded from `file` (no variants judged), located at line:column. */
export function locatedScenarioWarnings(file: string, s: Scenario): ScenarioError[] {
  return locateWarnings(file, scenarioWarnings(s));
}

/** A scenario a command judges: a variant as compiled for the run, or the base scenario (`variant` null). */
export interface PlannedScenario {
  /** The variant's name; null for the base scenario as written (with its `--set` values). */
  readonly variant: string | null;
  readonly scenario: Scenario;
  /** The variant's own overrides (field path → value) and where it declares them (src/experiment/variants.ts VariantDef): a warning about a field it set points at its setting. */
  readonly set?: Readonly<Record<string, unknown>>;
  readonly origin?: readonly (string | number)[];
}

/** The path of `scenario`'s value an override path names (list items by name or index), or null. */
function resolvedPath(scenario: unknown, pathText: string): (string | number)[] | null {
  let segs: (string | number)[];
  try {
    segs = parseFieldPath(pathText);
  } catch {
    return null;
  }
  const out: (string | number)[] = [];
  let cur: unknown = scenario;
  for (const seg of segs) {
    if (Array.isArray(cur)) {
      const idx = typeof seg === 'number' || /^\d+$/.test(seg) ? Number(seg) : cur.findIndex((e) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === seg);
      if (idx < 0 || idx >= cur.length) return null;
      out.push(idx);
      cur = cur[idx];
    } else if (typeof cur === 'object' && cur !== null) {
      out.push(String(seg));
      cur = (cur as Record<string, unknown>)[String(seg)];
    } else return null;
  }
  return out;
}

/**
 * Where a warning of a planned scenario points: at the variant's own setting when the variant
 * set the field warned about (or a field holding it), so the planner edits the variant, not the
 * base; else at the field itself.
 */
function warningSite(p: PlannedScenario, w: ScenarioWarning): (string | number)[] {
  if (p.set === undefined || p.origin === undefined) return w.path;
  for (const key of Object.keys(p.set)) {
    const at = resolvedPath(p.scenario, key);
    if (at !== null && at.length <= w.path.length && at.every((seg, i) => seg === w.path[i])) return [...p.origin, ...(p.origin[2] === 'list' ? ['set', key] : [key])];
  }
  return w.path;
}

/**
 * The warnings of every scenario planned (`opsim run`: the variants selected; `opsim validate`:
 * the base and every variant), at the field path each points at (warningSite). A warning several
 * scenarios raise alike (same field, same words, same site) is said once, tagged with where it
 * holds ("in variant small: …", "in variants a, b: …", "in every variant: …", "in the base
 * scenario: …"); untagged only when the base scenario is all that is judged (a scenario without
 * variants). A variant that set the field itself is said apart, at its own setting.
 */
export function plannedWarnings(planned: readonly PlannedScenario[]): ScenarioWarning[] {
  const byWarning = new Map<string, { warning: ScenarioWarning; where: (string | null)[] }>();
  for (const p of planned) {
    for (const w of scenarioWarnings(p.scenario)) {
      const site = warningSite(p, w);
      const key = JSON.stringify([site, w.message]);
      const seen = byWarning.get(key);
      if (seen === undefined) byWarning.set(key, { warning: { path: site, message: w.message }, where: [p.variant] });
      else if (!seen.where.includes(p.variant)) seen.where.push(p.variant);
    }
  }
  const variants = new Set(planned.flatMap((p) => (p.variant === null ? [] : [p.variant])));
  return [...byWarning.values()].map(({ warning, where }) => {
    if (variants.size === 0) return warning;
    const names = where.filter((w): w is string => w !== null);
    const parts: string[] = [];
    if (names.length < where.length) parts.push('the base scenario');
    if (names.length > 1 && names.length === variants.size) parts.push('every variant');
    else if (names.length > 0) parts.push(`${names.length === 1 ? 'variant' : 'variants'} ${names.join(', ')}`);
    return { path: warning.path, message: `in ${parts.join(' and ')}: ${warning.message}` };
  });
}

/** The warnings of every scenario planned (plannedWarnings), located at line:column in `file`. */
export function plannedScenarioWarnings(file: string, planned: readonly PlannedScenario[]): ScenarioError[] {
  return locateWarnings(file, plannedWarnings(planned));
}
