/** What request fulfilment and scheduled work share: finding their team, and their queue priority. */
import type { Team } from '../staffing/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';

/** Queue priority of work that is not an incident (the schema's default for requests and scheduled work). */
export { DEFAULT_WORK_PRIORITY } from './schema.js';

/** The team named by a request class or a scheduled job (checked at load time; an invariant here). */
export function teamNamed(teams: TeamsPort, name: string, where: string): Team {
  const t = teams.get(name);
  if (t === undefined) throw new Error(`${where}: no team named "${name}" (known: ${[...teams.keys()].join(', ') || 'none'})`);
  return t;
}
