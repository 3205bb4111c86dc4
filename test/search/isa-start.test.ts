import { describe, expect, it } from 'vitest';
import { compileRaw } from '../../src/scenario/index.js';
import { prepareSearch } from '../../src/search/index.js';

/** The service desk's 10 erlangs on a two-shift roster; the search varies each shift's headcount. */
const raw = {
  name: 'desk-shifts',
  seed: 1,
  horizon: 32400,
  warmup: 3600,
  interval: 1800,
  teams: [{ name: 'service-desk', tier: 'service-desk', costPerHour: 30, roster: { shifts: [{ name: 'early', start: '0h', length: '5h', headcount: 16 }, { name: 'late', start: '5h', length: '4h', headcount: 16 }] } }],
  requests: [{ name: 'calls', team: 'service-desk', rate: '100/30m', handleTime: { dist: 'exponential', mean: '180s' }, answerTarget: '20s' }],
  search: {
    variables: [
      { path: 'teams.service-desk.roster.shifts.early.headcount', name: 'early', range: { from: 10, to: 18 } },
      { path: 'teams.service-desk.roster.shifts.late.headcount', name: 'late', range: { from: 10, to: 18 } },
    ],
    constraints: [{ kind: 'mean', metric: 'requests.calls.service_level', atLeast: 0.8, tolerance: 0.004 }],
    budget: 8000,
  },
};

describe('ISA as the warm start of per-shift headcounts under a waiting-time target', () => {
  it('starts each shift from ISA(τ), at the Erlang C staffing of a constant 10 erlangs (14)', () => {
    const c = compileRaw(raw, {});
    if (!c.ok) throw new Error(JSON.stringify(c.errors));
    const prep = prepareSearch(raw, null, c.scenario);
    for (const note of prep.warmStart) {
      expect(note.method).toMatch(/^ISA\(τ\).*P\(wait > 20 s\) ≤ 0\.2/);
      // Conservative rounding on a constant rate: the stationary answer, give or take the one server rounding may add.
      expect(note.analytic).toBeGreaterThanOrEqual(14);
      expect(note.analytic).toBeLessThanOrEqual(15);
    }
  });

  it('a whole-day headcount (no roster) keeps the Erlang C start', () => {
    const flat = { ...raw, teams: [{ name: 'service-desk', tier: 'service-desk', costPerHour: 30, headcount: 14 }], search: { ...raw.search, variables: [{ path: 'teams.service-desk.headcount', name: 'agents', range: { from: 10, to: 18 } }] } };
    const c = compileRaw(flat, {});
    if (!c.ok) throw new Error(JSON.stringify(c.errors));
    expect(prepareSearch(flat, null, c.scenario).warmStart[0]).toMatchObject({ analytic: 14, method: expect.stringMatching(/^Erlang C/) });
  });
});
