/**
 * Calibration of an incident flow from an export: arrival profile, priority mix, escalation
 * proxy, and the time to resolve overall, per priority and per busy assignment group.
 */
import { fitArrivals, type ArrivalOptions, type ArrivalProfile } from './arrivals.js';
import { fitDurations, type DurationFit, type DurationFitOptions } from './durations.js';
import { incidentMix, PRIORITY_LIST, type IncidentMix } from './escalation.js';
import type { IncidentExport, IncidentRecord, Priority } from './incident-export.js';
import type { DurationSample } from './sample.js';

/** Options of fitIncidents. */
export interface IncidentFitOptions extends DurationFitOptions, ArrivalOptions {
  /** End of the export (ms): open incidents are censored here (default: the latest timestamp in the file). */
  asOf?: number;
  /** Resolution of the timestamps in seconds (default 60): shorter durations are set to half of it. */
  timeResolution?: number;
  /** Most assignment groups fitted separately (default 5, the busiest with enough data). */
  maxGroups?: number;
}

/** Everything fitted from one export. */
export interface IncidentFit {
  file: string;
  incidents: number;
  rows: number;
  asOf: number;
  arrivals: ArrivalProfile;
  mix: IncidentMix;
  overall: DurationFit;
  byPriority: { priority: Priority; fit: DurationFit }[];
  byGroup: { group: string; fit: DurationFit }[];
  /** What the fit did with the data that a planner should know. */
  notes: string[];
}

/** Time-to-resolve sample of a set of incidents. */
export function resolutionSample(incidents: readonly IncidentRecord[], asOf: number, timeResolution: number, counts?: { zero: number; closedUnresolved: number; open: number }): DurationSample {
  const times: number[] = [];
  const censored: boolean[] = [];
  const floor = timeResolution / 2;
  for (const inc of incidents) {
    let t: number;
    let c: boolean;
    if (inc.resolvedAt !== null) {
      t = (inc.resolvedAt - inc.openedAt) / 1000;
      c = false;
    } else if (inc.finished) {
      if (counts) counts.closedUnresolved++;
      continue;
    } else {
      t = (asOf - inc.openedAt) / 1000;
      c = true;
      if (counts) counts.open++;
      if (t <= 0) continue;
    }
    if (t < floor) {
      if (counts && !c) counts.zero++;
      t = floor;
    }
    times.push(t);
    censored.push(c);
  }
  return { times, censored };
}

/** Fits arrivals, mix and resolution times of an export. */
export function fitIncidents(exp: IncidentExport, opts: IncidentFitOptions = {}): IncidentFit {
  const asOf = opts.asOf ?? exp.latest;
  const res = opts.timeResolution ?? 60;
  const notes: string[] = [];
  const counts = { zero: 0, closedUnresolved: 0, open: 0 };
  const all = resolutionSample(exp.incidents, asOf, res, counts);
  if (counts.open > 0) notes.push(`${counts.open} incidents still open at ${new Date(asOf).toISOString()}: right-censored there`);
  if (counts.closedUnresolved > 0) notes.push(`${counts.closedUnresolved} incidents closed without a resolution time: left out of the resolution fits`);
  if (counts.zero > 0) notes.push(`${counts.zero} resolution times shorter than the ${res} s timestamp resolution: set to ${res / 2} s`);
  for (const c of exp.missingColumns) notes.push(`column for ${c} not in the file: not used`);
  const arrivals = fitArrivals(
    exp.incidents.map((i) => i.openedAt),
    opts,
  );
  const byPriority = PRIORITY_LIST.map((p) => {
    const incs = exp.incidents.filter((i) => i.priority === p);
    return { priority: p, n: incs.length, fit: incs.length > 0 ? fitDurations(resolutionSample(incs, asOf, res), opts) : null };
  })
    .filter((x): x is { priority: Priority; n: number; fit: DurationFit } => x.fit !== null)
    .map(({ priority, fit }) => ({ priority, fit }));
  const groups = new Map<string, IncidentRecord[]>();
  for (const i of exp.incidents) if (i.group !== null) groups.set(i.group, [...(groups.get(i.group) ?? []), i]);
  const minSamples = opts.minSamples ?? 20;
  const byGroup = [...groups.entries()]
    .map(([group, incs]) => ({ group, sample: resolutionSample(incs, asOf, res) }))
    .filter((g) => g.sample.censored.filter((c) => !c).length >= minSamples)
    .sort((a, b) => b.sample.times.length - a.sample.times.length)
    .slice(0, opts.maxGroups ?? 5)
    .map((g) => ({ group: g.group, fit: fitDurations(g.sample, opts) }));
  return { file: exp.file, incidents: exp.incidents.length, rows: exp.rows, asOf, arrivals, mix: incidentMix(exp.incidents), overall: fitDurations(all, opts), byPriority, byGroup, notes };
}
