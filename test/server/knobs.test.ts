/** Dashboard knobs come from the `x-knob` annotation of the scenario schema, never from field names. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/index.js';
import { loadFile } from '../../src/server/run-host.js';
import { KNOB_KEYWORD, scenarioKnobs } from '../../src/server/knobs.js';

const SCENARIOS = path.resolve('scenarios');

describe('knobs', () => {
  it('are the annotated fields: a field named like a lever but without the annotation is not one', () => {
    const schema = {
      type: 'object',
      properties: {
        pool: { type: 'object', properties: { servers: { type: 'integer' }, workers: { type: 'integer', [KNOB_KEYWORD]: true, description: 'Workers of the pool.' } } },
        staff: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer', [KNOB_KEYWORD]: true, default: 3 } } } },
      },
    };
    const knobs = scenarioKnobs({ pool: { servers: 4, workers: 2 }, staff: [{ name: 'noc' }, { name: 'bad name!', size: 5 }] }, schema);
    expect(knobs).toEqual([
      { path: 'pool.workers', label: 'pool workers', value: 2, doc: 'Workers of the pool.' },
      { path: 'staff[1].size', label: 'staff[1] size', value: 5 },
      // Left to its default by the document: offered with the default's value.
      { path: 'staff.noc.size', label: 'staff noc size', value: 3 },
    ]);
  });

  it('follow the branch of a union the document takes (its discriminator), and list what variants vary first', () => {
    const schema = {
      type: 'object',
      properties: {
        monitors: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'object', required: ['metric'], properties: { metric: { const: 'latency' }, exception: { type: 'string', [KNOB_KEYWORD]: true } } },
              { type: 'object', required: ['metric'], properties: { metric: { const: 'state' }, exception: { type: 'string' } } },
            ],
          },
        },
        retries: { type: 'integer' },
      },
    };
    const doc = {
      monitors: [{ name: 'p95', metric: 'latency', exception: '2s' }, { name: 'down', metric: 'state', exception: '1' }],
      retries: 2,
      experiment: { variants: { factors: { retries: [1, 2, 3] } } },
    };
    expect(scenarioKnobs(doc, schema).map((k) => [k.path, k.value, k.values])).toEqual([
      ['retries', 2, [1, 2, 3]],
      ['monitors.p95.exception', '2s', undefined],
    ]);
  });

  it("in opsim's language: servers and shift headcounts are knobs; retries and the latency objective are not", () => {
    const r = loadScenarioFile(path.join(SCENARIOS, 'globalmart-peak.yaml'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const knobs = scenarioKnobs(r.raw);
    const paths = knobs.map((k) => k.path);
    expect(paths).toContain('services.inventory.servers');
    expect(paths).toContain('teams.ops-l1.roster.shifts.night.headcount');
    expect(paths).toContain('rooms.hall-a.crac.crac.count');
    expect(paths).not.toContain('services.inventory.latencyObjective.threshold');
    expect(paths.some((p) => p.endsWith('.retries') || p.endsWith('.minServers'))).toBe(false);
    expect(knobs.find((k) => k.path === 'services.inventory.servers')!.doc).toMatch(/servers in the pool/i);
    expect(knobs.find((k) => k.path === 'rooms.hall-a.crac.crac.count')!.label).toBe('hall-a crac count');
    expect(knobs.find((k) => k.path === 'teams.ops-l1.roster.shifts.night.headcount')!.label).toBe('ops-l1 night headcount');
  });

  it('of every shipped scenario are paths an override accepts, with the values the scenario has', () => {
    for (const f of readdirSync(SCENARIOS).filter((x) => /\.ya?ml$/.test(x))) {
      const plain = loadFile(path.join(SCENARIOS, f));
      expect(plain.ok, f).toBe(true);
      if (!plain.ok) continue;
      const knobs = scenarioKnobs(plain.raw);
      expect(knobs.length, f).toBeGreaterThan(0);
      const again = loadFile(path.join(SCENARIOS, f), Object.fromEntries(knobs.map((k) => [k.path, k.value])));
      expect(again.ok ? [] : again.errors, f).toEqual([]);
    }
  });
});
