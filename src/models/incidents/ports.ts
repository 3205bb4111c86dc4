/** The port the incidents model gives: the incident desk, to which monitoring hands problems and alerts. */
import type { IncidentDesk } from './desk.js';

declare module '../kernel/plugin.js' {
  interface Ports {
    desk: IncidentDesk;
  }
}
