/**
 * docs/operations.md's "NOC nights on call" figures: the command it names is rerun here and
 * every range it states (lowest to highest replication) must hold the run's replications, so
 * the text cannot go stale silently when the scenario or a model changes its sample path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../src/experiment/index.js';
import type { ResultsDocument } from '../../../src/results/format.js';
import { loadScenarioFile } from '../../../src/scenario/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIO = path.join(ROOT, 'scenarios/noc-night-shift.yaml');

/** The NOC bullet of docs/operations.md on one line. */
function nocText(): string {
  const doc = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
  const start = doc.indexOf('- **NOC nights on call**');
  expect(start).toBeGreaterThan(0);
  const end = doc.indexOf('\n\n', start);
  return doc.slice(start, end).replace(/\s+/g, ' ');
}

const num = (s: string): number => Number(s.replaceAll(',', ''));

/** A stated range "a–b" and the metric it is about. */
interface Claim {
  what: string;
  variant: string;
  metric: string;
  low: number;
  high: number;
}

function claims(text: string): Claim[] {
  const N = '([\\d,]+)';
  const site = text.match(new RegExp(`on site, P1 MTTA is ${N}–${N} s, response breaches \\(all priorities\\) ${N}–${N} a week and SLA breach minutes ${N}–${N}\\.`));
  const call = text.match(new RegExp(`on call, P1 MTTA is ${N}–${N} s \\([^)]*\\), response breaches ${N}–${N} a week and SLA breach minutes ${N}–${N}\\.`));
  const cost = text.match(/from \$([\d,]+) to \$([\d,]+) a week/);
  expect(site, text).not.toBeNull();
  expect(call, text).not.toBeNull();
  expect(cost, text).not.toBeNull();
  const of = (variant: string, m: RegExpMatchArray): Claim[] =>
    [
      ['P1 MTTA', 'incidents.P1.mtta'],
      ['response breaches', 'incidents.response_breaches'],
      ['SLA breach minutes', 'sla.orders.breach_minutes'],
    ].map(([what, metric], i) => ({ what: `${variant}: ${what!}`, variant, metric: metric!, low: num(m[2 * i + 1]!), high: num(m[2 * i + 2]!) }));
  return [
    ...of('night-on-site', site!),
    ...of('on-call-nights', call!),
    { what: 'staffing on site', variant: 'night-on-site', metric: 'cost.staffing', low: num(cost![1]!), high: num(cost![1]!) },
    { what: 'staffing on call', variant: 'on-call-nights', metric: 'cost.staffing', low: num(cost![2]!), high: num(cost![2]!) },
  ];
}

describe('docs/operations.md: NOC nights on call', () => {
  it('names the command it states figures of', () => {
    const text = nocText();
    expect(text).toContain('opsim run scenarios/noc-night-shift.yaml --replications 3');
    expect(text).toMatch(/7 days, seed 7/);
    const raw = readFileSync(SCENARIO, 'utf8');
    expect(raw).toMatch(/^seed: 7$/m);
    expect(raw).toMatch(/^horizon: 7d$/m);
  });

  it('every stated range holds the replications of that command', async () => {
    const r = loadScenarioFile(SCENARIO);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const doc: ResultsDocument = await runExperiment({ raw: r.raw, file: r.file, hash: r.hash }, { workers: 1, replications: 3 });
    const stated = claims(nocText());
    expect(stated).toHaveLength(8);
    for (const c of stated) {
      const v = doc.variants.find((x) => x.name === c.variant)!;
      const m = v.metrics[c.metric]!;
      expect(m.n, c.what).toBe(3);
      // Rounded as the text writes them (whole seconds, minutes, breaches and dollars).
      expect(Math.round(m.min), `${c.what}: lowest replication`).toBeGreaterThanOrEqual(c.low);
      expect(Math.round(m.max), `${c.what}: highest replication`).toBeLessThanOrEqual(c.high);
    }
  }, 120_000);
});
