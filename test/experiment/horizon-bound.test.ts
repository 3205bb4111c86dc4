/**
 * A clock time inside the run (sla.<sla>.first_breach, problems.<p>.fixed_at) is bounded by the
 * horizon of the variant that recorded it, not by whichever variant's catalog was read last:
 * with variants of different horizons no interval excludes its own mean or reaches past the
 * variant's own horizon (review16 finding 1).
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { applyMetricSpecs, variantResults } from '../../src/experiment/aggregate.js';
import { runExperiment } from '../../src/experiment/index.js';
import { metricCatalog } from '../../src/models/replication.js';
import { RESULTS_FORMAT, type ReplicationRecord, type ResultsDocument } from '../../src/results/format.js';
import { resultsJsonSchema } from '../../src/results/schema.js';
import { loadScenarioText } from '../../src/scenario/index.js';

// Overloaded from 20:00 (2/s against one server that serves 1/s): the SLA's first bad window
// starts at 20:00 in the full day and never within the half day.
const SCENARIO = (first: string, second: string): string => `
name: horizons
seed: 1
horizon: 1d
interval: 1h
load:
  - name: orders
    service: orders
    rate: 0.2/s
    daily: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10, 10, 10]
services:
  - name: orders
    servers: 1
    serviceTime: { dist: exponential, mean: 1s }
    timeout: 1m
sla:
  services:
    - { name: orders, service: orders, availabilityTarget: 99.9%, latency: { threshold: 20s, target: 99% } }
experiment:
  replications: 3
  variants:
    list:
${[first, second].map((v) => (v === 'halfday' ? '      - name: halfday\n        set: { horizon: 12h }' : `      - name: ${v}`)).join('\n')}
`;

function load(text: string): { raw: unknown; file: null; hash: string } {
  const r = loadScenarioText(text, { file: 'horizons.yaml' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { raw: r.raw, file: null, hash: r.hash };
}

const BREACH = 'sla.orders.first_breach';

describe('a range that ends at the horizon, with variants of different horizons', () => {
  for (const order of [['fullday', 'halfday'], ['halfday', 'fullday']] as const) {
    it(`${order.join(' then ')}: every interval holds its mean and stays within the variant's own horizon`, async () => {
      const doc = await runExperiment(load(SCENARIO(order[0], order[1])), { workers: 1 });
      expect(new Ajv({ strict: false }).compile(resultsJsonSchema())(JSON.parse(JSON.stringify(doc)))).toBe(true);
      for (const v of doc.variants) {
        const own = v.horizonSeconds ?? doc.horizonSeconds;
        for (const [name, s] of Object.entries(v.metrics)) {
          const r = doc.metrics![name]?.range;
          if (s.n < 2 || !Number.isFinite(s.ci95[0]) || r === undefined) continue;
          expect(s.ci95[0], `${v.name} ${name}`).toBeLessThanOrEqual(s.mean);
          expect(s.ci95[1], `${v.name} ${name}`).toBeGreaterThanOrEqual(s.mean);
          if (r.lo !== undefined) expect(s.ci95[0], `${v.name} ${name}`).toBeGreaterThanOrEqual(r.lo);
          const hi = r.hiAtHorizon === true ? Math.min(r.hi!, own) : r.hi;
          if (hi !== undefined) expect(s.ci95[1], `${v.name} ${name}`).toBeLessThanOrEqual(hi);
        }
      }
      const full = doc.variants.find((v) => v.name === 'fullday')!;
      const half = doc.variants.find((v) => v.name === 'halfday')!;
      expect(doc.horizonSeconds).toBe(86400);
      expect(full.horizonSeconds).toBeUndefined();
      expect(half.horizonSeconds).toBe(43200);
      // The catalog's bound holds for every variant: the longest horizon.
      expect(doc.metrics![BREACH]!.range).toEqual({ lo: 0, hi: 86400, hiAtHorizon: true });
      const b = full.metrics[BREACH]!;
      expect(b.n).toBe(3);
      expect(b.mean).toBeGreaterThanOrEqual(72000);
      expect(b.mean).toBeLessThan(75600);
      expect(b.method ?? 't').not.toBe('t-clipped');
      expect(half.metrics[BREACH]!.n).toBe(0);
    });
  }

  it('metricCatalog keeps the longest horizon whichever variant comes last', () => {
    const full = loadScenarioText(SCENARIO('fullday', 'halfday'), { file: 'horizons.yaml' });
    const half = loadScenarioText(SCENARIO('fullday', 'halfday'), { file: 'horizons.yaml', overrides: { horizon: '12h' } });
    if (!full.ok || !half.ok) throw new Error('scenario');
    expect(metricCatalog(half.scenario).metrics[BREACH]!.range).toEqual({ lo: 0, hi: 43200, hiAtHorizon: true });
    expect(metricCatalog(full.scenario, half.scenario).metrics[BREACH]!.range!.hi).toBe(86400);
    expect(metricCatalog(half.scenario, full.scenario).metrics[BREACH]!.range!.hi).toBe(86400);
  });

  it("applyMetricSpecs cuts each variant's interval at its own horizon", () => {
    const rec = (variant: string, replication: number, x: number): ReplicationRecord => ({ variant, replication, seed: '1', metrics: { [BREACH]: x }, series: { intervalSeconds: 3600, columns: ['t'], rows: [] }, incidents: [], events: 0 });
    const doc: ResultsDocument = {
      format: RESULTS_FORMAT,
      opsimVersion: 't',
      scenario: { name: 's', file: null, hash: 'h' },
      seed: '1',
      horizonSeconds: 86400,
      warmupSeconds: 0,
      complete: true,
      // Breaches late in a 12 h run: the t interval reaches past 12 h (but not past a day).
      variants: [
        variantResults({ name: 'half', overrides: { horizon: '12h' }, horizonSeconds: 43200, records: [30000, 43000, 43100].map((x, r) => rec('half', r, x)) }),
        variantResults({ name: 'full', overrides: {}, records: [30000, 43000, 43100].map((x, r) => rec('full', r, x)) }),
      ],
      comparisons: [],
      failures: [],
      metrics: { [BREACH]: { name: 'sla.<sla>.first_breach', unit: 'clock_seconds', better: 'higher', range: { lo: 0, hi: 86400, hiAtHorizon: true }, doc: 'first breach' } },
    };
    const d = applyMetricSpecs(doc);
    const half = d.variants[0]!.metrics[BREACH]!;
    const full = d.variants[1]!.metrics[BREACH]!;
    expect(half.method).toBe('t-clipped');
    expect(half.ci95[1]).toBe(43200);
    expect(half.ci95[0]).toBeLessThan(half.mean);
    expect(full.method ?? 't').toBe('t');
    expect(full.ci95[1]).toBeGreaterThan(43200);
    expect(d.warnings?.filter((w) => w.kind === 'clipped').map((w) => w.variant)).toEqual(['half']);
  });
});
