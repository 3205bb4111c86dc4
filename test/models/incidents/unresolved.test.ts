/**
 * incidents.<P>.unresolved: the incidents of each priority still open at the horizon, what
 * incidents.<P>.mttr (over the resolved ones) leaves out. An overloaded desk whose P1 jumps the
 * queue leaves P3 incidents open in the hundreds while their mean time to resolve, over the few
 * resolved, stays short of what the open ones have waited.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, formatScenarioError } from '../../../src/scenario/index.js';
import { runReplication } from '../../../src/models/replication.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, '../../search/fixtures/overloaded-answer-search.yaml');

function metrics(headcount: number): Record<string, number | null> {
  const r = loadScenarioFile(fixture, { overrides: { 'teams.resolvers.headcount': headcount } });
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return runReplication(r.scenario, { seed: '5', replication: 0 }).metrics;
}

describe('incidents.<priority>.unresolved', () => {
  it('sums to incidents.unresolved, per priority', () => {
    for (const h of [3, 8]) {
      const m = metrics(h);
      const per = ['P1', 'P2', 'P3', 'P4'].map((p) => m[`incidents.${p}.unresolved`]!);
      expect(per.reduce((a, b) => a + b, 0)).toBe(m['incidents.unresolved']);
    }
  });

  it('an overloaded desk (5.05 operators of work, 3 on duty) leaves a P3 backlog that a healthy one (8) does not', () => {
    const over = metrics(3);
    const healthy = metrics(8);
    // Over a day ρ = 1.68 leaves about (5.05 − 3) × 24 h ÷ 30 min ≈ 98 incidents unworked, plus those waiting in any case.
    expect(over['incidents.P3.unresolved']).toBeGreaterThan(60);
    expect(healthy['incidents.P3.unresolved']).toBeLessThan(10);
    // P1 jumps the queue: resolved alike in both.
    expect(over['incidents.P1.unresolved']).toBeLessThanOrEqual(1);
  });
});
