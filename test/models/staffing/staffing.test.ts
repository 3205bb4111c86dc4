/** Rosters: the capacity of the shift table at every hour, across midnight and handovers. */
import { describe, expect, it } from 'vitest';
import { buildStaffing, rosterCapacityAt, shrinkFloor } from '../../../src/models/staffing/runtime.js';
import { compileStaffing } from '../../../src/models/staffing/compile.js';
import { Roster, type RosterSpec } from '../../../src/models/staffing/schema.js';
import { withDefaults } from '../../../src/scenario/validate.js';
import { fakeWorld } from '../fakes.js';

const H = 3600;

// 3 × 8 h: early 06–14 (3), late 14–22 (2), night 22–06 (1 on site) plus 1 on call 22–06.
const threeShifts: RosterSpec = withDefaults(Roster, {
  shifts: [
    { name: 'early', start: 6 * H, length: 8 * H, headcount: 3 },
    { name: 'late', start: 14 * H, length: 8 * H, headcount: 2 },
    { name: 'night', start: 22 * H, length: 8 * H, headcount: 1 },
    { name: 'night-on-call', start: 22 * H, length: 8 * H, headcount: 1, onCall: true, responseLatency: 1800 },
  ],
});

function expectedThreeShifts(hourOfDay: number): { onSite: number; onCall: number } {
  if (hourOfDay >= 6 && hourOfDay < 14) return { onSite: 3, onCall: 0 };
  if (hourOfDay >= 14 && hourOfDay < 22) return { onSite: 2, onCall: 0 };
  return { onSite: 1, onCall: 1 };
}

describe('rosterCapacityAt', () => {
  it('gives the shift table at every hour over three days, across midnight', () => {
    for (let h = 0; h < 72; h++) {
      for (const dt of [0, 0.5 * H, H - 1]) {
        const c = rosterCapacityAt(threeShifts, h * H + dt);
        const e = expectedThreeShifts(h % 24);
        expect({ h, onSite: c.onSite, onCall: c.onCall }).toEqual({ h, ...e });
      }
    }
    expect(rosterCapacityAt(threeShifts, 23 * H).onCallLatency).toBe(1800);
    expect(rosterCapacityAt(threeShifts, 12 * H).onCallLatency).toBe(0);
  });

  it('changes exactly at the handover instant (start inclusive, end exclusive)', () => {
    expect(rosterCapacityAt(threeShifts, 14 * H - 1e-6).onSite).toBe(3);
    expect(rosterCapacityAt(threeShifts, 14 * H).onSite).toBe(2);
    expect(rosterCapacityAt(threeShifts, 6 * H - 1e-6).onSite).toBe(1);
    expect(rosterCapacityAt(threeShifts, 6 * H).onSite).toBe(3);
  });

  it('2 × 12 h with weekday headcounts: a Friday night shift runs into Saturday', () => {
    const roster: RosterSpec = withDefaults(Roster, {
      startDay: 'fri',
      shifts: [
        { name: 'day', start: 7 * H, length: 12 * H, headcount: 4, headcountByDay: { sat: 2, sun: 2 } },
        { name: 'night', start: 19 * H, length: 12 * H, headcount: 2, days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      ],
    });
    // Day 0 is Friday.
    expect(rosterCapacityAt(roster, 12 * H).onSite).toBe(4); // Fri day
    expect(rosterCapacityAt(roster, 20 * H).onSite).toBe(2); // Fri night
    expect(rosterCapacityAt(roster, 30 * H).onSite).toBe(2); // Sat 06:00, still Friday's night shift
    expect(rosterCapacityAt(roster, 36 * H).onSite).toBe(2); // Sat day: weekend headcount
    expect(rosterCapacityAt(roster, 44 * H).onSite).toBe(0); // Sat night: no night shift at weekends
    expect(rosterCapacityAt(roster, 3 * 24 * H + 12 * H).onSite).toBe(4); // Mon day
    // Before time 0: Thursday's night shift covers Friday 00:00–07:00.
    expect(rosterCapacityAt(roster, 0).onSite).toBe(2);
  });

  it('follow-the-sun: three sites in their own time zones hand over around the globe', () => {
    // Each site works 08–16 local; UTC+8 (Singapore), UTC+0 (London), UTC−8 (San Francisco).
    const roster: RosterSpec = withDefaults(Roster, {
      shifts: [
        { name: 'apac', start: 8 * H, length: 8 * H, headcount: 2, utcOffsetHours: 8 },
        { name: 'emea', start: 8 * H, length: 8 * H, headcount: 3, utcOffsetHours: 0 },
        { name: 'amer', start: 8 * H, length: 8 * H, headcount: 4, utcOffsetHours: -8 },
      ],
    });
    for (let h = 0; h < 48; h++) {
      const u = h % 24;
      const expected = u < 8 ? 2 : u < 16 ? 3 : 4; // apac 00–08 UTC, emea 08–16, amer 16–24
      expect({ h, n: rosterCapacityAt(roster, h * H).onSite }).toEqual({ h, n: expected });
    }
  });

  it('shrinkage by round-down', () => {
    expect(shrinkFloor(10, 0.3)).toBe(7);
    expect(shrinkFloor(2, 0.3)).toBe(1);
    expect(shrinkFloor(3, 0)).toBe(3);
  });
});

describe('buildStaffing', () => {
  it('drives the team Resource capacity from the roster at every hour', () => {
    const world = fakeWorld({ horizon: 48 * H, teams: [{ name: 'noc', roster: threeShifts }] });
    const team = buildStaffing(world, compileStaffing(world.scenario)).get('noc')!;
    for (let h = 0; h < 48; h++) {
      world.sim.run({ until: h * H + 60 });
      const e = expectedThreeShifts(h % 24);
      expect({ h, cap: team.resource.capacity }).toEqual({ h, cap: e.onSite + e.onCall });
    }
  });

  it('handover: work in progress carries over, capacity drops as units are released', () => {
    const world = fakeWorld({ horizon: 24 * H, teams: [{ name: 'noc', roster: threeShifts }] });
    const res = buildStaffing(world, compileStaffing(world.scenario)).get('noc')!.resource;
    const sim = world.sim;
    sim.run({ until: 13 * H });
    // Three operators start a 2-hour job at 13:00, one hour before the early shift leaves.
    for (let i = 0; i < 3; i++) expect(res.seize(() => undefined, null)).toBe(-1);
    sim.run({ until: 14.5 * H });
    expect(res.capacity).toBe(2);
    expect(res.inUse).toBe(3); // nobody dropped their work at 14:00
    sim.schedule(0, () => {
      for (let i = 0; i < 3; i++) res.release();
    }, null);
    sim.run({ until: 15 * H });
    expect(res.inUse).toBe(0);
    expect(res.seize(() => undefined, null)).toBe(-1);
    expect(res.seize(() => undefined, null)).toBe(-1);
    expect(res.seize(() => undefined, null)).toBeGreaterThanOrEqual(0); // only two on the late shift
  });

  it('costs rostered hours: 3 on site for 8 h, idle on call at a quarter of the rate', () => {
    const world = fakeWorld({ horizon: 24 * H, teams: [{ name: 'noc', roster: threeShifts, costPerHour: 100 }] });
    const teams = buildStaffing(world, compileStaffing(world.scenario));
    world.sim.run({ until: 24 * H });
    const team = teams.get('noc')!;
    // On site: 3·8 + 2·8 + 1·8 = 48 h; on call 8 h at 25 %.
    expect(team.cost()).toBeCloseTo(48 * 100 + 8 * 100 * 0.25, 6);
  });
});
