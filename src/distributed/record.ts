/**
 * The one record format that moves between machines. A replication's record is the unit
 * stored and sent (never a partial sum), so any split of the work aggregates to the same
 * bytes. Numbers travel exactly: every number of a record goes into one little-endian
 * Float64 array (base64), so −0, NaN and ±Infinity survive, which plain JSON would turn into
 * 0 and null; the rest of the record travels as JSON with zeros where the numbers were.
 */
import type { FailedReplication, ReplicationRecord } from '../results/format.js';

/** A record in transit: its JSON skeleton and its numbers, in document order. */
export interface EncodedRecord {
  /** The record as JSON with every number replaced by 0. */
  json: string;
  /** Every number of the record in document order, as little-endian float64, base64. */
  f64: string;
}

/** Encodes a record exactly (see the module comment). */
export function encodeRecord(record: ReplicationRecord): EncodedRecord {
  const numbers: number[] = [];
  const json = JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value !== 'number') return value;
    numbers.push(value);
    return 0;
  });
  const bytes = Buffer.alloc(numbers.length * 8);
  for (let i = 0; i < numbers.length; i++) bytes.writeDoubleLE(numbers[i]!, i * 8);
  return { json, f64: bytes.toString('base64') };
}

/** Decodes a record encoded by encodeRecord, bit for bit. */
export function decodeRecord(encoded: EncodedRecord): ReplicationRecord {
  const bytes = Buffer.from(encoded.f64, 'base64');
  if (bytes.length % 8 !== 0) throw new Error('corrupt record: the number array is not a whole number of float64 values');
  let next = 0;
  const count = bytes.length / 8;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'number') {
      if (next >= count) throw new Error('corrupt record: fewer numbers than the record has places for');
      return bytes.readDoubleLE(8 * next++);
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = fill(v);
      return out;
    }
    return value;
  };
  // Filled in document order, the order JSON.stringify visited the numbers in.
  const record = fill(JSON.parse(encoded.json)) as ReplicationRecord;
  if (next !== count) throw new Error('corrupt record: more numbers than the record has places for');
  return record;
}

/** True when two encoded records are bit-identical. */
export function sameRecord(a: EncodedRecord, b: EncodedRecord): boolean {
  return a.json === b.json && a.f64 === b.f64;
}

/**
 * One line of a records file (a shard's part, the coordinator's log). `key` names the
 * compiled scenario the replication ran (the coordinator's log holds a warm-up pilot and the
 * main runs, whose (variant, replication) pairs overlap).
 */
export type RecordLine =
  | { kind: 'record'; variant: string; replication: number; record: EncodedRecord; key?: string }
  | { kind: 'failure'; failure: FailedReplication; key?: string };

/** The line that carries a finished replication. */
export function recordLine(record: ReplicationRecord): RecordLine {
  return { kind: 'record', variant: record.variant, replication: record.replication, record: encodeRecord(record) };
}
