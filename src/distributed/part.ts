/**
 * Records files: a header naming the experiment, then one line per finished or failed
 * replication (the one record format, see record.ts), then an end line. A shard's part
 * (`opsim run --shard i/N --out part-i`) and the queue coordinator's durable log are both
 * records files; merge and resume read them with readRecordsFile.
 */
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AssembleInput } from '../experiment/assemble.js';
import { writeFileAtomic } from '../results/write.js';
import { OPSIM_VERSION } from '../version.js';
import { nodeMajor, type ExperimentSpec } from './identity.js';
import { decodeRecord, recordLine, sameRecord, type EncodedRecord, type RecordLine } from './record.js';
import type { FailedReplication, ReplicationRecord } from '../results/format.js';

/** Format tag of a records file's header. */
export const RECORDS_FORMAT = 'opsim-records/1';
/** File name of the records inside a part folder. */
export const PART_FILE = 'records.jsonl';

/** The first line of a records file. */
export interface RecordsHeader {
  kind: 'header';
  format: typeof RECORDS_FORMAT;
  identity: string;
  opsimVersion: string;
  nodeMajor: string;
  spec: ExperimentSpec;
  /** The shard this file holds (0-based index), or null for a whole experiment (the queue's log). */
  shard: { index: number; count: number } | null;
}

/** The last line of a complete records file. */
export interface RecordsEnd {
  kind: 'end';
  interrupted: boolean;
}

/** A records file as read back. */
export interface RecordsFile {
  file: string;
  header: RecordsHeader;
  lines: RecordLine[];
  /** Null when the file has no end line (its writer was killed, or it is a live log). */
  end: RecordsEnd | null;
}

/** The header of a records file for `spec` with identity `identity`. */
export function recordsHeader(spec: ExperimentSpec, identity: string, shard: RecordsHeader['shard']): RecordsHeader {
  return { kind: 'header', format: RECORDS_FORMAT, identity, opsimVersion: OPSIM_VERSION, nodeMajor: nodeMajor(), spec, shard };
}

/** The lines of an outcome's records and failures. */
export function outcomeLines(outcome: Pick<AssembleInput, 'records' | 'failures'>): RecordLine[] {
  return [...outcome.records.map(recordLine), ...outcome.failures.map((failure): RecordLine => ({ kind: 'failure', failure }))];
}

/** Writes a shard's part folder atomically; returns the records file's path. */
export async function writePart(dir: string, header: RecordsHeader, outcome: AssembleInput): Promise<string> {
  const file = path.join(dir, PART_FILE);
  const end: RecordsEnd = { kind: 'end', interrupted: outcome.interrupted };
  const text = [header, ...outcomeLines(outcome), end].map((l) => JSON.stringify(l)).join('\n') + '\n';
  await writeFileAtomic(file, text);
  return file;
}

/** Appends lines to a log durably (written and fsynced before this returns). */
export async function appendLines(file: string, lines: readonly (RecordLine | RecordsHeader | RecordsEnd)[]): Promise<void> {
  if (lines.length === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  const fh = await open(file, 'a');
  try {
    await fh.appendFile(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Reads a records file (or a part folder holding records.jsonl). A torn last line (a kill mid-append) is ignored. */
export async function readRecordsFile(where: string): Promise<RecordsFile> {
  const file = (await stat(where)).isDirectory() ? path.join(where, PART_FILE) : where;
  const text = await readFile(file, 'utf8');
  const rows = text.split('\n');
  let header: RecordsHeader | null = null;
  const lines: RecordLine[] = [];
  let end: RecordsEnd | null = null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.trim() === '') continue;
    let parsed: RecordLine | RecordsHeader | RecordsEnd;
    try {
      parsed = JSON.parse(row) as RecordLine | RecordsHeader | RecordsEnd;
    } catch {
      if (i === rows.length - 1) break; // a torn final append; the replications it held are simply missing
      throw new Error(`${file}:${i + 1}: not a records line`);
    }
    if (parsed.kind === 'header') {
      if (header !== null) throw new Error(`${file}:${i + 1}: a second header`);
      if (parsed.format !== RECORDS_FORMAT) throw new Error(`${file}: format ${JSON.stringify(parsed.format)}, expected ${RECORDS_FORMAT}`);
      header = parsed;
    } else if (header === null) throw new Error(`${file}:${i + 1}: records before the header`);
    else if (parsed.kind === 'end') end = parsed;
    else lines.push(parsed);
  }
  if (header === null) throw new Error(`${file}: empty, or not an opsim records file`);
  return { file, header, lines, end };
}

/** Records and failures collected from several files, by (variant, replication). */
export interface CollectedRecords {
  records: Map<string, { record: EncodedRecord; from: string }>;
  failures: Map<string, FailedReplication>;
  /** Replications found more than once with identical bits (harmless, e.g. a part given twice). */
  duplicates: string[];
  /** Replications found twice with different bits: a determinism fault. */
  conflicts: string[];
}

/** The key of a (variant, replication) pair in messages and maps. */
export function replicationKey(variant: string, replication: number): string {
  return `${variant}:${replication}`;
}

/** Adds lines to a collection, noting duplicates and determinism faults. */
export function collectLines(into: CollectedRecords, lines: readonly RecordLine[], from: string): void {
  for (const l of lines) {
    if (l.kind === 'failure') {
      into.failures.set(replicationKey(l.failure.variant, l.failure.replication), l.failure);
      continue;
    }
    const key = replicationKey(l.variant, l.replication);
    const seen = into.records.get(key);
    if (seen === undefined) into.records.set(key, { record: l.record, from });
    else if (sameRecord(seen.record, l.record)) into.duplicates.push(`${key} (in ${seen.from} and ${from})`);
    else into.conflicts.push(`${key}: ${seen.from} and ${from} hold different results for the same replication and seed (determinism fault)`);
  }
}

/** An empty collection. */
export function emptyCollection(): CollectedRecords {
  return { records: new Map(), failures: new Map(), duplicates: [], conflicts: [] };
}

/** The decoded records of a collection, and its failures minus those that also succeeded elsewhere. */
export function collected(c: CollectedRecords): { records: ReplicationRecord[]; failures: FailedReplication[] } {
  const records = [...c.records.values()].map((r) => decodeRecord(r.record));
  const failures = [...c.failures.entries()].filter(([k]) => !c.records.has(k)).map(([, f]) => f);
  return { records, failures };
}
