/**
 * Streaming CSV reading for exports of any size: rows come one at a time from csv-parse over a
 * file stream, so memory does not grow with the file. Every unreadable row becomes a RowProblem
 * with its line number (and column when one field is at fault): skipped and reported, or fatal,
 * as the caller chooses — never dropped silently. A row that swallows other lines (a quote that
 * is not closed where its line ends) is always fatal: skipping it would drop the lines it ate.
 * Files ending in .gz are decompressed as they stream.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { parse, CsvError, type Options } from 'csv-parse';

/** What to do with a row that cannot be read. */
export type OnRowError = 'skip' | 'fatal';

/** A row that could not be used, with where it is and why. */
export interface RowProblem {
  file: string;
  /** 1-based line of the file where the row starts (as an editor counts: CRLF, a BOM, quoted newlines). */
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

/** One data row: the line it starts on and its fields by header name. */
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
  // csv-parse counts a CRLF inside quotes as two lines and reports an unclosed quote at the end
  // of the file: the lines are counted here instead, from the bytes, as an editor shows them.
  const lines = new LineCounter();
  /** Byte offset just past the last row read or skipped: the next row starts after it. */
  let lastEnd = 0;
  const options: Options<{ record: string[]; line: number }, string[]> = {
    bom: true,
    delimiter: opts.delimiter ?? ',',
    trim: true,
    skip_empty_lines: true,
    // Every error comes to on_skip, which skips the row or throws (fatal), by the policy.
    skip_records_with_error: true,
    on_record: (record: string[], context) => {
      const line = lines.rowStart(lastEnd);
      lastEnd = context.bytes;
      return { record, line };
    },
    on_skip: (err) => {
      if (err === undefined) return undefined;
      const start = lines.rowStart(lastEnd);
      const unclosed = err.code === 'CSV_QUOTE_NOT_CLOSED';
      const end = unclosed ? lines.total() : Math.max(start, lines.lineOf(Number(err['bytes']) - 1));
      lastEnd = Number(err['bytes']);
      // Thrown here, csv-parse ends the stream with this error, and the loop below throws it.
      // With the problems found before it, so the planner sees them all at once.
      if (end > start) throw new FitInputError([...log.problems, { file, line: start, message: swallowedRow(err, start, end, unclosed) }]);
      log.row(start, describeCsvError(err));
      return undefined;
    },
  };
  // csv-parse's types allow on_record to return a different shape only with `columns`.
  const parser = parse(options as unknown as Options);
  // pipeline() carries a read error (a missing file, a corrupt .gz) into the parser, so the
  // loop below throws it instead of waiting forever. A .gz export is decompressed on the fly.
  const done = (err: Error | null): void => {
    if (err) parser.destroy(err);
  };
  if (file.endsWith('.gz')) pipeline(createReadStream(file), createGunzip(), lines, parser, done);
  else pipeline(createReadStream(file), lines, parser, done);
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; line: number }>) {
      if (header === null) {
        header = rec.record;
        index = new Map(header.map((h, i) => [h, i]));
        continue;
      }
      const fields = rec.record;
      onRow({ line: rec.line, get: (c) => { const i = index.get(c); return i === undefined ? undefined : fields[i]; } }, header);
    }
  } catch (err) {
    if (err instanceof CsvError) throw new FitInputError([{ file, line: lines.rowStart(lastEnd), message: describeCsvError(err) }]);
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

/** The message of a row that ran over other lines: where it starts, how much it ate, what to do. */
function swallowedRow(err: CsvError, start: number, end: number, unclosed: boolean): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const span = `lines ${n(start)}–${n(end)} (${n(end - start + 1)} lines${unclosed ? ', the rest of the file' : ''})`;
  const what = unclosed
    ? `a quote opened in the row starting on this line is never closed, so ${span} read as one row`
    : `${describeCsvError(err)}; the row runs over ${span}: a quote opened on line ${n(start)} probably closes on line ${n(end)}`;
  return `${what}. Not skipped (skipping it would drop every line it swallowed), nothing fitted: close the quote (a quote inside a quoted field is written "") and run again`;
}

/**
 * Passes the file's bytes through and counts its lines as an editor does (LF, CRLF or a lone CR
 * ends a line; a BOM is part of line 1), so rows and errors can name real lines. Queries must
 * come in file order (csv-parse's callbacks do); only the line breaks between the last query
 * and the bytes read ahead are kept, so memory does not grow with the file.
 */
class LineCounter extends Transform {
  /** Offsets of the line breaks not yet passed by a query (a CRLF at its LF), and whether the line each ends is blank. */
  private breaks: number[] = [];
  private blank: boolean[] = [];
  private head = 0;
  /** Line breaks before breaks[head]. */
  private passed = 0;
  private offset = 0;
  private afterCR = false;
  private lineHasText = false;
  /** Bytes after the last line break (a last line without one). */
  private tail = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 10 && this.afterCR) {
        this.breaks[this.breaks.length - 1] = this.offset + i; // CRLF: one break, at its LF
        this.afterCR = false;
        continue;
      }
      this.afterCR = b === 13;
      if (b === 10 || b === 13) {
        this.breaks.push(this.offset + i);
        this.blank.push(!this.lineHasText);
        this.lineHasText = false;
        this.tail = false;
      } else {
        this.tail = true;
        if (b !== 32 && b !== 9) this.lineHasText = true;
      }
    }
    this.offset += chunk.length;
    cb(null, chunk);
  }

  /** The 1-based line holding the byte at `offset`. */
  lineOf(offset: number): number {
    while (this.head < this.breaks.length && this.breaks[this.head]! < offset) {
      this.head++;
      this.passed++;
    }
    if (this.head > 4096 && this.head * 2 > this.breaks.length) {
      this.breaks = this.breaks.slice(this.head);
      this.blank = this.blank.slice(this.head);
      this.head = 0;
    }
    return this.passed + 1;
  }

  /** The line a row starts on when the previous one ended just before `offset`: the first line there that is not blank. */
  rowStart(offset: number): number {
    let line = this.lineOf(offset);
    for (let k = this.head; k < this.breaks.length && this.blank[k]!; k++) line++;
    return line;
  }

  /** Lines in the whole file (once it has been read). */
  total(): number {
    return this.passed + (this.breaks.length - this.head) + (this.tail ? 1 : 0);
  }
}

function describeCsvError(err: CsvError): string {
  // csv-parse says e.g. "Invalid Record Length: expect 36, got 35 on line 7"; the line is ours to print.
  return `unreadable row: ${err.message.replace(/ (on|at) line \d+\.?$/, '')}`;
}
