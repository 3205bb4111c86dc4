/**
 * ConstantDelayTimers against the plain way (one calendar event per timer, cancelled when
 * stopped): the same starts and stops give the same expiries at the same times, in order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConstantDelayTimers, Simulation } from '../../src/engine/index.js';

type Op = { at: number; id: number; stop: boolean };

/** Runs `ops` (at increasing times) and returns the expiries as [time, id]. */
function withTimers(ops: readonly Op[], delay: number): [number, number][] {
  const sim = new Simulation();
  const fired: [number, number][] = [];
  const timers = new ConstantDelayTimers(sim, delay, (id) => fired.push([sim.now, id]));
  for (const op of ops) sim.scheduleAt(op.at, () => (op.stop ? timers.stop(op.id) : timers.start(op.id)), undefined, -1);
  sim.run();
  expect(timers.queued).toBe(0);
  return fired;
}

function withEvents(ops: readonly Op[], delay: number): [number, number][] {
  const sim = new Simulation();
  const fired: [number, number][] = [];
  const handles = new Map<number, number>();
  for (const op of ops) {
    sim.scheduleAt(
      op.at,
      () => {
        const h = handles.get(op.id);
        if (h !== undefined) sim.cancel(h);
        handles.delete(op.id);
        if (!op.stop) {
          handles.set(
            op.id,
            sim.schedule(delay, () => {
              handles.delete(op.id);
              fired.push([sim.now, op.id]);
            }, undefined),
          );
        }
      },
      undefined,
      -1,
    );
  }
  sim.run();
  return fired;
}

describe('ConstantDelayTimers', () => {
  it('expire like one cancellable event per timer (random starts, restarts and stops)', () => {
    const op = fc.record({ gap: fc.double({ min: 0, max: 3, noNaN: true }), id: fc.nat(200), stop: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.double({ min: 0.01, max: 5, noNaN: true }), (raw, delay) => {
        let t = 0;
        const ops = raw.map((o) => ({ at: (t += o.gap), id: o.id, stop: o.stop }));
        expect(withTimers(ops, delay)).toEqual(withEvents(ops, delay));
      }),
      { numRuns: 200 },
    );
  });
  it('a timer started by an expiry handler expires a delay later; stopped ones cause no expiry', () => {
    const sim = new Simulation();
    const seen: [number, number][] = [];
    const timers: ConstantDelayTimers = new ConstantDelayTimers(sim, 2, (id) => {
      seen.push([sim.now, id]);
      if (id < 3) timers.start(id + 1);
    });
    timers.start(0);
    timers.start(9);
    timers.stop(9);
    expect(timers.isRunning(9)).toBe(false);
    sim.run();
    expect(seen).toEqual([
      [2, 0],
      [4, 1],
      [6, 2],
      [8, 3],
    ]);
    expect(() => new ConstantDelayTimers(sim, 0, () => undefined)).toThrow(RangeError);
  });
  it('holds thousands of timers at once (the ring grows)', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 5000; i++) ops.push({ at: i * 0.001, id: i, stop: false });
    for (let i = 0; i < 5000; i += 3) ops.push({ at: 5 + i * 1e-4, id: i, stop: true });
    ops.sort((a, b) => a.at - b.at);
    const fired = withTimers(ops, 10);
    expect(fired).toEqual(withEvents(ops, 10));
    expect(fired.length).toBe(5000 - Math.ceil(5000 / 3));
  });
});
