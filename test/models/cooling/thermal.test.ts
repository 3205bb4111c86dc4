/**
 * The lumped thermal model against its closed form. With P_IT and cooling constant between
 * events, T(t) is linear: dT/dt = (P_IT − Q_cool)/C. Calibration: 5 kW per cabinet with all
 * cooling lost reaches the 40 °C shutdown threshold from 22 °C in 3 min 9 s (Opengate /
 * Active Power 2007), i.e. C = 52.5 kJ/K per cabinet.
 */
import { describe, expect, it } from 'vitest';
import { HEAT_CAPACITY_PER_CABINET, type Room } from '../../../src/models/cooling/runtime.js';
import { runReplication } from '../../../src/models/replication.js';
import { buildWorld, scenario } from '../helpers.js';

// 10 cabinets at 5 kW: 125 servers drawing a flat 400 W (idle = peak, so load does not matter).
function hall(crac: Record<string, unknown>[], horizon = 4000): ReturnType<typeof scenario> {
  return scenario({
    name: 'thermal',
    horizon,
    rooms: [{ name: 'hall', cabinets: 10, crac }],
    services: [{ name: 'app', servers: 125, serviceTime: 1, room: 'hall', power: { peak: 400, idle: 400 } }],
  });
}

describe('cooling', () => {
  it('derives 52.5 kJ/K per cabinet from the 3 min 9 s ride-through', () => {
    expect(HEAT_CAPACITY_PER_CABINET).toBeCloseTo(52500, 6);
  });

  it('5 kW/cabinet, all cooling lost: linear rise, thermal shutdown after 189 s, recovery on repair', () => {
    const w = buildWorld(hall([{ capacity: 60000, outages: [{ at: 1000, duration: 600 }] }]));
    const room = w.rooms.get('hall') as Room;
    const C = 10 * 52500;
    const sim = w.sim;
    sim.run({ until: 999 });
    expect(room.temperature()).toBe(22);
    for (const t of [1000, 1050, 1100, 1150, 1188]) {
      sim.run({ until: t });
      expect(room.temperature()).toBeCloseTo(22 + (50000 * (t - 1000)) / C, 9);
    }
    sim.run({ until: 1300 });
    const shutdown = w.problems.history().find((p) => p.kind === 'thermal-shutdown')!;
    expect(shutdown.startedAt - 1000).toBeCloseTo(189, 6);
    expect(shutdown.room).toBe('hall');
    expect(w.services.get('app')!.serversAvailable()).toBe(0);
    // Servers off, no cooling, no heat leak: the room holds at 40 °C.
    expect(room.temperature()).toBeCloseTo(40, 9);
    // Cooling back at 1600: falls at 60 kW / C to 27 °C, servers resume, then falls at 10 kW / C to 22 °C.
    sim.run({ until: 1650 });
    expect(room.temperature()).toBeCloseTo(40 - (60000 * 50) / C, 9);
    sim.run({ until: 1713.75 + 1 });
    expect(shutdown.resolvedAt).toBeCloseTo(1713.75, 6);
    expect(shutdown.resolvedBy).toBe('auto-recovery');
    expect(w.services.get('app')!.serversAvailable()).toBe(125);
    sim.run({ until: 3000 });
    expect(room.temperature()).toBe(22);
  });

  it('metrics integrate the piecewise-linear temperature exactly', () => {
    const m = runReplication(hall([{ capacity: 60000, outages: [{ at: 1000, duration: 600 }] }]), { seed: 'x', replication: 0 }).metrics;
    expect(m['room.hall.shutdowns']).toBe(1);
    expect(m['room.hall.temperature.max']).toBeCloseTo(40, 9);
    // Above 27 °C from 1052.5 s (rising at 50 kW/C) to 1713.75 s; above 32 °C from 1105 s to 1670 s.
    expect(m['room.hall.time_above_recommended']).toBeCloseTo(1713.75 - 1052.5, 6);
    expect(m['room.hall.time_above_allowable']).toBeCloseTo(1670 - 1105, 6);
    // IT power: 50 kW except while shut down (1189 → 1713.75).
    const itEnergy = 50000 * (4000 - (1713.75 - 1189));
    expect(m['room.hall.it_power.mean']).toBeCloseTo(itEnergy / 4000, 3);
    expect(m['room.hall.energy_kwh']).toBeCloseTo((itEnergy * 1.58) / 3.6e6, 6);
  });

  it('a partial loss that leaves too little capacity heats at (P − Q)/C', () => {
    // Three 20 kW units, one lost: 40 kW against 50 kW → +10 kW/C, 18 K in 945 s.
    const w = buildWorld(hall([{ capacity: 20000, count: 3, outages: [{ at: 100 }] }], 3000));
    w.sim.run({ until: 3000 });
    const shutdowns = w.problems.history().filter((p) => p.kind === 'thermal-shutdown');
    expect(shutdowns[0]!.startedAt).toBeCloseTo(100 + 945, 6);
    // Servers off → 0 W against 40 kW: cools to 27 °C in 13 K / (40 kW/C), restarts, heats again.
    expect(shutdowns[0]!.resolvedAt).toBeCloseTo(1045 + (13 * 525000) / 40000, 6);
    expect(shutdowns.length).toBeGreaterThan(1);
    const crac = w.problems.history().find((p) => p.kind === 'crac-failure')!;
    expect(crac.target).toBe('hall/crac-1');
    // Resolving the CRAC problem (an operator's fix) brings the unit back.
    w.problems.resolve(crac, 'facilities');
    expect((w.rooms.get('hall') as Room).coolingCapacity()).toBe(60000);
  });

  it('throttles servers above 32 °C (service-time factor)', () => {
    const w = buildWorld(hall([{ capacity: 60000, outages: [{ at: 0 }] }], 1000));
    const room = w.rooms.get('hall') as Room;
    w.sim.run({ until: 104 });
    expect(room.serviceTimeFactor).toBe(1);
    w.sim.run({ until: 106 });
    expect(room.isThrottled).toBe(true);
    expect(room.serviceTimeFactor).toBe(1.5);
  });
});
