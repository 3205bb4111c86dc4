/**
 * Streaming CSV reading for exports of any size: rows come one at a time from csv-parse over a
 * file stream, so memory does not grow with the file. Every unreadable row becomes a RowProblem
 * with its line number (and column when one field is at fault): skipped and reported, or fatal,
 * as the caller chooses — never dropped silently. Files ending in .gz are decompressed as they stream.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import { parse, CsvError } from 'csv-parse';

/** What to do with a row that cannot be read. */
export type OnRowError = 'skip' | 'fatal';

/** A row that could not be used, with where it is and why. */
export interface RowProblem {
  file: string;
  /** 1-based line number in the file (the last line of a record spanning several). */
  line: number;
  /** Column name, when one field is at fault. */
  column?: string;
  message: string;
}

/** The error thrown for a fatal row problem (or an unusable file). */
export class FitInputError extends Error {
  constructor(readonly problems: RowProblem[], message?: string) {
    super(message ?? problems.map(formatProblem).join('\n'));
    this.name = 'FitInputError';
  }
}

/** "file:line column: message". */
export function formatProblem(p: RowProblem): string {
  return `${p.file}:${p.line}${p.column !== undefined ? ` column ${p.column}` : ''}: ${p.message}`;
}

/** One data row: its line and its fields by header name. */
export interface CsvRow {
  line: number;
  get(column: string): string | undefined;
}

/** Collects problems and applies the skip-or-fatal policy. */
export class ProblemLog {
  readonly problems: RowProblem[] = [];
  /** Rows skipped because of a problem. */
  skippedRows = 0;
  constructor(readonly file: string, readonly onError: OnRowError) {}

  /** Records a problem on a row; throws at once when fatal. */
  row(line: number, message: string, column?: string): void {
    const p: RowProblem = { file: this.file, line, message, ...(column !== undefined ? { column } : {}) };
    this.problems.push(p);
    if (this.onError === 'fatal') throw new FitInputError([p]);
    this.skippedRows++;
  }

  /** Records a problem that drops no row (a value left out of one fit, a note). */
  note(line: number, message: string, column?: string): void {
    this.problems.push({ file: this.file, line, message, ...(column !== undefined ? { column } : {}) });
  }
}

/**
 * Reads a CSV file with a header row, calling `onRow` for each data row in order. Rows with the
 * wrong number of fields or broken quoting go to `log` (skipped, or fatal by its policy).
 * Returns the header.
 */
export async function readCsv(file: string, log: ProblemLog, onRow: (row: CsvRow, header: readonly string[]) => void, opts: { delimiter?: string } = {}): Promise<string[]> {
  let header: string[] | null = null;
  let index = new Map<string, number>();
  const parser = parse({
    info: true,
    bom: true,
    delimiter: opts.delimiter ?? ',',
    trim: true,
    skip_empty_lines: true,
    skip_records_with_error: log.onError === 'skip',
    on_skip: (err) => {
      if (err !== undefined) log.row(Number(err['lines']), describeCsvError(err));
      return undefined;
    },
  });
  // pipeline() carries a read error (a missing file, a corrupt .gz) into the parser, so the
  // loop below throws it instead of waiting forever. A .gz export is decompressed on the fly.
  const done = (err: Error | null): void => {
    if (err) parser.destroy(err);
  };
  if (file.endsWith('.gz')) pipeline(createReadStream(file), createGunzip(), parser, done);
  else pipeline(createReadStream(file), parser, done);
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === null) {
        header = rec.record;
        index = new Map(header.map((h, i) => [h, i]));
        continue;
      }
      const fields = rec.record;
      onRow({ line: rec.info.lines, get: (c) => { const i = index.get(c); return i === undefined ? undefined : fields[i]; } }, header);
    }
  } catch (err) {
    if (err instanceof CsvError) throw new FitInputError([{ file, line: Number(err["lines"]), message: describeCsvError(err) }]);
    if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES')) {
      throw new FitInputError([], `${file}: cannot read (${err.code === 'ENOENT' ? 'no such file' : err.code})`);
    }
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new FitInputError([], `${file}: not a readable gzip file (${err.message})`);
    }
    throw err;
  }
  if (header === null) throw new FitInputError([], `${file}: empty file, expected a header row`);
  return header;
}

function describeCsvError(err: CsvError): string {
  // csv-parse says e.g. "Invalid Record Length: expect 36, got 35 on line 7"; the line is ours to print.
  return `unreadable row: ${err.message.replace(/ (on|at) line \d+\.?$/, '')}`;
}
