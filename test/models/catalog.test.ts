/**
 * Metric specs: every metric and column a model records carries its spec; the catalog of a
 * compiled scenario, built without running it, names exactly what a run produces; the specs
 * are coherent (ranges, flags, key order); docs/results-format.md's tables are generated from them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricCatalog, runReplication } from '../../src/models/replication.js';
import { MODELS } from '../../src/models/index.js';
import { catalogProblems, type AnyModelPlugin } from '../../src/models/kernel/plugin.js';
import { withMetricsReference } from '../../src/models/reference.js';
import { fillTemplate, templateLabels, type MetricSpec } from '../../src/results/metrics.js';
import { loadScenarioFile, scenarioJsonSchema } from '../../src/scenario/index.js';
import { ROOT } from '../experiment/helpers.js';

const REGEN = `regenerate with: npx tsc -p . && node -e "import('./dist/src/models/reference.js').then(m=>{const f='docs/results-format.md';const fs=require('fs');fs.writeFileSync(f,m.withMetricsReference(fs.readFileSync(f,'utf8')))})"`;

const allMetrics: MetricSpec[] = MODELS.flatMap((m) => [...m.metrics]);
const allColumns = MODELS.flatMap((m) => [...m.columns]);
const byName = (n: string): MetricSpec => allMetrics.find((s) => s.name === n)!;

describe('metric catalog of a compiled scenario', () => {
  for (const f of readdirSync(path.join(ROOT, 'scenarios')).filter((x) => x.endsWith('.yaml')).sort()) {
    it(`${f}: the catalog, known before running, names exactly the run's metrics and columns`, () => {
      const r = loadScenarioFile(path.join(ROOT, 'scenarios', f), { overrides: { horizon: '2h', warmup: 0 } });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const catalog = metricCatalog(r.scenario);
      const rec = runReplication(r.scenario, { seed: '1', replication: 0 });
      expect(Object.keys(catalog.metrics)).toEqual(Object.keys(rec.metrics));
      expect(Object.keys(catalog.columns)).toEqual(rec.series.columns.slice(1));
      // Every concrete name is its spec's template with labels filled in.
      for (const [name, spec] of Object.entries(catalog.metrics)) {
        const re = new RegExp(`^${spec.name.replace(/[.]/g, '\\.').replace(/<[a-z_]+>/g, '[^]+')}$`);
        expect(name).toMatch(re);
        // The declared spec, with a range up to the horizon resolved to this run's (2 h; the flag
        // kept for the variants' merge) and one from the warm-up resolved to it (0 here; the flag dropped).
        const declared = byName(spec.name);
        expect(allMetrics).toContain(declared);
        const { loAtWarmup, ...range } = declared.range ?? {};
        const resolved = declared.range?.hiAtHorizon === true || loAtWarmup === true ? { ...declared, range: { ...range, ...(declared.range?.hiAtHorizon === true ? { hi: 7200 } : {}), ...(loAtWarmup === true ? { lo: Math.max(range.lo ?? -Infinity, 0) } : {}) } } : declared;
        expect(spec).toEqual(resolved);
      }
    });
  }
});

describe('metric specs', () => {
  it('names are unique templates with lower-case labels', () => {
    const names = [...allMetrics, ...allColumns].map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9_.<>]+$/);
  });

  it('fractions stay in [0, 1] unless declared otherwise, counts and durations are ≥ 0', () => {
    for (const s of [...allMetrics, ...allColumns]) {
      if (['count', 'seconds', 'minutes', 'hours', 'per_second', 'watts', 'kilowatts', 'kWh', 'currency', 'clock_seconds', 'fraction'].includes(s.unit)) {
        expect(s.range?.lo, s.name).toBe(0);
      }
      // Declared otherwise: an overspent budget and an offered load above capacity exceed 1.
      if (s.unit === 'fraction' && !['sla.<sla>.error_budget_used', 'network.device.<device>.utilisation_peak'].includes(s.name)) expect(s.range?.hi, s.name).toBe(1);
      expect(s.doc.length, s.name).toBeGreaterThan(10);
      expect(s.doc, s.name).not.toMatch(/\n/);
    }
  });

  it('0/1 verdicts are flags with range 0..1', () => {
    const flags = allMetrics.filter((s) => s.flag === true);
    expect(flags.map((s) => s.name)).toContain('sla.<sla>.met');
    for (const s of flags) expect(s.range).toEqual({ lo: 0, hi: 1 });
  });

  it('directions the name-guessing got wrong are declared right', () => {
    expect(byName('monitoring.auto_remediation.successes').better).toBe('higher');
    expect(byName('scheduled.<job>.done').better).toBe('higher');
    expect(byName('incidents.<priority>.mttr').better).toBe('lower');
    expect(byName('service.<service>.utilisation').better).toBe('neutral');
  });

  it("key metrics keep the planner's reading order", () => {
    const keyed = allMetrics.filter((s) => s.key !== undefined).sort((a, b) => a.key! - b.key!);
    expect(keyed.map((s) => s.key)).toEqual(keyed.map((_, i) => i + 1));
    expect(keyed.map((s) => s.name)).toEqual([
      'sla.<sla>.attainment',
      'sla.<sla>.first_breach',
      'sla.<sla>.breach_minutes',
      'transactions.delayed',
      'transactions.failed',
      'cost.total',
      'site.<site>.rto',
      'site.<site>.rpo',
      'site.<site>.transactions_lost',
      'site.<site>.downtime',
      'service.<service>.response_time.p95',
      'service.<service>.response_time.mean',
      'service.<service>.utilisation',
      'service.<service>.failed_fraction',
      'requests.<request>.service_level',
      'incidents.<priority>.mttr',
      'room.<room>.temperature.max',
      'staffing.<team>.utilisation',
    ]);
  });

  it('a label that does not fit the template is refused', () => {
    expect(fillTemplate('sla.<sla>.met', { sla: 'web' })).toBe('sla.web.met');
    expect(templateLabels('service.<service>.class.<class>.response_time.mean')).toEqual(['service', 'class']);
    expect(() => fillTemplate('sla.<sla>.met', {})).toThrow(/missing: sla/);
    expect(() => fillTemplate('cost.total', { sla: 'x' })).toThrow(/unknown: sla/);
  });
});

it(`docs/results-format.md is current (${REGEN})`, () => {
  const page = readFileSync(path.join(ROOT, 'docs/results-format.md'), 'utf8');
  expect(page, REGEN).toBe(withMetricsReference(page));
  for (const s of allMetrics) expect(page).toContain(`\`${s.name}\``);
});

it('results.json carries the catalog of every metric and column it holds', async () => {
  const { runExperiment } = await import('../../src/experiment/index.js');
  const { input } = await import('../experiment/helpers.js');
  const doc = await runExperiment(input(path.join(ROOT, 'scenarios/noc-night-shift.yaml'), { horizon: '6h' }), { replications: 1, workers: 0 });
  const names = [...new Set(doc.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  expect(Object.keys(doc.metrics ?? {}).sort()).toEqual(names);
  expect(Object.keys(doc.columns ?? {})).toEqual(doc.variants[0]!.series!.columns.slice(1));
  expect(doc.metrics!['monitoring.auto_remediation.successes']!.better).toBe('higher');
  const sla = Object.keys(doc.metrics!).filter((n) => /^sla\.[^.]+\.met$/.test(n));
  expect(sla.length).toBeGreaterThan(0);
  for (const n of sla) expect(doc.metrics![n]!.flag).toBe(true);
});

describe('the model catalog', () => {
  it('is sound: unique names and fields, every port needed is given by an earlier model', () => {
    expect(catalogProblems(MODELS)).toEqual([]);
  });

  it('refuses a model that needs a port no earlier model gives', () => {
    const [targets, cooling, services] = ['failure-targets', 'cooling', 'services'].map((n) => MODELS.find((m) => m.name === n)!) as [AnyModelPlugin, AnyModelPlugin, AnyModelPlugin];
    expect(catalogProblems([targets, services, cooling])).toEqual(['model "services" needs port "rooms", which no earlier model gives']);
    expect(catalogProblems([targets, cooling, cooling])).toEqual([
      'model "cooling" is listed twice',
      'scenario field "rooms" is owned by both "cooling" and "cooling"',
      'port "rooms" is given by both "cooling" and "cooling"',
    ]);
  });

  it("the models own exactly the scenario's top-level fields that are not the language's own", () => {
    const own = ['$schema', 'name', 'description', 'extends', 'seed', 'currency', 'horizon', 'warmup', 'interval', 'maxEvents', 'experiment', 'search'];
    const all = Object.keys((scenarioJsonSchema() as { properties: Record<string, unknown> }).properties).filter((k) => !own.includes(k));
    expect(MODELS.flatMap((m) => m.fields).sort()).toEqual(all.sort());
  });
});
