/**
 * Overload warnings of teams: a team whose service requests, scheduled work and user-reported
 * incidents alone need at least as many operators busy, on average over the horizon, as its
 * roster puts on duty after shrinkage. The work counted is a lower bound (reported incidents
 * only where their escalation path surely brings the work to this team: incidents/offered-work.ts;
 * incidents monitoring raises are not counted; scheduled work with a deadline may be skipped
 * and is not counted) and the operators an upper bound (on-call operators count as working),
 * so a warning is never raised by what is left out.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import { distributionFromSpec } from '../kernel/distribution.js';
import { formatRate, formatSpan, RHO_EPSILON, type ScenarioWarning } from '../kernel/warnings.js';
import { reportedIncidentWork } from '../incidents/offered-work.js';
import { constantRoster } from './compile.js';
import { rosterBoundaries, rosterStateAt, shrinkFloor } from './runtime.js';
import type { TeamSpec } from './schema.js';

/** Operators on duty on average over [0, horizon), after shrinkage (its expectation when thinned), on site and on call. */
export function meanOnDuty(team: TeamSpec, horizon: number): number {
  const roster = team.roster ?? constantRoster(team.headcount ?? 0);
  const effective = (h: number): number => (team.shrinkageMode === 'thinning' ? h * (1 - team.shrinkage) : shrinkFloor(h, team.shrinkage));
  const times = [0, ...rosterBoundaries(roster, 0, horizon).filter((t) => t < horizon), horizon];
  let sum = 0;
  for (let k = 0; k + 1 < times.length; k++) {
    const on = rosterStateAt(roster, times[k]!, (inst) => effective(inst.headcount));
    sum += (on.onSite + on.onCall) * (times[k + 1]! - times[k]!);
  }
  return sum / horizon;
}

/** The work a team is offered, in operators busy on average over the horizon, by what brings it. */
export function teamWork(s: Scenario, team: string): { erlangs: number; parts: string[]; lossy: boolean; incidents: boolean; what: string } {
  const H = s.horizon;
  let erlangs = 0;
  const parts: string[] = [];
  let lossy = false;
  const kinds = new Set<string>();
  for (const r of s.requests ?? []) {
    if (r.team !== team) continue;
    const mean = distributionFromSpec(r.handleTime).mean;
    const e = r.rate * mean;
    erlangs += e;
    parts.push(`requests ${r.name}: ${formatRate(r.rate)} × ${formatSpan(mean)} = ${+e.toPrecision(3)}`);
    kinds.add('service requests');
    if (r.patience !== undefined || r.queueCapacity !== undefined) lossy = true;
  }
  for (const w of s.scheduledWork ?? []) {
    if (w.team !== team || w.deadline !== undefined || !(w.at < H)) continue;
    const count = w.every === undefined ? 1 : Math.floor((H - w.at) / w.every - RHO_EPSILON) + 1;
    const mean = distributionFromSpec(w.duration).mean;
    const e = (count * mean) / H;
    erlangs += e;
    kinds.add('scheduled work');
    parts.push(`scheduled work ${w.name}: ${count} × ${formatSpan(mean)} in ${formatSpan(H)} = ${+e.toPrecision(3)}`);
  }
  const reported = reportedIncidentWork(s, team);
  for (const w of reported) {
    erlangs += w.erlangs;
    parts.push(w.part);
  }
  if (reported.length > 0) kinds.add('reported incidents');
  // Without reported incidents the words stay those of the warning before they were counted.
  const list = [...kinds];
  const what = reported.length === 0 ? 'service requests and scheduled work' : list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]!}`;
  return { erlangs, parts, lossy, incidents: reported.length > 0, what };
}

/** A warning per team whose requests, scheduled work and reported incidents alone need at least the operators it has on duty on average. */
export function teamOverloadWarnings(s: Scenario): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  (s.teams ?? []).forEach((t, i) => {
    try {
      const work = teamWork(s, t.name);
      if (work.erlangs === 0) return;
      const onDuty = meanOnDuty(t, s.horizon);
      if (work.erlangs < onDuty * (1 - RHO_EPSILON)) return;
      const rho = onDuty > 0 ? work.erlangs / onDuty : Infinity;
      const lost = 1 - 1 / rho;
      let then = 'the backlog grows without bound';
      if (work.lossy && work.incidents) then = 'requests are abandoned or blocked, or the incident backlog grows';
      else if (work.lossy) then = lost < 0.001 ? 'it is saturated: expect abandoned or blocked requests' : `at least ${(lost * 100).toPrecision(2)} % of the requests cannot be answered (abandoned or blocked)`;
      out.push({
        path: ['teams', i, t.roster !== undefined ? 'roster' : 'headcount'],
        message:
          `team "${t.name}" is overloaded over the whole horizon: its ${work.what} alone keep ${+work.erlangs.toPrecision(3)} operator${work.erlangs === 1 ? '' : 's'} busy on average (${work.parts.join(', ')}) ` +
          `against ${+onDuty.toPrecision(3)} on duty on average after shrinkage (ρ = ${Number.isFinite(rho) ? rho.toFixed(2) : '∞'}): ${then}; ${work.incidents ? 'incidents monitoring raises add to it' : 'incidents add to it'}`,
      });
    } catch {
      // A warning must never stop a valid scenario.
    }
  });
  return out;
}
