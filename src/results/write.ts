/**
 * Writing results to disk. Every file is written atomically: to a temporary file in the same
 * directory, flushed, then renamed over the target, so a reader (or a kill at any moment)
 * sees either the old file or the new one, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ResultsDocument } from './format.js';

/** Test hook: runs after the temporary file is complete and before the rename. */
export interface AtomicWriteHooks {
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** Writes `data` to `file` atomically (temp file in the same directory + fsync + rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  // Same directory: rename(2) is only atomic within one file system.
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  let renamed = false;
  try {
    const fh = await open(temp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await hooks.beforeRename?.(temp);
    await rename(temp, file);
    renamed = true;
  } catch (err) {
    // "ENOSPC: no space left on device, write" names no file: say which one (harden, #17).
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw Object.assign(new Error(`cannot write ${file}: ${(err as Error).message}`, { cause: err }), { code });
    throw err;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** results.json text: 2-space JSON, NaN/Infinity as null, trailing newline. */
export function resultsJson(doc: ResultsDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** series.csv text: one row per variant per interval with the across-replication mean of every column. */
export function seriesCsv(doc: ResultsDocument): string {
  const columns: string[] = [];
  for (const v of doc.variants) for (const c of v.series?.columns ?? []) if (!columns.includes(c)) columns.push(c);
  if (!columns.includes('t')) columns.unshift('t');
  const lines = [['variant', ...columns].map(csvCell).join(',')];
  for (const v of doc.variants) {
    if (v.series === null) continue;
    const at = columns.map((c) => v.series!.columns.indexOf(c));
    for (const row of v.series.mean) lines.push([v.name, ...at.map((i) => (i < 0 ? null : row[i]))].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Writes results.json and series.csv into `dir` (created if needed); returns the results.json path. */
export async function writeResults(dir: string, doc: ResultsDocument): Promise<string> {
  const file = path.join(dir, 'results.json');
  // series.csv first: results.json is what readers poll for, so it lands last.
  await writeFileAtomic(path.join(dir, 'series.csv'), seriesCsv(doc));
  await writeFileAtomic(file, resultsJson(doc));
  return file;
}
