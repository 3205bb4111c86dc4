/** The port the cooling model gives: its rooms, which services stand in and power heats. */
import type { Room } from './runtime.js';

/** Rooms by name. */
export type RoomsPort = ReadonlyMap<string, Room>;

declare module '../kernel/plugin.js' {
  interface Ports {
    rooms: RoomsPort;
  }
}
