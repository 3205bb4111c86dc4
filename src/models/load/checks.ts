/** Checks of the load section: target services, rate or trace, store shares. */
import type { ScenarioReport } from '../../scenario/checks.js';
import { didYouMean } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema/index.js';

/** How far store shares may be from summing to 1 (rounding of percentages). */
const SHARE_TOLERANCE = 1e-6;

export function checkLoad(s: Scenario, report: ScenarioReport): void {
  const services = (s.services ?? []).map((v) => v.name);
  (s.load ?? []).forEach((c, i) => {
    if (!services.includes(c.service)) {
      const known = services.length === 0 ? 'no services are defined' : `services are ${services.map((n) => JSON.stringify(n)).join(', ')}`;
      report(['load', i, 'service'], `unknown service ${JSON.stringify(c.service)}${didYouMean(c.service, services)} (${known})`);
    }
    const traced = c.trace !== undefined || c.traceFile !== undefined;
    if (traced && c.rate !== undefined) report(['load', i, 'rate'], 'give either "rate" or a trace, not both');
    if (!traced && c.rate === undefined) report(['load', i], 'needs "rate" (or "trace"/"traceFile")');
    if (c.traceFile !== undefined && c.traceInterval === undefined) report(['load', i, 'traceFile'], 'needs "traceInterval"');
    if (c.stores !== undefined) {
      const sum = c.stores.reduce((a, st) => a + st.share, 0);
      if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
        report(['load', i, 'stores'], `shares sum to ${Number(sum.toPrecision(6))}, not 1 (${c.stores.map((st) => Number(st.share.toPrecision(6))).join(' + ')}): the class's load would be scaled by ${Number(sum.toPrecision(6))}; use "scale" for that`);
      }
    }
    (c.peaks ?? []).forEach((p, j) => {
      if (!(p.end > p.start)) report(['load', i, 'peaks', j, 'end'], `must be after start (${p.start} s), got ${p.end} s`);
      else if (p.every !== 0 && p.end - p.start > p.every) report(['load', i, 'peaks', j], `window [${p.start}, ${p.end}) s is longer than its period ${p.every} s`);
    });
    (c.holidays ?? []).forEach((h, j) => {
      if (!(h.to > h.from)) report(['load', i, 'holidays', j, 'to'], `must be after from (${h.from} s), got ${h.to} s`);
    });
  });
}
