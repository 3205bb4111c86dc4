/**
 * The cooling units of every room offered as failure targets (the failure-targets port):
 * the failures model draws when a CRAC unit fails and is repaired; the room loses its
 * cooling capacity meanwhile.
 */
import type { FailureTarget, FailureTargetsPort } from '../failures/ports.js';
import type { FailureClassInfo } from '../failures/schema.js';
import type { RoomsPort } from './ports.js';

/** The failure classes cooling offers (composed into the schema's `failures.classes[].class`). */
export const COOLING_FAILURE_CLASSES: readonly FailureClassInfo[] = [{ name: 'crac', doc: 'every CRAC unit of the listed rooms' }];

/** Registers the rooms' CRAC units as failure targets. */
export function offerCoolingTargets(rooms: RoomsPort, registry: FailureTargetsPort): void {
  registry.offer({
    cls: 'crac',
    targets: (entry) => {
      const out: FailureTarget[] = [];
      for (const room of rooms.values()) {
        if (entry.rooms !== undefined && !entry.rooms.includes(room.name)) continue;
        room.cracNames.forEach((unit, i) => {
          out.push({ id: `${room.name}/${unit}`, service: null, room: room.name, effect: (down) => room.setCracDown(i, down) });
        });
      }
      return out;
    },
  });
}
