/**
 * Rooms: data-center halls as lumped thermal masses with CRAC/CRAH units. Owned by the
 * cooling and power models (runtime.ts here, and src/models/power/).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, HeatCapacity, Power, Temperature } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

/** Default PUE: Uptime Institute 2023 industry average (also used for servers outside any room). */
export const DEFAULT_PUE = 1.58;

export const CracSpec = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Unit name (default crac-1, crac-2, ...); with `count`, a prefix.' })),
    capacity: Power({ 'x-knob': true, exclusiveMinimum: true, description: 'Heat the unit removes at full output, e.g. "60kW" (1 ton of refrigeration ≈ 3.517 kW).' }),
    count: Defaulted(Type.Integer({ 'x-knob': true, minimum: 1, maximum: 1000, description: 'Number of identical units (at most 1,000).' }), 1),
    outages: Type.Optional(
      Type.Array(
        Type.Object(
          {
            at: Duration({ description: 'When the units are lost, e.g. "14h".' }),
            duration: Type.Optional(Duration({ exclusiveMinimum: true, description: 'When given, the units come back by themselves after this long; otherwise when the crac-failure problem is resolved.' })),
            units: Defaulted(Type.Integer({ minimum: 1, maximum: 1000, description: 'How many of these units are lost (at most `count`).' }), 1),
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
    setpoint: Defaulted(Temperature({ description: 'Temperature the cooling holds when it has the capacity (°C).' }), 22),
    crac: Type.Array(CracSpec, { description: 'Cooling units of the room.' }),
    otherItPower: Defaulted(Power({ description: 'Constant IT load not modelled as service servers (network, storage), e.g. "20kW".' }), 0),
    pue: Defaulted(Type.Number({ minimum: 1, description: 'Power usage effectiveness: facility power ÷ IT power (default: the Uptime Institute 2023 industry average).' }), DEFAULT_PUE),
    throttleAbove: Defaulted(Temperature({ description: 'Servers slow down above this temperature (default: the top of ASHRAE A1 allowable, °C).' }), 32),
    throttleFactor: Defaulted(Type.Number({ minimum: 1, description: 'Service-time multiplier while throttled.' }), 1.5),
    shutdownAbove: Defaulted(Temperature({ description: 'Servers power off above this temperature (°C).' }), 40),
    resumeBelow: Defaulted(Temperature({ description: 'Servers power back on once the room is below this temperature (default: the top of ASHRAE recommended, °C).' }), 27),
  },
  { additionalProperties: false, description: 'A room: a lumped thermal mass, C·dT/dt = P_IT − Q_cool.' },
);
export type RoomSpec = Static<typeof Room>;

export const RoomsFields = {
  rooms: Type.Optional(Type.Array(Room, { description: 'Data-center rooms with their cooling.' })),
};
