/** The port the monitoring model gives: the event manager (its event counts, for tests and later models). */
import type { EventManager } from './runtime.js';

declare module '../kernel/plugin.js' {
  interface Ports {
    events: EventManager | undefined;
  }
}
