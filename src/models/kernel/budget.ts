/**
 * The run budget: a replication may execute at most `maxEvents` events. A scenario whose
 * expected arrivals alone exceed it cannot finish, so it is refused when it is loaded, with
 * the arithmetic, instead of failing in every worker (or exhausting memory) later.
 */
import type { ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

/** Default event budget of one replication: GlobalMart's peak day takes 2.7 million. */
export const DEFAULT_MAX_EVENTS = 500_000_000;

/** Events an arrival costs at least (its own; a departure usually follows, so the real need is higher). */
const EVENTS_PER_ARRIVAL = 1;

const mean = (xs: readonly number[] | undefined): number => (xs === undefined || xs.length === 0 ? 1 : xs.reduce((a, b) => a + b, 0) / xs.length);
const fmt = (x: number): string => (Number.isInteger(x) && x < 1e12 ? x.toLocaleString('en') : x >= 1e6 ? x.toExponential(2) : Number(x.toPrecision(4)).toLocaleString('en'));

/**
 * Expected arrivals of a load class over the horizon (peaks and holidays left out), and how it
 * was computed: written only for the message, which almost no scenario needs (the first
 * `toLocaleString` of a process loads ICU's number formatting, about 9 ms of every start).
 */
function expectedLoad(c: NonNullable<Scenario['load']>[number], horizon: number): { n: number; how: () => string } | null {
  const scale = c.scale;
  if (c.trace !== undefined) {
    const sum = c.trace.counts.reduce((a, b) => a + b, 0);
    const span = c.trace.counts.length * c.trace.interval;
    const covered = c.trace.repeat === false ? Math.min(horizon, span) : horizon;
    const rate = (sum / span) * scale;
    return { n: rate * covered, how: () => `trace mean ${fmt(rate)}/s × ${fmt(covered)} s` };
  }
  if (c.rate === undefined) return null; // a traceFile, read after the checks, or an error reported elsewhere
  const profile = mean(c.daily) * mean(c.weekly) * scale;
  return { n: c.rate * profile * horizon, how: () => `${fmt(c.rate!)}/s × profile mean ${fmt(profile)} × ${fmt(horizon)} s` };
}

/** Refuses a scenario whose expected arrivals (load and service requests) need more events than `maxEvents`. */
export function checkRunBudget(s: Scenario, report: ScenarioReport): void {
  const budget = s.maxEvents ?? DEFAULT_MAX_EVENTS;
  const parts: { at: (string | number)[]; n: number; how: () => string }[] = [];
  (s.load ?? []).forEach((c, i) => {
    const e = expectedLoad(c, s.horizon);
    if (e !== null) parts.push({ at: ['load', i, c.trace !== undefined ? 'trace' : 'rate'], n: e.n, how: () => `load "${c.name}": ${e.how()}` });
  });
  (s.requests ?? []).forEach((r, i) => parts.push({ at: ['requests', i, 'rate'], n: r.rate * s.horizon, how: () => `requests "${r.name}": ${fmt(r.rate)}/s × ${fmt(s.horizon)} s` }));
  const arrivals = parts.reduce((a, p) => a + p.n, 0);
  const events = arrivals * EVENTS_PER_ARRIVAL;
  if (!(events > budget)) return;
  const top = parts.reduce((a, b) => (b.n > a.n ? b : a));
  report(
    top.at,
    `about ${fmt(top.n)} arrivals expected from ${top.how()}${parts.length > 1 ? ` (${fmt(arrivals)} from all sources)` : ''}, ` +
      `each at least one event: more than maxEvents ${budget.toLocaleString('en')}; check the rate's unit, shorten the horizon or raise maxEvents`,
  );
}
