/**
 * docs/operations.md's "DR failover at night" table: the command it names is rerun here and
 * every figure of every row must read as the run gives it, rounded as the table writes it, so
 * the table cannot go stale silently when the scenario or a model changes its sample path.
 * The failed and within-3-s shares are of all the inventory's requests, at either site: the
 * standby (inventory-dr) serves only the inventory's diverted requests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../src/experiment/index.js';
import { summarize } from '../../../src/experiment/stats.js';
import type { ResultsDocument } from '../../../src/results/format.js';
import { loadScenarioFile } from '../../../src/scenario/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIO = path.join(ROOT, 'scenarios/dr-failover.yaml');
const COLUMNS = ['variant', 'RTO (min)', 'P(RTO ≤ 1 h)', 'staffing $/day', 'recovery site $/day', 'total $/day', 'failed requests', 'within 3 s (objective 99 %)'];

/** The DR failover paragraph and table of docs/operations.md. */
function drText(): string {
  const doc = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
  const start = doc.indexOf('**DR failover at night**');
  expect(start).toBeGreaterThan(0);
  const end = doc.indexOf('\n\n', doc.indexOf('| variant |', start));
  return doc.slice(start, end);
}

/** The table's rows, cell by cell. */
function rows(text: string): string[][] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string): string[] => l.slice(1, -1).split('|').map((c) => c.trim());
  expect(cells(lines[0]!)).toEqual(COLUMNS);
  return lines.slice(2).map(cells);
}

/** The numbers a cell states, each with its decimals ("84.3 (81.9–86.7), max 96.6" gives four). */
const stated = (cell: string): string[] => [...cell.matchAll(/\d[\d,]*(?:\.\d+)?/g)].map((m) => m[0].replaceAll(',', ''));

/** `value` as the text writes a figure with the decimals of `as`. */
const written = (value: number, as: string): string => value.toFixed(as.split('.')[1]?.length ?? 0);

describe('docs/operations.md: DR failover at night', () => {
  it('names the command it states figures of', () => {
    const text = drText().replace(/\s+/g, ' ');
    expect(text).toContain('opsim run scenarios/dr-failover.yaml --replications 30');
    expect(text).toContain('seed 11');
    expect(readFileSync(SCENARIO, 'utf8')).toMatch(/^seed: 11$/m);
  });

  // 150 replications of a 1-day scenario (about 25 CPU s on an idle core): the timeout leaves room
  // for a machine shared with other jobs.
  it('every figure of the table reads as a rerun of that command gives it', async () => {
    const r = loadScenarioFile(SCENARIO);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const doc: ResultsDocument = await runExperiment({ raw: r.raw, file: r.file, hash: r.hash }, { workers: 1, replications: 30 });
    const observed = doc.horizonSeconds - doc.warmupSeconds;
    const table = rows(drText());
    expect(table.map((row) => row[0])).toEqual(doc.variants.map((v) => v.name));
    for (const row of table) {
      const v = doc.variants.find((x) => x.name === row[0])!;
      const m = (name: string): { mean: number; ci95: [number, number]; max: number } => {
        const s = v.metrics[name]!;
        expect(s.n, `${v.name} ${name}`).toBe(30);
        return { mean: s.mean, ci95: [s.ci95[0], s.ci95[1]], max: s.max };
      };
      // The inventory's requests of each replication, at either site: finished = successes ÷ (1 − failed share).
      const P = v.perReplication!.metrics;
      const finished = (s: string, i: number): number => (P[`service.${s}.throughput`]![i]! * observed) / (1 - P[`service.${s}.failed_fraction`]![i]!);
      const all = P['transactions.failed']!.map((_, i) => finished('inventory', i) + finished('inventory-dr', i));
      const failed = summarize(all.map((n, i) => P['transactions.failed']![i]! / n));
      const within = summarize(all.map((n, i) => 1 - (P['transactions.failed']![i]! + P['transactions.delayed']![i]!) / n));
      const rto = m('site.dc-london.rto');
      const met = v.slaProbabilities!.find((p) => p.metric === 'site.dc-london.rto_met')!;
      const recovery = m('cost.recovery');
      const expected: number[][] = [
        [rto.mean / 60, rto.ci95[0] / 60, rto.ci95[1] / 60, rto.max / 60],
        [met.p, met.ci95[0], met.ci95[1]],
        [m('cost.staffing').mean],
        [recovery.mean, ...recovery.ci95],
        [m('cost.total').mean],
        [100 * failed.mean],
        [100 * within.mean, 100 * within.ci95[0], 100 * within.ci95[1]],
      ];
      expected.forEach((want, c) => {
        const cell = row[c + 1]!;
        const says = stated(cell);
        const what = `${v.name}: ${COLUMNS[c + 1]} "${cell}"`;
        // A mean written alone stands for an interval that rounds to it (the hot site's fixed price).
        const figures = says.length === 1 && want.length > 1 ? want.map((w) => ({ w, as: says[0]! })) : want.map((w, i) => ({ w, as: says[i]! }));
        expect(says.length === 1 || says.length === want.length, what).toBe(true);
        for (const { w, as } of figures) expect(written(w, as), what).toBe(as);
      });
    }
  }, 900_000);
});
