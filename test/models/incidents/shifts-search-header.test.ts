/**
 * The header of scenarios/service-desk-shifts-search.yaml states the offered load of its calls
 * (rate, handle time, erlangs) and the work of a ticket: checked against the scenario's fields,
 * so a change of the rate cannot leave the comment behind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/scenario/index.js';

const FILE = path.resolve(import.meta.dirname, '../../../scenarios/service-desk-shifts-search.yaml');

describe('scenarios/service-desk-shifts-search.yaml header', () => {
  it('states the calls\' rate, handle time and erlangs, and the tickets\' work, as the scenario has them', () => {
    const header = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#\s?/, '')).join(' ').replace(/\s+/g, ' ');
    const calls = header.match(/calls at a constant ([\d.]+) per hour \(([\d.]+) s handle time, ([\d.]+) erlangs\)/);
    const tickets = header.match(/; ([\d.]+) minutes of work each\)/);
    expect(calls, header).not.toBeNull();
    expect(tickets, header).not.toBeNull();
    const r = loadScenarioFile(FILE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const req = r.scenario.requests![0]!;
    expect(req.rate * 3600).toBeCloseTo(Number(calls![1]), 9);
    const handle = req.handleTime as { dist: string; mean: number };
    expect(handle.mean).toBeCloseTo(Number(calls![2]), 9);
    expect(req.rate * handle.mean).toBeCloseTo(Number(calls![3]), 9);
    const step = r.scenario.incidents!.types![0]!.path[0]! as unknown as { diagnosis: { mean: number }; fix: { mean: number } };
    expect((step.diagnosis.mean + step.fix.mean) / 60).toBeCloseTo(Number(tickets![1]), 9);
  });
});
