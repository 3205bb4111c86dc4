/** Bad numbers fail loudly at the call that made them, naming the value. */
import { describe, expect, it } from 'vitest';
import { Container, EventLimitError, Resource, Simulation, Store, piecewiseRate, spawn, withMultiplier, constantRate, type ProcessBody } from '../../src/engine/index.js';

const noop = (): void => {};

describe('bad input', () => {
  it('schedule rejects negative, NaN and infinite delays', () => {
    const sim = new Simulation();
    expect(() => sim.schedule(-1, noop, undefined)).toThrow(/delay.*got -1/);
    expect(() => sim.schedule(NaN, noop, undefined)).toThrow(/delay.*got NaN/);
    expect(() => sim.schedule(Infinity, noop, undefined)).toThrow(/delay.*got Infinity/);
    expect(sim.pending).toBe(0);
  });

  it('post rejects the same delays and priorities as schedule', () => {
    const sim = new Simulation();
    expect(() => sim.post(-1, noop, undefined)).toThrow(/delay.*got -1/);
    expect(() => sim.post(NaN, noop, undefined)).toThrow(/delay.*got NaN/);
    expect(() => sim.post(Infinity, noop, undefined)).toThrow(/delay.*got Infinity/);
    expect(() => sim.post(1, noop, undefined, 0.5)).toThrow(/got 0.5/);
    expect(sim.pending).toBe(0);
  });

  it('scheduleAt rejects the past and non-finite times', () => {
    const sim = new Simulation();
    sim.schedule(5, noop, undefined);
    sim.run();
    expect(() => sim.scheduleAt(4, noop, undefined)).toThrow(/time 4 is before now \(5\)/);
    expect(() => sim.scheduleAt(NaN, noop, undefined)).toThrow(/time.*NaN/);
    expect(() => sim.scheduleAt(Infinity, noop, undefined)).toThrow(/time.*Infinity/);
    // The hot path's forms check the same.
    for (const at of [4, NaN, Infinity]) {
      expect(() => sim.postAt(at, noop, undefined)).toThrow(/time/);
      sim.staged[0] = at;
      expect(() => sim.postStaged(noop, undefined)).toThrow(/time/);
    }
    expect(sim.pending).toBe(0);
    sim.staged[0] = 7;
    sim.postStaged(noop, undefined);
    expect(sim.peek()).toBe(7);
  });

  it('event priorities must be integers within range', () => {
    const sim = new Simulation();
    expect(() => sim.schedule(1, noop, undefined, 0.5)).toThrow(/got 0.5/);
    expect(() => sim.schedule(1, noop, undefined, 5000)).toThrow(/got 5000/);
  });

  it('run stops a runaway model at maxEvents with an EventLimitError, deterministically', () => {
    const sim = new Simulation();
    const tick = (): void => sim.post(0, tick, undefined); // never advances the clock
    sim.post(1, tick, undefined);
    expect(() => sim.run({ maxEvents: 1000 })).toThrow(EventLimitError);
    expect(sim.eventsExecuted).toBe(1000);
    expect(() => sim.run({ maxEvents: 1500 })).toThrow(/event limit reached: 1,500 events executed by simulated time 1 s/);
    expect(sim.eventsExecuted).toBe(1500);
    // A run that needs exactly the budget completes; the limit counts only events it would run.
    const ok = new Simulation();
    for (let i = 0; i < 10; i++) ok.post(i, noop, undefined);
    ok.post(50, noop, undefined);
    expect(ok.run({ until: 20, maxEvents: 10 })).toBe(20);
    expect(() => ok.run({ maxEvents: 10 })).toThrow(EventLimitError);
    expect(() => ok.run({ maxEvents: NaN })).toThrow(/maxEvents.*NaN/);
    expect(() => ok.run({ maxEvents: -1 })).toThrow(/maxEvents.*-1/);
  });

  it('run(until) rejects a time before now and NaN', () => {
    const sim = new Simulation();
    sim.run({ until: 10 });
    expect(sim.now).toBe(10);
    expect(() => sim.run({ until: 3 })).toThrow(/until 3 is before now \(10\)/);
    expect(() => sim.run({ until: NaN })).toThrow(/NaN/);
  });

  it('resources reject negative or fractional capacity', () => {
    const sim = new Simulation();
    expect(() => new Resource(sim, { capacity: -1, name: 'db' })).toThrow(/capacity.*got -1/);
    expect(() => new Resource(sim, { capacity: 1.5 })).toThrow(/got 1.5/);
    const r = new Resource(sim, { capacity: 1, name: 'web' });
    expect(() => r.setCapacity(-2)).toThrow(/web capacity.*got -2/);
    expect(() => r.release()).toThrow(/release without a matching seize/);
  });

  it('a process yielding a bad timeout fails at that yield', () => {
    const sim = new Simulation();
    const p = spawn(
      sim,
      (function* (): ProcessBody<void> {
        yield -3;
      })(),
      'bad',
    );
    expect(() => sim.run()).toThrow(/process bad: yielded timeout.*got -3/);
    expect(p.alive).toBe(true);
  });

  it('stores, containers and rate profiles validate their parameters', () => {
    const sim = new Simulation();
    expect(() => new Store(sim, 0)).toThrow(/got 0/);
    expect(() => new Container(sim, 5, -1)).toThrow(/initial level.*got -1/);
    expect(() => new Container(sim, 5, 6)).toThrow(/capacity \(5\).*initial level \(6\)/);
    const c = new Container(sim, 5, 1);
    expect(() => c.get(NaN)).toThrow(/got NaN/);
    expect(() => c.put(9)).toThrow(/cannot put 9/);
    expect(() => constantRate(-1)).toThrow(/rate.*got -1/);
    expect(() => piecewiseRate([[1, 2]])).toThrow(/start at 0, got 1/);
    expect(() => piecewiseRate([[0, 2], [0, 3]])).toThrow(/point 1 at 0/);
    expect(() => piecewiseRate([[0, 2]], 0)).toThrow(/period.*got 0/);
    expect(() => withMultiplier(constantRate(1), 5, 5, 2)).toThrow(/\[5, 5\)/);
  });
});
