/**
 * The known cost of a shift's headcount is what the staffing cost pays for one more operator on
 * that shift: its own occurrences (weekdays, time zone, the roster's start day), not a shift
 * that runs every day; headcountByDay days are not moved by the headcount; on call at the
 * on-call share; over the measured period (after the warm-up).
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../src/scenario/index.js';
import { defaultPrice } from '../../src/search/space.js';
import { runReplication } from '../../src/models/replication.js';

function load(text: string): Scenario {
  const r = loadScenarioText(text, { file: 'shift-price.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

/** A 7-day (or `horizon`) scenario whose team `ops` has a day shift and the shift under test, `x`, at headcount h. */
function scenario(shift: string, h: number, opts: { horizon?: string; roster?: string; warmup?: string } = {}): Scenario {
  return load(
    [
      'name: shift-price',
      `horizon: ${opts.horizon ?? '7d'}`,
      ...(opts.warmup !== undefined ? [`warmup: ${opts.warmup}`] : []),
      'teams:',
      '  - name: ops',
      '    costPerHour: 40',
      '    onCallPayFraction: 0.25',
      '    roster:',
      ...(opts.roster !== undefined ? [`      ${opts.roster}`] : []),
      '      shifts:',
      '        - { name: day, start: 8h, length: 8h, headcount: 2 }',
      `        - { name: x, headcount: ${h}, ${shift} }`,
      'requests:',
      '  - { name: tickets, team: ops, rate: 1/h, handleTime: { dist: exponential, mean: 10m }, answerTarget: 1h }',
      '',
    ].join('\n'),
  );
}

function staffing(s: Scenario): number {
  return runReplication(s, { seed: 'shift-price', replication: 0 }).metrics['cost.staffing']!;
}

const PATH = 'teams.ops.roster.shifts.x.headcount';

/** Asserts price(h) = cost.staffing(h + 1) − cost.staffing(h) and returns the price. */
function pricedAsPaid(shift: string, h: number, opts: Parameters<typeof scenario>[2] = {}): number {
  const { price } = defaultPrice(scenario(shift, h, opts), PATH);
  expect(price).toBeCloseTo(staffing(scenario(shift, h + 1, opts)) - staffing(scenario(shift, h, opts)), 6);
  return price;
}

describe('known cost of a shift headcount', () => {
  it('charges a weekend-only on-call shift for its weekend at the on-call share (review12: was every day at full rate)', () => {
    // Sat + Sun, 24 h each, at 40/h × 0.25.
    expect(pricedAsPaid('start: 0h, length: 24h, onCall: true, days: [sat, sun]', 0)).toBeCloseTo(40 * 0.25 * 48, 9);
    expect(pricedAsPaid('start: 0h, length: 24h, onCall: true, days: [sat, sun]', 1)).toBeCloseTo(480, 9);
  });

  it('counts only the weekdays a shift starts on, from the roster start day, including a night running past the horizon', () => {
    // Time 0 is a Friday: 7 days hold one Fri, Sat and Mon night (22h–6h), 8 h each.
    const p = pricedAsPaid('start: 22h, length: 8h, days: [fri, sat, mon]', 1, { roster: 'startDay: fri' });
    expect(p).toBeCloseTo(40 * 24, 9);
    // A 50 h horizon from Friday: Fri night whole (22 h–30 h), Sat night (46 h–54 h) cut at 50 h.
    expect(pricedAsPaid('start: 22h, length: 8h, days: [fri, sat, mon]', 0, { roster: 'startDay: fri', horizon: '50h' })).toBeCloseTo(40 * 12, 9);
  });

  it('leaves the days headcountByDay sets out of the price: the variable does not move them', () => {
    const shift = 'start: 0h, length: 12h, headcountByDay: { sat: 0, sun: 3 }';
    expect(pricedAsPaid(shift, 1)).toBeCloseTo(40 * 12 * 5, 9);
    expect(defaultPrice(scenario(shift, 1), PATH).note).toMatch(/headcountByDay/);
  });

  it("follows the shift's own time zone, including an occurrence that started before time 0", () => {
    // Local = UTC − 10 h: 8h–16h local is 18h–26h UTC; day −1's ends at 2 h; a 36 h horizon holds 2 + 8 h.
    expect(pricedAsPaid('start: 8h, length: 8h, utcOffsetHours: -10', 2, { horizon: '36h' })).toBeCloseTo(40 * 10, 9);
    // The roster's offset applies when the shift gives none: local = UTC + 5 h, on duty 3 h–11 h and 27 h–35 h.
    expect(pricedAsPaid('start: 8h, length: 8h', 0, { horizon: '36h', roster: 'utcOffsetHours: 5' })).toBeCloseTo(40 * 16, 9);
  });

  it('prices the measured period only when there is a warm-up (the staffing cost restarts at its end)', () => {
    const p = pricedAsPaid('start: 0h, length: 12h', 1, { horizon: '3d', warmup: '1d' });
    expect(p).toBeCloseTo(40 * 24, 9);
    expect(defaultPrice(scenario('start: 0h, length: 12h', 1, { horizon: '3d', warmup: '1d' }), PATH).note).toMatch(/measured period/);
  });
});
