/**
 * Rooms: data-center halls as lumped thermal masses with CRAC/CRAH units. Owned by the
 * cooling and power models (runtime.ts here, and src/models/power/).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, HeatCapacity, Power, Temperature } from '../../scenario/units.js';

export const CracSpec = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Unit name (default crac-1, crac-2, ...); with `count`, a prefix.' })),
    capacity: Power({ exclusiveMinimum: true, description: 'Heat the unit removes at full output, e.g. "60kW" (1 ton of refrigeration ≈ 3.517 kW).' }),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Number of identical units (default 1; at most 1,000).' })),
    outages: Type.Optional(
      Type.Array(
        Type.Object(
          {
            at: Duration({ description: 'When the units are lost, e.g. "14h".' }),
            duration: Type.Optional(Duration({ exclusiveMinimum: true, description: 'When given, the units come back by themselves after this long; otherwise when the crac-failure problem is resolved.' })),
            units: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'How many of these units are lost (default 1; at most `count`).' })),
          },
          { additionalProperties: false, description: 'A planned or scripted loss of cooling units.' },
        ),
        { description: 'Scheduled outages of these units (what-if: "a CRAC unit lost at peak").' },
      ),
    ),
  },
  { additionalProperties: false, description: 'A CRAC/CRAH cooling unit (or several identical ones).' },
);

export const Room = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the room, e.g. "hall-a".' }),
    cabinets: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Number of cabinets (racks); sets the default heat capacity (at most 100,000).' }),
    heatCapacity: Type.Optional(HeatCapacity({ description: 'Effective heat capacity of the room (default 52.5 kJ/K per cabinet, calibrated to the Opengate/Active Power 2007 ride-through study).' })),
    setpoint: Type.Optional(Temperature({ description: 'Temperature the cooling holds when it has the capacity (default 22 °C).' })),
    crac: Type.Array(CracSpec, { description: 'Cooling units of the room.' }),
    otherItPower: Type.Optional(Power({ description: 'Constant IT load not modelled as service servers (network, storage), e.g. "20kW" (default 0).' })),
    pue: Type.Optional(Type.Number({ minimum: 1, description: 'Power usage effectiveness: facility power ÷ IT power (default 1.58, Uptime Institute 2023 industry average).' })),
    throttleAbove: Type.Optional(Temperature({ description: 'Servers slow down above this temperature (default 32 °C, top of ASHRAE A1 allowable).' })),
    throttleFactor: Type.Optional(Type.Number({ minimum: 1, description: 'Service-time multiplier while throttled (default 1.5).' })),
    shutdownAbove: Type.Optional(Temperature({ description: 'Servers power off above this temperature (default 40 °C).' })),
    resumeBelow: Type.Optional(Temperature({ description: 'Servers power back on once the room is below this temperature (default 27 °C, top of ASHRAE recommended).' })),
  },
  { additionalProperties: false, description: 'A room: a lumped thermal mass, C·dT/dt = P_IT − Q_cool.' },
);
export type RoomSpec = Static<typeof Room>;

export const RoomsFields = {
  rooms: Type.Optional(Type.Array(Room, { description: 'Data-center rooms with their cooling.' })),
};
