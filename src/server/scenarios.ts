/**
 * Scenario files the server may run: only regular files directly inside scenarios/, named
 * plainly, whose real path (after symlinks) is still inside scenarios/. Also derives the
 * "knobs" the dashboard offers from each scenario's own document.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadFile, type ScenarioError } from './run-host.js';

/** Scenario names: a plain file name, no separators, no leading dot. */
export const SCENARIO_NAME = /^[a-z0-9][a-z0-9._-]*$/i;
const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** A numeric (or unit-valued) field a planner may override from the dashboard. */
export interface Knob {
  /** Override path, e.g. "staffing.teams.noc.size". */
  path: string;
  /** Short label for the form. */
  label: string;
  /** The value written in the scenario (number or unit text such as "80%"). */
  value: number | string;
  /** Values the scenario's own variants give this field, when declared. */
  values?: (number | string)[];
}

/** What GET /api/scenarios says about one scenario. */
export interface ScenarioInfo {
  name: string;
  file: string;
  title: string | null;
  description: string | null;
  horizon: string | number | null;
  variants: string[];
  knobs: Knob[];
  errors: ScenarioError[];
}

/** Resolves a scenario name to a file inside `dir`, or null when it is not one. */
export async function resolveScenario(dir: string, name: string): Promise<string | null> {
  if (!SCENARIO_NAME.test(name) || name.includes('..')) return null;
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return null;
  }
  const hasExt = EXTENSIONS.includes(path.extname(name).toLowerCase());
  for (const candidate of hasExt ? [name] : EXTENSIONS.map((e) => name + e)) {
    const abs = path.join(root, candidate);
    try {
      const real = await realpath(abs);
      // A symlink may point anywhere; only what really lies inside scenarios/ is served.
      if (path.dirname(real) !== root && !real.startsWith(root + path.sep)) continue;
      if (!(await stat(real)).isFile()) continue;
      return real;
    } catch {
      continue;
    }
  }
  return null;
}

/** Display path of a scenario file: relative to the working directory when inside it. */
export function displayFile(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

// Container words say nothing a planner needs in a form label.
const GENERIC = new Set(['teams', 'roster', 'shifts', 'services', 'rooms', 'monitoring', 'monitors', 'staffing', 'sla', 'crac']);

/** A short form label: "ops-l1 early headcount" for teams.ops-l1.roster.shifts.early.headcount. */
export function knobLabel(p: string): string {
  const segs = p.split('.').filter((x) => !GENERIC.has(x));
  return (segs.length > 0 ? segs : p.split('.')).slice(-3).join(' ');
}

const KNOB_LEAF = /(servers|size|operators|headcount|pool|poolsize|threshold|capacity|count|workers|threads|replicas)$/i;
const MAX_KNOBS = 16;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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

function knobValue(v: unknown): number | string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^[0-9.]+\s*[a-z%°/]*$/i.test(v)) return v;
  return null;
}

/**
 * Knobs of a scenario: the field paths its declared variants vary (the planner's own levers)
 * first, then staffing and capacity-like numbers found by name.
 */
export function scenarioKnobs(raw: unknown): Knob[] {
  const knobs = new Map<string, Knob>();
  const add = (p: string, values?: unknown[]): void => {
    if (knobs.size >= MAX_KNOBS || knobs.has(p) || p.startsWith('experiment')) return;
    const v = knobValue(getPath(raw, p));
    if (v === null) return;
    const vs = values?.map(knobValue).filter((x): x is number | string => x !== null);
    knobs.set(p, { path: p, label: knobLabel(p), value: v, ...(vs && vs.length > 0 ? { values: vs } : {}) });
  };
  const exp = isObject(raw) ? raw.experiment : undefined;
  const variants = isObject(exp) ? exp.variants : undefined;
  if (isObject(variants)) {
    if (isObject(variants.factors)) {
      for (const [p, f] of Object.entries(variants.factors)) add(p, Array.isArray(f) ? f : isObject(f) && Array.isArray(f.values) ? f.values : undefined);
    }
    if (Array.isArray(variants.list)) {
      for (const item of variants.list) if (isObject(item) && isObject(item.set)) for (const p of Object.keys(item.set)) add(p);
    }
  }
  const walk = (v: unknown, p: string, depth: number): void => {
    if (depth > 6) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, isObject(x) && typeof x.name === 'string' && /^[A-Za-z0-9_-]+$/.test(x.name) ? `${p}.${x.name}` : `${p}[${i}]`, depth + 1));
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) if (k !== 'experiment' && k !== 'extends') walk(x, p === '' ? k : `${p}.${k}`, depth + 1);
    } else if (KNOB_LEAF.test(p.split('.').pop() ?? '')) add(p);
  };
  walk(raw, '', 0);
  return [...knobs.values()];
}

function variantNames(raw: unknown): string[] {
  const exp = isObject(raw) ? raw.experiment : undefined;
  const variants = isObject(exp) ? exp.variants : undefined;
  if (isObject(variants) && Array.isArray(variants.list)) return variants.list.flatMap((x) => (isObject(x) && typeof x.name === 'string' ? [x.name] : []));
  return [];
}

const cache = new Map<string, { mtimeMs: number; info: ScenarioInfo }>();

/** Describes one scenario file (cached by modification time). */
export async function describeScenario(abs: string, name: string): Promise<ScenarioInfo> {
  const st = await stat(abs);
  const hit = cache.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.info.name === name) return hit.info;
  const file = displayFile(abs);
  const r = loadFile(abs);
  let info: ScenarioInfo;
  if (r.ok) {
    const raw = r.raw;
    const s = (k: string): string | null => (isObject(raw) && typeof raw[k] === 'string' ? (raw[k] as string) : null);
    const horizon = isObject(raw) && (typeof raw.horizon === 'string' || typeof raw.horizon === 'number') ? raw.horizon : null;
    info = { name, file, title: s('name'), description: s('description'), horizon, variants: variantNames(raw), knobs: scenarioKnobs(raw), errors: [] };
  } else {
    info = { name, file, title: null, description: null, horizon: null, variants: [], knobs: [], errors: r.errors };
  }
  cache.set(abs, { mtimeMs: st.mtimeMs, info });
  return info;
}

/** Every scenario in `dir`, sorted by name; files that fail to load are listed with their errors. */
export async function listScenarios(dir: string): Promise<ScenarioInfo[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const out: ScenarioInfo[] = [];
  for (const f of entries.sort()) {
    const ext = path.extname(f).toLowerCase();
    if (!EXTENSIONS.includes(ext)) continue;
    const name = f.slice(0, -ext.length);
    const abs = await resolveScenario(dir, f);
    if (abs === null) continue;
    out.push(await describeScenario(abs, name));
  }
  return out;
}
