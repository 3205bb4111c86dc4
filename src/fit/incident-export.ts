/**
 * Reading an incident export into one record per incident. Two layouts share one path:
 * ServiceNow's audit trail (one row per update; rows of an incident share its number; the first
 * row gives when it was opened, the last its final state) and one row per incident (the first
 * row is the last). A column mapping names the columns of other tools (e.g. Jira Service
 * Management: key, created, resolutiondate, priority).
 */
import { readCsv, FitInputError, ProblemLog, type OnRowError, type RowProblem } from './csv.js';
import { parseTimestamp, type DateFormat } from './timestamps.js';

/** Fields an incident export can provide, and the column each is read from. */
export interface ColumnMap {
  /** Incident id; rows sharing it are one incident (audit trail). Required. */
  id: string;
  /** When the incident was opened. Required. */
  openedAt: string;
  /** When it was resolved (empty or "?" while open). */
  resolvedAt: string;
  closedAt: string;
  /** Priority ("1 - Critical", "P2", "High"...). */
  priority: string;
  impact: string;
  urgency: string;
  reassignmentCount: string;
  reopenCount: string;
  assignmentGroup: string;
  /** Incident state ("New", "Active", "Resolved", "Closed"...). */
  state: string;
  /** Time of the row's update (audit trail): the latest is the export's end when --as-of is not given. */
  updatedAt: string;
}

/** ServiceNow's column names (the UCI incident event log uses them). */
export const SERVICENOW_COLUMNS: ColumnMap = {
  id: 'number',
  openedAt: 'opened_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
  priority: 'priority',
  impact: 'impact',
  urgency: 'urgency',
  reassignmentCount: 'reassignment_count',
  reopenCount: 'reopen_count',
  assignmentGroup: 'assignment_group',
  state: 'incident_state',
  updatedAt: 'sys_updated_at',
};

/** ITIL priority. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

/** One incident, from its first and last rows. */
export interface IncidentRecord {
  id: string;
  /** Line of its first row. */
  line: number;
  openedAt: number;
  /** Resolution time in ms, null while open (or when the export does not say). */
  resolvedAt: number | null;
  priority: Priority | null;
  impact: string | null;
  urgency: string | null;
  reassignments: number | null;
  reopens: number | null;
  group: string | null;
  state: string | null;
  /** True when the final state says resolved or closed. */
  finished: boolean;
}

/** Options of readIncidents. */
export interface ReadIncidentOptions {
  columns?: Partial<ColumnMap>;
  dateFormat?: DateFormat;
  onError?: OnRowError;
  delimiter?: string;
}

/** What readIncidents returns. */
export interface IncidentExport {
  file: string;
  incidents: IncidentRecord[];
  /** Rows read (data rows, header excluded). */
  rows: number;
  /** Latest timestamp seen anywhere (opened, resolved, updated): the end of the export. */
  latest: number;
  /** Optional columns of the mapping that the file does not have. */
  missingColumns: (keyof ColumnMap)[];
  problems: RowProblem[];
  skippedRows: number;
}

const MISSING = new Set(['', '?', 'null', 'NULL', 'N/A', 'n/a', '-']);
const blank = (v: string | undefined): boolean => v === undefined || MISSING.has(v.trim());

/** Priority from "1 - Critical", "P1", "1", "Critical", "Highest"...; null when not recognised. */
export function parsePriority(text: string): Priority | null {
  const t = text.trim().toLowerCase();
  const digit = /^p?\s*([1-5])\b/.exec(t);
  if (digit !== null) return (['P1', 'P2', 'P3', 'P4', 'P4'] as const)[+digit[1]! - 1]!;
  if (/^(critical|highest|blocker|urgent)/.test(t)) return 'P1';
  if (/^high/.test(t)) return 'P2';
  if (/^(medium|moderate|normal)/.test(t)) return 'P3';
  if (/^(low|lowest|minor|trivial|planning)/.test(t)) return 'P4';
  return null;
}

const FINISHED = /^(resolved|closed|done|cancel+ed|complete)/i;

/**
 * Reads an incident export, streaming: memory grows with the number of incidents, not rows.
 * Throws FitInputError when the required columns are absent (naming what the header has).
 */
