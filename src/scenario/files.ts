/**
 * Files a scenario names are read when the scenario is loaded, never by the models. The model
 * that owns the field reads them through its `resolveFiles` hook (e.g. the load model's
 * `load[].traceFile`); this module gives the hooks the one safe way to read: a relative path
 * is resolved against the scenario's base directory (the file's directory, or the directory
 * the HTTP API confines scenarios to), must stay inside it (symbolic links too) and name a
 * regular file of bounded size. A hook replaces the file reference by what it stands for, in
 * the compiled scenario and in the raw document alike, so workers and variants recompile
 * without touching the file system.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from './schema/index.js';
import type { Issue } from './validate.js';

/** Largest file a scenario may name, in bytes (5 MB). */
export const MAX_SCENARIO_FILE_BYTES = 5 * 1024 * 1024;

/** What a `resolveFiles` hook is given. */
export interface ScenarioFiles {
  /**
   * Reads a file the scenario names at `at` (its field path): the text, or undefined after
   * reporting what is wrong there (outside the directory, missing, too large, or no
   * directory to read from).
   */
  readText(name: string, at: (string | number)[]): string | undefined;
  /** Reports a problem at a field path (located in the file like any schema error). */
  report(at: (string | number)[], message: string): void;
}

/**
 * A model's hook that reads the files its fields name and writes what they stand for into
 * `scenario` (compiled) and `raw` (the document, as a file would say it); both are the hook's
 * to edit. Nothing it writes is kept when anything was reported.
 */
export type FileResolver = (scenario: Scenario, raw: Record<string, unknown>, files: ScenarioFiles) => void;

function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Reads one file under `baseDir`: the text, or what is wrong. */
export function readScenarioFile(name: string, baseDir: string, maxBytes = MAX_SCENARIO_FILE_BYTES): { ok: true; text: string } | { ok: false; message: string } {
  const shown = JSON.stringify(name);
  if (path.isAbsolute(name)) return { ok: false, message: `must be a path relative to the scenario's directory, got the absolute path ${shown}` };
  const base = path.resolve(baseDir);
  const abs = path.resolve(base, name);
  if (!inside(base, abs)) return { ok: false, message: `must name a file inside the scenario's directory, got ${shown}` };
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? `file not found: ${shown}` : `cannot read ${shown} (${code ?? (e as Error).message})` };
  }
  // A symbolic link may not lead out of the directory either.
  let realBase: string;
  try {
    realBase = realpathSync(base);
  } catch {
    realBase = base;
  }
  if (!inside(realBase, real)) return { ok: false, message: `must name a file inside the scenario's directory, got ${shown}` };
  try {
    const st = statSync(real);
    if (!st.isFile()) return { ok: false, message: `${shown} is not a regular file` };
    if (st.size > maxBytes) return { ok: false, message: `${shown} is too large (${st.size} bytes; the limit is ${maxBytes})` };
    return { ok: true, text: readFileSync(real, 'utf8') };
  } catch (e) {
    return { ok: false, message: `cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

/**
 * Runs the language's file hooks on `scenario` (edited in place) and a copy of `raw`
 * (returned). `baseDir` null: files cannot be read (an inline scenario without a directory,
 * or a raw document recompiled), so a hook that asks for one reports it.
 */
export function resolveScenarioFiles(raw: unknown, scenario: Scenario, baseDir: string | null, resolvers: readonly FileResolver[]): { raw: unknown; issues: Issue[] } {
  if (resolvers.length === 0) return { raw, issues: [] };
  const issues: Issue[] = [];
  const report = (at: (string | number)[], message: string): void => void issues.push({ segments: at, message });
  const files: ScenarioFiles = {
    report,
    readText(name, at) {
      if (baseDir === null) {
        report(at, 'cannot be read here: files are read when a scenario is loaded from a file (or with a base directory)');
        return undefined;
      }
      const r = readScenarioFile(name, baseDir);
      if (!r.ok) report(at, r.message);
      return r.ok ? r.text : undefined;
    },
  };
  const out = structuredClone(raw) as Record<string, unknown>;
  for (const resolve of resolvers) resolve(scenario, out, files);
  return { raw: issues.length > 0 ? raw : out, issues };
}
