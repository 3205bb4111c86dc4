/** The port the staffing model gives: its teams, whom incidents, requests and scheduled work queue for. */
import type { Team } from './runtime.js';

/** Teams by name (empty when the scenario declares none). */
export type TeamsPort = ReadonlyMap<string, Team>;

declare module '../kernel/plugin.js' {
  interface Ports {
    teams: TeamsPort;
  }
}