export async function readIncidents(file: string, opts: ReadIncidentOptions = {}): Promise<IncidentExport> {
  const cols: ColumnMap = { ...SERVICENOW_COLUMNS, ...opts.columns };
  const log = new ProblemLog(file, opts.onError ?? 'skip');
  const fmt = opts.dateFormat ?? 'auto';
  const byId = new Map<string, IncidentRecord>();
  // Incidents with a fatal problem on one row (a negative duration): all their rows are left out.
  const dropped = new Set<string>();
  let rows = 0;
  let latest = -Infinity;
  let checked = false;
  let missing: (keyof ColumnMap)[] = [];

  const time = (row: { line: number; get(c: string): string | undefined }, field: keyof ColumnMap, required: boolean): number | null | undefined => {
    const v = row.get(cols[field]);
    if (blank(v)) {
      if (required) log.row(row.line, `missing ${field}`, cols[field]);
      return required ? undefined : null;
    }
    const t = parseTimestamp(v!, fmt);
    if (t === null) {
      const msg = `unparseable date "${v}" (expected ${fmt === 'mdy' ? 'mm/dd/yyyy HH:MM' : fmt === 'iso' ? 'ISO 8601' : 'dd-mm-yyyy HH:MM or ISO 8601'}; see --date-format)`;
      if (required) log.row(row.line, msg, cols[field]);
      else log.note(row.line, `${msg}; left out`, cols[field]);
      return required ? undefined : null;
    }
    if (t > latest) latest = t;
    return t;
  };
  const count = (row: { line: number; get(c: string): string | undefined }, field: keyof ColumnMap): number | null => {
    const v = row.get(cols[field]);
    if (blank(v)) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      log.note(row.line, `"${v}" is not a count; left out`, cols[field]);
      return null;
    }
    return n;
  };
  const text = (row: { get(c: string): string | undefined }, field: keyof ColumnMap): string | null => {
    const v = row.get(cols[field]);
    return blank(v) ? null : v!.trim();
  };

  await readCsv(
    file,
    log,
    (row, header) => {
      if (!checked) {
        checked = true;
        const has = new Set(header);
        const required: (keyof ColumnMap)[] = ['id', 'openedAt'];
        const absent = required.filter((f) => !has.has(cols[f]));
        if (absent.length > 0) {
          throw new FitInputError(
            [],
            `${file}: the column mapping matches nothing for ${absent.map((f) => `${f} (looked for "${cols[f]}")`).join(', ')}; the header has: ${header.join(', ')}. Map them with --columns ${absent.map((f) => `${f}=COLUMN`).join(',')}`,
          );
        }
        missing = (Object.keys(cols) as (keyof ColumnMap)[]).filter((f) => !has.has(cols[f]));
        if (!has.has(cols.resolvedAt)) {
          throw new FitInputError([], `${file}: no resolution column (looked for "${cols.resolvedAt}"); the header has: ${header.join(', ')}. Map it with --columns resolvedAt=COLUMN`);
        }
      }
      rows++;
      const id = text(row, 'id');
      if (id === null) {
        log.row(row.line, 'missing incident id', cols.id);
        return;
      }
      // Read for its side effect: the latest update time marks the end of the export.
      time(row, 'updatedAt', false);
      if (dropped.has(id)) return;
      const known = byId.get(id);
      if (known === undefined) {
        const openedAt = time(row, 'openedAt', true);
        if (openedAt === undefined || openedAt === null) return;
        const rec = finalState(row, { id, line: row.line, openedAt });
        if (rec !== null) byId.set(id, rec);
        else dropped.add(id);
      } else {
        // A later row of the same incident: its final state overrides (opened_at stays the first row's).
        const rec = finalState(row, { id, line: known.line, openedAt: known.openedAt });
        if (rec !== null) byId.set(id, rec);
        else {
          byId.delete(id);
          dropped.add(id);
        }
      }
    },
    opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {},
  );

  function finalState(row: { line: number; get(c: string): string | undefined }, base: { id: string; line: number; openedAt: number }): IncidentRecord | null {
    const resolvedAt = time(row, 'resolvedAt', false);
    const p = text(row, 'priority');
    const priority = p === null ? null : parsePriority(p);
    if (p !== null && priority === null) log.note(row.line, `priority "${p}" not recognised (expected 1–4, P1–P4, critical/high/medium/low); left out of the priority mix`, cols.priority);
    const state = text(row, 'state');
    if (resolvedAt !== null && resolvedAt !== undefined && resolvedAt < base.openedAt) {
      log.row(row.line, `negative duration: resolved ${new Date(resolvedAt).toISOString()} before opened ${new Date(base.openedAt).toISOString()}`, cols.resolvedAt);
      return null;
    }
    return {
      ...base,
      resolvedAt: resolvedAt ?? null,
      priority,
      impact: text(row, 'impact'),
      urgency: text(row, 'urgency'),
      reassignments: count(row, 'reassignmentCount'),
      reopens: count(row, 'reopenCount'),
      group: text(row, 'assignmentGroup'),
      state,
      finished: resolvedAt !== null || (state !== null && FINISHED.test(state)),
    };
  }

  if (byId.size === 0) throw new FitInputError(log.problems, `${file}: no usable incident rows${log.problems.length > 0 ? ` (${log.problems.length} problems, first: ${log.problems[0]!.message})` : ''}`);
  return { file, incidents: [...byId.values()], rows, latest, missingColumns: missing, problems: log.problems, skippedRows: log.skippedRows };
}
