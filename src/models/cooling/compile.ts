/**
 * The cooling model's compile step (pure): each room of the loaded scenario as its runtime
 * needs it, its heat capacity worked out from its cabinets when not given, its CRAC groups
 * expanded into named units and its scripted outages pointed at those units. Schema defaults
 * (setpoint, thresholds, throttle factor, PUE, unit counts) are already filled in by the loader.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { RoomSpec } from './schema.js';

/**
 * Effective heat capacity per cabinet (J/K): 5 kW of IT load per cabinet ride through 189 s
 * from 22 °C to 40 °C (Opengate/Active Power 2007 ride-through study).
 */
export const HEAT_CAPACITY_PER_CABINET = (5000 * 189) / (40 - 22);

/** One cooling unit. */
export interface CracUnitConfig {
  /** crac-1, crac-2, … for unnamed groups (numbered across the room); name-1, name-2, … for a named group of several; name alone for one. */
  readonly name: string;
  /** Heat it removes at full output (W). */
  readonly capacity: number;
}

/** A scripted loss of units of one CRAC group. */
export interface CracOutageConfig {
  /** When (s). */
  readonly at: number;
  /** Index of the group's first unit among the room's units. */
  readonly first: number;
  /** Units lost (at most the group's count). */
  readonly units: number;
  /** When given, the units come back by themselves after this long (s). */
  readonly duration?: number;
}

/** One room, compiled. */
export interface RoomConfig extends Omit<RoomSpec, 'heatCapacity' | 'crac'> {
  /** Effective heat capacity (J/K). */
  readonly heatCapacity: number;
  /** Its cooling units, in the order of the scenario's groups. */
  readonly units: readonly CracUnitConfig[];
  /** Scripted outages, in the order of the scenario's groups and outages. */
  readonly outages: readonly CracOutageConfig[];
}

/** What the cooling model builds from. */
export interface CoolingConfig {
  readonly rooms: readonly RoomConfig[];
}

/** Compiles one room. */
export function compileRoom(spec: RoomSpec): RoomConfig {
  const { crac, heatCapacity, ...rest } = spec;
  const units: CracUnitConfig[] = [];
  const outages: CracOutageConfig[] = [];
  let k = 0;
  for (const c of crac) {
    const count = c.count;
    const first = units.length;
    for (const o of c.outages ?? []) outages.push({ at: o.at, first, units: Math.min(count, o.units), ...(o.duration !== undefined ? { duration: o.duration } : {}) });
    for (let i = 0; i < count; i++) {
      k++;
      const base = c.name ?? 'crac';
      units.push({ name: c.name === undefined || count > 1 ? `${base}-${c.name === undefined ? k : i + 1}` : base, capacity: c.capacity });
    }
  }
  return { ...rest, heatCapacity: heatCapacity ?? spec.cabinets * HEAT_CAPACITY_PER_CABINET, units, outages };
}

/** Compiles the `rooms` of a loaded scenario. */
export function compileCooling(scenario: Scenario): CoolingConfig {
  return { rooms: (scenario.rooms ?? []).map(compileRoom) };
}
