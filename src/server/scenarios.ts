/**
 * Scenario files the server may run: only regular files directly inside scenarios/, named
 * plainly, whose real path (after symlinks) is still inside scenarios/, and what the
 * dashboard shows of each (title, variants, knobs: see knobs.ts).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { scenarioKnobs, type Knob } from './knobs.js';
import { loadFile, type ScenarioError } from './run-host.js';

/** Scenario names: a plain file name, no separators, no leading dot. */
export const SCENARIO_NAME = /^[a-z0-9][a-z0-9._-]*$/i;
const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** What GET /api/scenarios says about one scenario. */
export interface ScenarioInfo {
  name: string;
  file: string;
  title: string | null;
  description: string | null;
  horizon: string | number | null;
  variants: string[];
  knobs: Knob[];
  /** Whether it has a `search:` section (a policy search can run on it). */
  search: boolean;
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
    const search = isObject(raw) && isObject(raw.search);
    info = { name, file, title: s('name'), description: s('description'), horizon, variants: variantNames(raw), knobs: scenarioKnobs(raw), search, errors: [] };
  } else {
    info = { name, file, title: null, description: null, horizon: null, variants: [], knobs: [], search: false, errors: r.errors };
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
