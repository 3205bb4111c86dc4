/**
 * The operator work user-reported incidents offer each team, as a lower bound, for the team
 * overload warnings (src/models/staffing/overload.ts). Per stream: its mean rate over the
 * horizon × the work its type's escalation path surely asks of the team, counting a tier only
 * where nothing can cut its work short and the team is the only one serving it:
 *  - a tier with an escalation time-out (not the last) may hand the incident on before any work
 *    is done, so it counts nothing there; the next tier is still reached at least as often as
 *    the tiers before it fail to resolve (time-outs only add escalations);
 *  - a tier several teams serve shares its work among them as they are free: it is counted for
 *    none of them;
 *  - a problem's workaround can shrink the work of matching incidents: the smallest workaround
 *    of the scenario's problems scales every stream's work.
 * Incidents monitoring raises (problems, alerts, false alarms) are left out: they add to it.
 */
import { distributionFromSpec } from '../kernel/distribution.js';
import { formatRate, formatSpan } from '../kernel/warnings.js';
import type { Scenario } from '../../scenario/schema/index.js';
import { reportedProfile } from './reported.js';

/** One stream's share of a team's work: operators busy on average, and how it was reckoned. */
export interface OfferedWork {
  readonly erlangs: number;
  readonly part: string;
}

/** Whether a team (its tier and skills as the scenario declares them, with their defaults) serves a tier and skill; as Team.serves. */
function serves(team: { tier?: string; skills?: readonly string[] }, tier: string, skill: string | undefined): boolean {
  const skills = team.skills ?? [];
  return (team.tier ?? 'L1') === tier && (skill === undefined || skills.length === 0 || skills.includes(skill));
}

/** The work `incidents.reported` streams surely offer team `team` (lower bounds, see above), one entry per stream that offers any. */
export function reportedIncidentWork(s: Scenario, team: string): OfferedWork[] {
  const inc = s.incidents;
  const types = inc?.types ?? [];
  if (inc?.reported === undefined || types.length === 0) return [];
  const teams = s.teams ?? [];
  const workaround = Math.min(1, ...(s.problems ?? []).map((p) => p.workaround));
  const out: OfferedWork[] = [];
  for (const stream of inc.reported) {
    const type = types.find((t) => t.name === (stream.type ?? inc.defaultType ?? types[0]!.name));
    if (type === undefined) continue;
    let reach = 1;
    let span = 0;
    type.path.forEach((step, k) => {
      const last = k === type.path.length - 1;
      const p = last ? 1 : step.resolveProbability;
      const cut = !last && step.escalateAfter !== undefined && Number.isFinite(step.escalateAfter);
      const serving = teams.filter((t) => serves(t, step.tier, type.skill));
      if (!cut && serving.length === 1 && serving[0]!.name === team) span += reach * (distributionFromSpec(step.diagnosis).mean + p * distributionFromSpec(step.fix).mean);
      reach *= 1 - p;
    });
    span *= workaround;
    if (!(span > 0)) continue;
    const rate = reportedProfile(stream).integral(0, s.horizon) / s.horizon;
    const erlangs = rate * span;
    if (erlangs > 0) out.push({ erlangs, part: `incidents reported ${stream.name}: ${formatRate(rate)} × ${formatSpan(span)} = ${+erlangs.toPrecision(3)}` });
  }
  return out;
}
