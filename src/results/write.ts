/**
 * Writing results to disk. Every file is written atomically: to a temporary file in the same
 * directory, flushed, then renamed over the target, so a reader (or a kill at any moment)
 * sees either the old file or the new one, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ResultsDocument } from './format.js';
import { metricLabel } from './metrics.js';

/** Test hook: runs after the temporary file is complete and before the rename. */
export interface AtomicWriteHooks {
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** The temporary file `file` is written to first: in the same directory, as rename(2) is only atomic within one file system. */
function tempFileFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
}

/** A failed write as thrown: "ENOSPC: no space left on device, write" names no file, so say which one (harden, #17). */
function writeError(file: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? Object.assign(new Error(`cannot write ${file}: ${(err as Error).message}`, { cause: err }), { code }) : err;
}

/** Writes `data` to `file` atomically (temp file in the same directory + fsync + rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = tempFileFor(file);
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
    throw writeError(file, err);
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/**
 * writeFileAtomic without returning to the event loop: the same steps, the same file, for a
 * command line that has nothing else to do meanwhile (src/cli/finish.ts says why it matters).
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = tempFileFor(file);
  let renamed = false;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    renamed = true;
  } catch (err) {
    throw writeError(file, err);
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // Never created, or already gone.
      }
    }
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

/** "name (unit)" for a CSV header, from the document's catalogs ("name" when the unit is unknown). */
function headed(name: string, unit: string | undefined, suffix = ''): string {
  return `${name}${suffix}${unit !== undefined ? ` (${unit})` : ''}`;
}

/**
 * series.csv text: one row per variant per interval; for every column its across-replication
 * mean, then the lower and upper end of its 95 % band (empty where fewer than two
 * replications had a value). Headers carry the unit from the column catalog, e.g.
 * "hall-a.temperature (celsius)", "hall-a.temperature lo (celsius)".
 */
export function seriesCsv(doc: ResultsDocument): string {
  const columns: string[] = [];
  for (const v of doc.variants) for (const c of v.series?.columns ?? []) if (!columns.includes(c)) columns.push(c);
  if (!columns.includes('t')) columns.unshift('t');
  const data = columns.filter((c) => c !== 't');
  const unit = (c: string): string | undefined => doc.columns?.[c]?.unit;
  const header = ['variant', 't (seconds)', ...data.flatMap((c) => [headed(c, unit(c)), headed(c, unit(c), ' lo'), headed(c, unit(c), ' hi')])];
  const lines = [header.map(csvCell).join(',')];
  for (const v of doc.variants) {
    const s = v.series;
    if (s === null) continue;
    const ti = s.columns.indexOf('t');
    const at = data.map((c) => s.columns.indexOf(c));
    s.mean.forEach((row, r) => {
      const cells: unknown[] = [v.name, ti < 0 ? null : row[ti]];
      for (const i of at) cells.push(i < 0 ? null : row[i], i < 0 ? null : s.lo[r]?.[i], i < 0 ? null : s.hi[r]?.[i]);
      lines.push(cells.map(csvCell).join(','));
    });
  }
  return lines.join('\n') + '\n';
}

/**
 * summary.csv text, for spreadsheets and notebooks: one row per variant and metric with its
 * unit, mean, 95 % interval, n, how the interval was formed, for a 0/1 verdict the
 * probability of meeting it (p_met), and last the metric's planner-facing label (its spec's
 * `label` filled in, else the name). Columns are only ever added at the end: CI pipelines
 * read this file by position as well as by header.
 */
export function summaryCsv(doc: ResultsDocument): string {
  const lines = [['variant', 'metric', 'unit', 'better', 'mean', 'lo', 'hi', 'n', 'interval', 'p_met', 'label'].join(',')];
  for (const v of doc.variants) {
    for (const name of Object.keys(v.metrics).sort()) {
      const s = v.metrics[name]!;
      const spec = doc.metrics?.[name];
      const pMet = spec?.flag === true ? s.mean : null;
      lines.push([v.name, name, spec?.unit ?? '', spec?.better ?? '', s.mean, s.ci95[0], s.ci95[1], s.n, s.n >= 2 || spec?.flag === true ? (s.method ?? 't') : '', pMet, metricLabel(spec, name)].map(csvCell).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** The files writeResults writes, in order: the CSV files first, as results.json is what readers poll for, so it lands last. */
function resultFiles(dir: string, doc: ResultsDocument): [string, () => string][] {
  return [
    [path.join(dir, 'series.csv'), () => seriesCsv(doc)],
    [path.join(dir, 'summary.csv'), () => summaryCsv(doc)],
    [path.join(dir, 'results.json'), () => resultsJson(doc)],
  ];
}

/** Writes results.json, series.csv and summary.csv into `dir` (created if needed); returns the results.json path. */
export async function writeResults(dir: string, doc: ResultsDocument): Promise<string> {
  for (const [file, text] of resultFiles(dir, doc)) await writeFileAtomic(file, text());
  return path.join(dir, 'results.json');
}

/** writeResults without returning to the event loop (writeFileAtomicSync). */
export function writeResultsSync(dir: string, doc: ResultsDocument): string {
  for (const [file, text] of resultFiles(dir, doc)) writeFileAtomicSync(file, text());
  return path.join(dir, 'results.json');
}
