/** Checks of the rooms section: thresholds in a working order, outages of units that exist. */
import type { ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkRooms(s: Scenario, report: ScenarioReport): void {
  (s.rooms ?? []).forEach((r, i) => {
    const setpoint = r.setpoint;
    const resume = r.resumeBelow;
    const shutdown = r.shutdownAbove;
    if (!(resume < shutdown)) report(['rooms', i, r.resumeBelow !== undefined ? 'resumeBelow' : 'shutdownAbove'], `resumeBelow (${resume} °C) must be below shutdownAbove (${shutdown} °C)`);
    if (!(setpoint < resume)) report(['rooms', i, r.setpoint !== undefined ? 'setpoint' : 'resumeBelow'], `setpoint (${setpoint} °C) must be below resumeBelow (${resume} °C)`);
    r.crac.forEach((c, j) => {
      const count = c.count;
      (c.outages ?? []).forEach((o, k) => {
        if (o.units > count) report(['rooms', i, 'crac', j, 'outages', k, 'units'], `${o.units} units lost, but there ${count === 1 ? 'is 1 unit' : `are ${count} units`}`);
      });
    });
  });
}
