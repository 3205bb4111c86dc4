/**
 * Bad input is reported, never dropped silently: an unreadable row with its line (and the
 * column when one field is at fault), skipped or fatal by option; unparseable dates; a column
 * mapping that matches nothing; negative durations; too few samples for a family.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readIncidents } from '../../src/fit/incident-export.js';
import { FitInputError, formatProblem } from '../../src/fit/csv.js';
import { fitIncidents } from '../../src/fit/incident-fit.js';
import { parseTimestamp } from '../../src/fit/timestamps.js';
import { cli, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const HEADER = 'number,opened_at,resolved_at,priority';
const rows = (n: number, start = 0): string[] =>
  Array.from({ length: n }, (_, i) => `INC${start + i},0${1 + (i % 9)}-03-2016 ${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},0${1 + (i % 9)}-03-2016 ${String(9 + (i % 10)).padStart(2, '0')}:15,3 - Moderate`);

describe('row problems', () => {
  const text = [HEADER, ...rows(3), 'INC9,01-03-2016 10:00,3 - Moderate', ...rows(2, 10), 'INC20,31-02-2016 10:00,01-03-2016 11:00,3 - Moderate', 'INC21,01-03-2016 12:00,01-03-2016 11:00,2 - High', 'INC22,01-03-2016 12:00,soon,P2'].join('\n');
  const file = tmp.file('bad.csv', text + '\n');

  it('skip: every problem with its line and column, the good rows kept', async () => {
    const exp = await readIncidents(file, { onError: 'skip' });
    const msgs = exp.problems.map(formatProblem).map((m) => m.slice(file.length));
    expect(msgs).toEqual([
      ':5: unreadable row: Invalid Record Length: expect 4, got 3',
      ':8 column opened_at: unparseable date "31-02-2016 10:00" (expected dd-mm-yyyy HH:MM or ISO 8601; see --date-format)',
      ':9 column resolved_at: negative duration: resolved 2016-03-01T11:00:00.000Z before opened 2016-03-01T12:00:00.000Z',
      ':10 column resolved_at: unparseable date "soon" (expected dd-mm-yyyy HH:MM or ISO 8601; see --date-format); left out',
    ]);
    expect(exp.skippedRows).toBe(3);
    // INC22 is kept without a resolution time (its resolved_at was unreadable).
    expect(exp.incidents.map((i) => i.id)).toEqual(['INC0', 'INC1', 'INC2', 'INC10', 'INC11', 'INC22']);
  });

  it('fatal: stops at the first problem with its line', async () => {
    await expect(readIncidents(file, { onError: 'fatal' })).rejects.toThrow(/bad\.csv:5: unreadable row: Invalid Record Length: expect 4, got 3/);
  });

  it('the CLI prints them as file:line column and exits 2 on fatal', async () => {
    const skip = await cli(['fit', 'incidents', file, '--out', tmp.dir, '--min-samples', '3']);
    expect(skip.stderr).toContain(`${file}:8 column opened_at: unparseable date "31-02-2016 10:00"`);
    expect(skip.code).toBe(0);
    const fatal = await cli(['fit', 'incidents', file, '--out', tmp.dir, '--on-error', 'fatal']);
    expect(fatal.code).toBe(2);
    expect(fatal.stderr).toMatch(/bad\.csv:5: unreadable row/);
  });
});

describe('lines as an editor counts them, and rows that swallow other lines', () => {
  // A BOM, CRLF line ends, and a description holding a line break inside its quotes (line 3-4).
  const crlf = (lines: string[]): string => '\ufeff' + lines.join('\r\n') + '\r\n';
  const good = (i: number): string => `INC${i},01-03-2016 ${String(8 + (i % 10)).padStart(2, '0')}:00,01-03-2016 ${String(9 + (i % 10)).padStart(2, '0')}:30,3 - Moderate,ok`;

  it('a problem after a quoted line break, in a CRLF file with a BOM, names its real line', async () => {
    const file = tmp.file('crlf.csv', crlf([`${HEADER},description`, good(1), 'INC2,01-03-2016 08:00,01-03-2016 09:00,3 - Moderate,"printer\r\non fire"', 'INC3,01-03-2016 08:00,01-03-2016 09:00,3 - Moderate', good(4), 'INC5,31-02-2016 10:00,01-03-2016 11:00,3 - Moderate,x']));
    const exp = await readIncidents(file, { onError: 'skip' });
    expect(exp.problems.map(formatProblem).map((m) => m.slice(file.length))).toEqual([
      ':5: unreadable row: Invalid Record Length: expect 5, got 4',
      ':7 column opened_at: unparseable date "31-02-2016 10:00" (expected dd-mm-yyyy HH:MM or ISO 8601; see --date-format)',
    ]);
    expect(exp.incidents.map((i) => i.id)).toEqual(['INC1', 'INC2', 'INC4']);
  });

  // The walkthrough's export: 5,999 CRLF lines, `,"Phone,` style unclosed quote on line 41.
  const lines = [`${HEADER},description`, ...Array.from({ length: 5998 }, (_, i) => good(i + 1))];
  lines[40] = 'INC40,01-03-2016 08:00,01-03-2016 09:00,"3 - Moderate,ok';
  const swallowed = tmp.file('swallowed.csv', crlf(lines));
  const expected = 'swallowed.csv:41: a quote opened in the row starting on this line is never closed, so lines 41–5,999 (5,959 lines, the rest of the file) read as one row. Not skipped (skipping it would drop every line it swallowed), nothing fitted: close the quote (a quote inside a quoted field is written "") and run again';

  it('an unclosed quote is not a skipped row: the line it opened on, the lines it swallowed, refused', async () => {
    for (const onError of ['skip', 'fatal'] as const) {
      const err = await readIncidents(swallowed, { onError }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FitInputError);
      expect((err as FitInputError).problems.map(formatProblem).at(-1)).toBe(swallowed.slice(0, -'swallowed.csv'.length) + expected);
    }
  });

  it('the CLI exits 2 and writes nothing', async () => {
    const out = `${tmp.dir}/swallowed-out`;
    const r = await cli(['fit', 'incidents', swallowed, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(existsSync(out)).toBe(false);
  });

  it('a quote that closes lines later, leaving a row of the wrong length, names both lines and is refused', async () => {
    const text = [`${HEADER},description`, good(1), 'INC2,01-03-2016 08:00,01-03-2016 09:00,"3 - Moderate,ok', good(3), 'INC4,01-03-2016 08:00,01-03-2016 09:00,3 - Moderate,ok"', good(5)].join('\n') + '\n';
    const file = tmp.file('paired.csv', text);
    await expect(readIncidents(file, { onError: 'skip' })).rejects.toThrow('paired.csv:3: unreadable row: Invalid Record Length: expect 5, got 4; the row runs over lines 3–5 (3 lines): a quote opened on line 3 probably closes on line 5. Not skipped');
  });
});

describe('dates, mappings, durations, sample sizes', () => {
  it('parses day-first, month-first, ISO with zones, and refuses impossible dates', () => {
    expect(parseTimestamp('29-02-2016 01:16')).toBe(Date.UTC(2016, 1, 29, 1, 16));
    expect(parseTimestamp('02/29/2016 1:16 PM', 'mdy')).toBe(Date.UTC(2016, 1, 29, 13, 16));
    expect(parseTimestamp('2016-02-29T01:16:00+01:00')).toBe(Date.UTC(2016, 1, 29, 0, 16));
    expect(parseTimestamp('2016-02-29 01:16:30.5Z')).toBe(Date.UTC(2016, 1, 29, 1, 16, 30, 500));
    expect(parseTimestamp('30-02-2016 01:16')).toBeNull();
    expect(parseTimestamp('2016-13-01')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
  });

  it('a mapping that matches nothing names what it looked for and what the header has', async () => {
    const file = tmp.file('jira.csv', 'key,created,resolutiondate\nSD-1,2026-01-05 10:00,2026-01-05 11:00\n');
    const err = await readIncidents(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FitInputError);
    expect((err as Error).message).toContain('the column mapping matches nothing for id (looked for "number"), openedAt (looked for "opened_at"); the header has: key, created, resolutiondate. Map them with --columns id=COLUMN,openedAt=COLUMN');
    const r = await cli(['fit', 'incidents', file, '--out', tmp.dir, '--columns', 'id=key,openedAt=created']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no resolution column (looked for "resolved_at")');
    const bad = await cli(['fit', 'incidents', file, '--columns', 'ident=key']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"ident=key": expected FIELD=COLUMN');
  });

  it('too few samples: empirical, with the reason in the fragment', async () => {
    const file = tmp.file('few.csv', [HEADER, ...rows(12)].join('\n') + '\n');
    const fit = fitIncidents(await readIncidents(file));
    expect(fit.overall.chosen).toBe('empirical');
    expect(fit.overall.reason).toBe('only 12 observed durations (fewer than 20): no family fitted, empirical distribution of the observed times');
  });

  it('a missing file and an empty file are errors, not crashes', async () => {
    const r = await cli(['fit', 'incidents', tmp.dir + '/nope.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read (no such file)');
    const empty = tmp.file('empty.csv', '');
    const e = await cli(['fit', 'incidents', empty]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('empty file, expected a header row');
    const gz = tmp.file('cut.csv.gz', 'not gzip at all');
    const g = await cli(['fit', 'incidents', gz]);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('not a readable gzip file');
  });
});
