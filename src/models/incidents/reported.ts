/**
 * Incidents reported by users (calls, e-mails, portal tickets): arrival streams feeding the
 * incident desk alongside the incidents monitoring raises. Each stream is a Poisson process
 * at its rate, shaped by hour of day and day of week, with a priority mix. A stream draws
 * its arrivals, its priorities and its incidents' work from streams of its own, so adding a
 * stream never shifts the sample path of another source (or of monitoring's incidents).
 */
import { constantRate, piecewiseRate, startArrivals, type RateProfile } from '../../engine/index.js';
import type { Priority } from '../../results/format.js';
import type { World } from '../kernel/world.js';
import type { IncidentDesk } from './desk.js';
import { REPORTED_METRICS } from './metrics.js';
import { PRIORITIES, type PriorityMixSpec, type ReportedIncidentsSpec } from './schema.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** The stream's arrival rate over time: the base rate times its hour-of-day and day-of-week multipliers (time 0 is Monday midnight). */
export function reportedProfile(spec: ReportedIncidentsSpec): RateProfile {
  if (spec.daily === undefined && spec.weekly === undefined) return constantRate(spec.rate);
  const daily = spec.daily ?? new Array<number>(24).fill(1);
  const weekly = spec.weekly;
  const hours = weekly === undefined ? 24 : 168;
  const points: [number, number][] = [];
  for (let h = 0; h < hours; h++) points.push([h * HOUR, spec.rate * daily[h % 24]! * (weekly === undefined ? 1 : weekly[Math.floor(h / 24)]!)]);
  return piecewiseRate(points, weekly === undefined ? DAY : WEEK);
}

/** Cumulative shares of P1 … P4 (checked to sum to 1 at load time). */
function cumulative(mix: PriorityMixSpec): number[] {
  let sum = 0;
  return PRIORITIES.map((p) => (sum += mix[p] ?? 0));
}

/** Starts every `incidents.reported` stream (after the desk). */
export function buildReported(world: World, desk: IncidentDesk, streams: readonly ReportedIncidentsSpec[]): void {
  const sim = world.sim;
  for (const spec of streams) {
    const base = `incidents/reported/${spec.name}`;
    const arrivals = world.streams.stream(`${base}/arrivals`);
    const priorityRng = world.streams.stream(`${base}/priority`);
    const work = { diagnosis: world.streams.stream(`${base}/diagnosis`), resolve: world.streams.stream(`${base}/resolve`), fix: world.streams.stream(`${base}/fix`) };
    const type = spec.type ?? null;
    const cause = `reported:${spec.name}`;
    const cum = spec.priorities === undefined ? null : cumulative(spec.priorities);
    const drawPriority = (): Priority | undefined => {
      if (cum === null) return undefined;
      const u = priorityRng.next() * cum[cum.length - 1]!;
      const i = cum.findIndex((c) => u < c);
      return PRIORITIES[i < 0 ? cum.length - 1 : i];
    };
    let arrived = 0;
    sim.onReset(() => {
      arrived = 0;
    });
    startArrivals(
      sim,
      reportedProfile(spec),
      arrivals,
      () => {
        arrived++;
        desk.open({ type, cause, raisedAt: sim.now, problem: null, priority: drawPriority() }, work);
      },
      world.horizon,
    );
    world.recorder.metric(REPORTED_METRICS.arrived, { stream: spec.name }, () => arrived);
  }
}
