/** Which services belong to a site: those it lists and those standing in its rooms. */
import type { Scenario } from '../../scenario/schema/index.js';
import type { SiteSpec } from './schema.js';

/** Names of the site's services, in scenario order. */
export function siteServices(site: SiteSpec, scenario: Scenario): string[] {
  const listed = new Set(site.services ?? []);
  const rooms = new Set(site.rooms ?? []);
  return (scenario.services ?? []).filter((s) => listed.has(s.name) || (s.room !== undefined && rooms.has(s.room))).map((s) => s.name);
}

/** Defaults of each recovery-site mode: share of standby servers running, and time to start the rest (assumptions). */
export const MODE_DEFAULTS = {
  hot: { standing: 1, bringUp: 0 },
  warm: { standing: 0.25, bringUp: 4 * 3600 },
  cold: { standing: 0, bringUp: 48 * 3600 },
} as const;

/** Servers of a standby service running before a disaster. */
export function standingServers(servers: number, standing: number): number {
  // The epsilon keeps 4 × 0.25 from rounding down to 0.99….
  return Math.floor(servers * standing + 1e-9);
}
