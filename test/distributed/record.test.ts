import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from '../../src/distributed/record.js';
import { experimentIdentity } from '../../src/distributed/identity.js';
import { canonicalJson } from '../../src/scenario/canonical-json.js';
import type { ReplicationRecord } from '../../src/results/format.js';
import { input } from '../experiment/helpers.js';

const record = (): ReplicationRecord => ({
  variant: 'base',
  replication: 3,
  seed: '7',
  metrics: { zero: -0, missing: NaN, up: Infinity, down: -Infinity, tiny: 5e-324, third: 1 / 3 },
  series: { intervalSeconds: 60, columns: ['t', 'x'], rows: [[0, -0], [60, null], [120, NaN]] },
  incidents: [],
  events: 12,
});

describe('record format', () => {
  it('moves every number bit for bit, −0 and NaN included', () => {
    const back = decodeRecord(JSON.parse(JSON.stringify(encodeRecord(record()))) as ReturnType<typeof encodeRecord>);
    expect(Object.is(back.metrics.zero, -0)).toBe(true);
    expect(Number.isNaN(back.metrics.missing)).toBe(true);
    expect(back.metrics.up).toBe(Infinity);
    expect(back.metrics.down).toBe(-Infinity);
    expect(back.metrics.tiny).toBe(5e-324);
    expect(back.metrics.third).toBe(1 / 3);
    expect(Object.is(back.series.rows[0]![1], -0)).toBe(true);
    expect(back.series.rows[1]![1]).toBeNull();
    expect(Number.isNaN(back.series.rows[2]![1])).toBe(true);
    expect(back).toStrictEqual(record());
    expect(encodeRecord(back)).toEqual(encodeRecord(record()));
  });

  it('refuses a record whose numbers do not fit its places', () => {
    const e = encodeRecord(record());
    expect(() => decodeRecord({ json: e.json, f64: Buffer.from(e.f64, 'base64').subarray(8).toString('base64') })).toThrow(/fewer numbers/);
  });
});

describe('experiment identity', () => {
  it('is canonical in key order and changes with the seed, the replications and the scenario', () => {
    const exact = { exact: true };
    expect(canonicalJson({ b: 1, a: [-0, NaN] }, exact)).toBe(canonicalJson({ a: [-0, NaN], b: 1 }, exact));
    expect(canonicalJson(-0, exact)).not.toBe(canonicalJson(0, exact));
    const base = { input: input(), options: {} };
    const id = experimentIdentity(base);
    expect(experimentIdentity({ input: input(), options: {} })).toBe(id);
    expect(experimentIdentity({ ...base, options: { seed: '8' } })).not.toBe(id);
    expect(experimentIdentity({ ...base, options: { replications: 7 } })).not.toBe(id);
    expect(experimentIdentity({ input: input(undefined, { 'teams.service-desk.headcount': 13 }), options: {} })).not.toBe(id);
  });
});
