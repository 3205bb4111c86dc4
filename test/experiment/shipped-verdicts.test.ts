/**
 * Over every shipped scenario (2 replications each): the SLA verdict never disagrees with
 * the error budget (met ⇔ error budget used ≤ 100 %), every SLA's basis is stated, and no
 * interval in results.json leaves its metric's feasible range as declared in the catalog.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicationPool, runExperiment } from '../../src/experiment/index.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { resultsJson } from '../../src/results/write.js';
import { resultsJsonSchema, resultsSchemaText } from '../../src/results/schema.js';
import { input, ROOT } from './helpers.js';

const SCENARIOS = readdirSync(path.join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Every (where, value, lo, hi) interval of a document that must lie in [range.lo, range.hi]. */
export function outOfRange(doc: ResultsDocument): string[] {
  const bad: string[] = [];
  const inside = (x: number | null, lo?: number, hi?: number): boolean => x === null || Number.isNaN(x) || ((lo === undefined || x >= lo - 1e-9) && (hi === undefined || x <= hi + 1e-9));
  for (const v of doc.variants) {
    for (const [m, s] of Object.entries(v.metrics)) {
      const r = doc.metrics?.[m]?.range;
      if (r === undefined) continue;
      for (const x of [s.ci95[0], s.ci95[1]]) if (!inside(x, r.lo, r.hi)) bad.push(`${v.name} ${m} ci95 [${s.ci95.join(', ')}] outside [${r.lo ?? '-∞'}, ${r.hi ?? '∞'}]`);
    }
    for (const p of v.slaProbabilities ?? []) for (const x of p.ci95) if (!inside(x, 0, 1)) bad.push(`${v.name} ${p.metric} P(met) interval ${p.ci95.join(', ')}`);
    const s = v.series;
    if (s === null) continue;
    s.columns.forEach((c, j) => {
      const r = doc.columns?.[c]?.range;
      if (r === undefined) return;
      for (const band of [s.lo, s.hi]) for (const row of band) if (!inside(row[j] ?? null, r.lo, r.hi)) bad.push(`${v.name} series ${c} band ${row[j]} outside [${r.lo ?? '-∞'}, ${r.hi ?? '∞'}]`);
    });
  }
  return bad;
}

describe('shipped scenarios: verdicts and intervals', () => {
  let pool: ReplicationPool;
  const docs = new Map<string, ResultsDocument>();
  beforeAll(async () => {
    pool = new ReplicationPool({ size: 2 });
    for (const f of SCENARIOS) docs.set(f, await runExperiment(input(path.join(ROOT, 'scenarios', f)), { pool, replications: 2 }));
  }, 240_000);
  afterAll(async () => {
    await pool.close();
  });

  it.each(SCENARIOS)('%s: met ⇔ error budget used ≤ 100 %% in every replication, and the basis is stated', (f) => {
    const doc = docs.get(f)!;
    let checked = 0;
    for (const v of doc.variants) {
      const per = v.perReplication!.metrics;
      for (const name of Object.keys(per).filter((k) => /^sla\.[^.]+\.met$/.test(k))) {
        const sla = name.slice(0, -'.met'.length);
        const used = per[`${sla}.error_budget_used`]!;
        per[name]!.forEach((met, i) => {
          // JSON has no Infinity: a zero budget overspent is null in the document.
          const u = used[i] ?? Infinity;
          expect(met === 1, `${f} ${v.name} rep ${i} ${sla}: met ${met}, used ${u}`).toBe(u <= 1 + 1e-12);
          checked++;
        });
        expect(doc.slas?.map((b) => `sla.${b.name}`)).toContain(sla);
      }
    }
    if ((doc.slas?.length ?? 0) > 0) expect(checked).toBeGreaterThan(0);
  });

  it.each(SCENARIOS)('%s: no interval leaves its feasible range', (f) => {
    const doc = docs.get(f)!;
    // The ranges come from the catalog: without it this check would pass vacuously.
    expect(Object.keys(doc.metrics ?? {}).length).toBeGreaterThan(0);
    expect(outOfRange(doc)).toEqual([]);
  });

  it.each(SCENARIOS)('%s: results.json validates against the published JSON Schema', (f) => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(resultsJsonSchema());
    const ok = validate(JSON.parse(resultsJson(docs.get(f)!)));
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5))).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('docs/results.schema.json', () => {
  it('is current (regenerate with: npx tsc -p . && node dist/src/cli.js schema --results > docs/results.schema.json)', () => {
    expect(readFileSync(path.join(ROOT, 'docs/results.schema.json'), 'utf8')).toBe(resultsSchemaText());
  });

  it('refuses what results.json never holds: an unknown field, a string where a number belongs', () => {
    const validate = new Ajv({ strict: false }).compile(resultsJsonSchema());
    const doc = { format: 'opsim-results/1', opsimVersion: 'x', scenario: { name: 's', file: null, hash: 'h' }, seed: '1', horizonSeconds: 1, warmupSeconds: 0, complete: true, variants: [], comparisons: [], failures: [] };
    expect(validate(doc)).toBe(true);
    expect(validate({ ...doc, surprise: 1 })).toBe(false);
    expect(validate({ ...doc, horizonSeconds: '1d' })).toBe(false);
  });
});
