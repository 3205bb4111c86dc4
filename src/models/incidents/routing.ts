/** What request fulfilment and scheduled work share: finding their team, and their queue priority. */
import type { Team } from '../staffing/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';

/** Default queue priority of service requests and scheduled work: after every incident. */
export const DEFAULT_WORK_PRIORITY = 5;

/** The team named by a request class or a scheduled job (checked at load time; an invariant here). */
export function teamNamed(teams: TeamsPort, name: string, where: string): Team {
  const t = teams.get(name);
  if (t === undefined) throw new Error(`${where}: no team named "${name}" (known: ${[...teams.keys()].join(', ') || 'none'})`);
  return t;
}
