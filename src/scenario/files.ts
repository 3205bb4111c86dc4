/**
 * Files a scenario names (today: `load[].traceFile`) are read when the scenario is loaded,
 * never by the models: a relative path is resolved against the scenario's base directory
 * (the file's directory, or the directory the HTTP API confines scenarios to), must stay
 * inside it and name a regular file of bounded size. The counts then replace the file
 * reference by the equivalent inline `trace`, in the compiled scenario and in the raw
 * document alike, so workers and variants recompile without touching the file system.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from './schema/index.js';
import type { Issue } from './validate.js';
import { isPlainObject } from './merge.js';

/** Largest trace file read, in bytes (5 MB). */
export const MAX_TRACE_FILE_BYTES = 5 * 1024 * 1024;

/** Parses a CSV trace: the last column of each row is a count; non-numeric rows (a header) are skipped. */
export function parseTraceCsv(text: string): number[] {
  const counts: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(',');
    const last = cells[cells.length - 1]!.trim();
    if (last === '') continue;
    const v = Number(last);
    if (Number.isFinite(v) && v >= 0) counts.push(v);
  }
  return counts;
}

function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Reads one trace file under `baseDir`; the counts, or what is wrong. */
function readTrace(name: string, baseDir: string): { ok: true; counts: number[] } | { ok: false; message: string } {
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
    if (st.size > MAX_TRACE_FILE_BYTES) return { ok: false, message: `${shown} is too large (${st.size} bytes; the limit is ${MAX_TRACE_FILE_BYTES})` };
    const counts = parseTraceCsv(readFileSync(real, 'utf8'));
    if (counts.length === 0) return { ok: false, message: `${shown} holds no counts (the last column of each row)` };
    return { ok: true, counts };
  } catch (e) {
    return { ok: false, message: `cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

/**
 * Replaces every `load[].traceFile` by the inline `trace` it stands for, in `scenario` and in
 * a copy of `raw` (returned). `baseDir` null: files cannot be read (an inline scenario
 * without a directory, or a raw document recompiled), so a traceFile is an error.
 */
export function resolveScenarioFiles(raw: unknown, scenario: Scenario, baseDir: string | null): { raw: unknown; issues: Issue[] } {
  const load = scenario.load ?? [];
  if (!load.some((c) => c.traceFile !== undefined)) return { raw, issues: [] };
  const issues: Issue[] = [];
  const out = structuredClone(raw) as { load?: unknown[] };
  load.forEach((c, i) => {
    if (c.traceFile === undefined) return;
    const at = ['load', i, 'traceFile'];
    if (c.trace !== undefined) {
      issues.push({ segments: at, message: 'give either "trace" or "traceFile", not both' });
      return;
    }
    if (c.traceInterval === undefined) {
      issues.push({ segments: at, message: 'needs "traceInterval"' });
      return;
    }
    if (baseDir === null) {
      issues.push({ segments: at, message: 'cannot be read here: trace files are read when a scenario is loaded from a file (or with a base directory)' });
      return;
    }
    const r = readTrace(c.traceFile, baseDir);
    if (!r.ok) {
      issues.push({ segments: at, message: r.message });
      return;
    }
    const rawClass = out.load?.[i];
    if (!isPlainObject(rawClass)) return;
    const rawInterval = rawClass['traceInterval'];
    delete rawClass['traceFile'];
    delete rawClass['traceInterval'];
    rawClass['trace'] = { interval: rawInterval, counts: r.counts, repeat: true };
    const { traceFile: _file, traceInterval: _interval, ...rest } = c;
    load[i] = { ...rest, trace: { interval: c.traceInterval, counts: r.counts, repeat: true } };
  });
  return { raw: issues.length > 0 ? raw : out, issues };
}
