/** Resource, process API, Store and Container semantics. */
import { describe, expect, it } from 'vitest';
import {
  Container,
  Interrupt,
  Preempted,
  Process,
  Resource,
  Signal,
  Simulation,
  Store,
  allOf,
  anyOf,
  spawn,
  timeout,
  type ProcessBody,
} from '../../src/engine/index.js';

const gen = <R>(f: () => ProcessBody<R>): ProcessBody<R> => f();

describe('Resource (fast path)', () => {
  it('a capacity increase serves the queue at once; a decrease takes effect on release', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    const started: number[] = [];
    const onGrant = (id: number): void => void started.push(id);
    expect(r.seize(onGrant, 0)).toBe(-1);
    for (let i = 1; i <= 3; i++) expect(r.seize(onGrant, i)).toBeGreaterThanOrEqual(0);
    expect(r.waiting).toBe(3);
    sim.schedule(1, () => r.setCapacity(3), undefined);
    sim.run();
    expect(started).toEqual([1, 2]); // two new units granted at t = 1, in FIFO order
    expect([r.inUse, r.waiting]).toEqual([3, 1]);
    r.setCapacity(1); // nobody loses a unit now...
    expect(r.inUse).toBe(3);
    r.release();
    r.release();
    expect([r.inUse, r.waiting, started.length]).toEqual([1, 1, 2]); // ...but freed units vanish
    r.release();
    expect(started).toEqual([1, 2, 3]);
    expect(r.inUse).toBe(1);
  });

  it('withdraw removes a waiting claim; a granted claim cannot be withdrawn', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    const got: string[] = [];
    r.seize(() => {}, undefined);
    const h1 = r.seize((s: string) => void got.push(s), 'a');
    const h2 = r.seize((s: string) => void got.push(s), 'b');
    expect(r.withdraw(h1)).toBe(true);
    expect(r.withdraw(h1)).toBe(false);
    r.release();
    expect(got).toEqual(['b']);
    expect(r.withdraw(h2)).toBe(false);
    expect(r.withdraw(-1)).toBe(false);
  });

  it("'fifo' ignores claim priority; 'priority' serves the lowest number first, FIFO within", () => {
    const order = (discipline: 'fifo' | 'priority'): string[] => {
      const sim = new Simulation();
      const r = new Resource(sim, { capacity: 1, discipline });
      const out: string[] = [];
      const g = (s: string): void => void out.push(s);
      r.seize(() => {}, undefined);
      r.seize(g, 'low1', 5);
      r.seize(g, 'high1', 1);
      r.seize(g, 'low2', 5);
      r.seize(g, 'high2', 1);
      for (let i = 0; i < 4; i++) r.release();
      return out;
    };
    expect(order('fifo')).toEqual(['low1', 'high1', 'low2', 'high2']);
    expect(order('priority')).toEqual(['high1', 'high2', 'low1', 'low2']);
  });

  it('utilisation, queue length and waits are time-weighted; resetStatistics starts them afresh', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 2 });
    // t = 0: two busy units until t = 4; a third claim waits 0..4 then holds 4..6.
    const hold = (d: number) => (): void => void sim.schedule(d, () => r.release(), undefined);
    if (r.seize(hold(4), undefined) < 0) hold(4)();
    if (r.seize(hold(4), undefined) < 0) hold(4)();
    r.seize(hold(2), undefined);
    sim.run({ until: 8 });
    // Busy unit-time: 4 + 4 + 2 = 10 over capacity 2 × 8 = 16.
    expect(r.utilisation()).toBeCloseTo(10 / 16, 12);
    expect(r.queueLength.mean(8)).toBeCloseTo(4 / 8, 12);
    expect(r.waits.mean).toBeCloseTo(4 / 3, 12);
    expect(r.waits.count).toBe(3);
    sim.resetStatistics();
    sim.run({ until: 10 });
    expect(r.utilisation()).toBe(0);
    expect(r.waits.count).toBe(0);
    expect(r.queueLength.mean(10)).toBe(0);
  });
});

describe('Process API', () => {
  it('timeouts advance the clock and return values flow through yields', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const child = spawn(
      sim,
      gen(function* () {
        yield 2;
        return 'child-done';
      }),
    );
    spawn(
      sim,
      gen(function* () {
        seen.push(sim.now);
        yield 1.5;
        seen.push(sim.now);
        const v = yield child;
        seen.push(sim.now);
        expect(v).toBe('child-done');
        const t = yield timeout(sim, 3, 'x');
        expect(t).toBe('x');
        seen.push(sim.now);
      }),
    );
    sim.run();
    expect(seen).toEqual([0, 1.5, 2, 5]);
    expect(child.alive).toBe(false);
  });

  it('yielding a request waits for the unit; the process releases it on return', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    const log: string[] = [];
    const user = (name: string, hold: number): Process => {
      const self: { p?: Process } = {};
      self.p = spawn(
        sim,
        gen(function* () {
          yield self.p!.request(r);
          log.push(`${name}@${sim.now}`);
          yield hold;
          // returns while holding: the unit must be released by the process layer
        }),
      );
      return self.p;
    };
    user('a', 3);
    user('b', 1);
    sim.run();
    expect(log).toEqual(['a@0', 'b@3']);
    expect(r.inUse).toBe(0);
    expect(log.length).toBe(2);
  });

  it('interrupt while waiting on a timeout: the timeout is cancelled and Interrupt thrown', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p = spawn(
      sim,
      gen(function* () {
        try {
          yield 10;
          log.push('timeout fired');
        } catch (e) {
          expect(e).toBeInstanceOf(Interrupt);
          log.push(`interrupted@${sim.now}:${String((e as Interrupt).cause)}`);
        }
        yield 1;
        log.push(`after@${sim.now}`);
      }),
    );
    sim.schedule(4, () => p.interrupt('maintenance'), undefined);
    sim.run();
    expect(log).toEqual(['interrupted@4:maintenance', 'after@5']);
    expect(sim.now).toBe(5); // the cancelled timeout at 10 never ran
  });

  it('interrupt while queued for a resource withdraws the request', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    let holder: Process | undefined;
    holder = spawn(
      sim,
      gen(function* () {
        yield holder!.request(r);
        yield 10;
      }),
    );
    let waiter: Process | undefined;
    let caught = false;
    waiter = spawn(
      sim,
      gen(function* () {
        try {
          yield waiter!.request(r);
        } catch (e) {
          caught = e instanceof Interrupt;
        }
      }),
    );
    sim.schedule(2, () => {
      expect(r.waiting).toBe(1);
      waiter!.interrupt();
      expect(r.waiting).toBe(0); // withdrawn at once, not when the unit frees
    }, undefined);
    sim.run();
    expect(caught).toBe(true);
    expect([r.inUse, r.waiting]).toEqual([0, 0]);
    expect(r.waits.count).toBe(1); // only the holder was ever granted
  });

  it('a unit is released when the process throws while holding it', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    let p: Process | undefined;
    p = spawn(
      sim,
      gen(function* () {
        yield p!.request(r);
        yield 1;
        throw new Error('boom');
      }),
    );
    const watcher = spawn(
      sim,
      gen(function* () {
        try {
          yield p!;
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      }),
    );
    sim.run();
    expect(watcher.value).toBe('boom');
    expect(r.inUse).toBe(0);
  });

  it('an unobserved process error propagates out of run (never swallowed), after releasing', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    let p: Process | undefined;
    p = spawn(
      sim,
      gen(function* () {
        yield p!.request(r);
        throw new Error('unhandled');
      }),
    );
    expect(() => sim.run()).toThrow('unhandled');
    expect(r.inUse).toBe(0);
  });

  it('two interrupts at the same instant are both delivered, each at the yield then current', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p = spawn(
      sim,
      gen(function* () {
        for (let i = 0; i < 3; i++) {
          try {
            yield 100;
            log.push(`slept@${sim.now}`);
          } catch (e) {
            log.push(`${String((e as Interrupt).cause)}@${sim.now}`);
          }
        }
      }),
    );
    sim.schedule(1, () => {
      p.interrupt('first');
      p.interrupt('second');
    }, undefined);
    sim.run();
    // The third sleep is the only one that completes; no stale timeout wakes the process.
    expect(log).toEqual(['first@1', 'second@1', 'slept@101']);
  });

  it('an interrupt after an already-triggered yield replaces the pending resumption', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const done = new Signal<string>().succeed('ready');
    let p: Process | undefined;
    p = spawn(
      sim,
      gen(function* () {
        try {
          const v = yield done; // resumption deferred to later at this instant
          log.push(String(v));
        } catch (e) {
          log.push(`interrupted:${String((e as Interrupt).cause)}`);
        }
        yield 5;
        log.push(`end@${sim.now}`);
      }),
    );
    // Scheduled after p's start event at t = 0, so it runs before p's deferred resumption.
    sim.schedule(0, () => p!.interrupt('now'), undefined);
    sim.run();
    expect(log).toEqual(['interrupted:now', 'end@5']);
  });

  it('preemption interrupts the holder with Preempted and hands over the unit', () => {
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1, discipline: 'preemptive' });
    const log: string[] = [];
    let low: Process | undefined;
    low = spawn(
      sim,
      gen(function* () {
        yield low!.request(r, 5);
        try {
          yield 10;
          log.push('low finished');
        } catch (e) {
          const c = (e as Interrupt).cause as Preempted;
          log.push(`low preempted@${sim.now} since ${c.usageSince}`);
        }
      }),
    );
    let high: Process | undefined;
    sim.schedule(3, () => {
      high = spawn(
        sim,
        gen(function* () {
          yield high!.request(r, 0);
          log.push(`high got unit@${sim.now}`);
          yield 1;
        }),
      );
    }, undefined);
    sim.run();
    expect(log).toEqual(['low preempted@3 since 0', 'high got unit@3']);
    expect(r.inUse).toBe(0);
  });

  it('anyOf resolves with the first signal, allOf with all values', () => {
    const sim = new Simulation();
    const out: unknown[] = [];
    spawn(
      sim,
      gen(function* () {
        const first = yield anyOf([timeout(sim, 5, 'slow'), timeout(sim, 2, 'fast')]);
        out.push(first, sim.now);
        const all = yield allOf([timeout(sim, 1, 'a'), timeout(sim, 3, 'b')]);
        out.push(all, sim.now);
        const none = yield allOf([]);
        out.push(none);
      }),
    );
    sim.run();
    expect(out).toEqual([{ index: 1, value: 'fast' }, 2, ['a', 'b'], 5, []]);
    expect(() => anyOf([])).toThrow(/at least one/);
  });

  it('a failing signal fails anyOf/allOf and is thrown at the yield', () => {
    const sim = new Simulation();
    const bad = new Signal<number>();
    let caught: unknown;
    spawn(
      sim,
      gen(function* () {
        try {
          yield allOf([timeout(sim, 5), bad]);
        } catch (e) {
          caught = e;
        }
      }),
    );
    sim.schedule(1, () => bad.fail(new Error('lost')), undefined);
    sim.run();
    expect((caught as Error).message).toBe('lost');
  });

  it('yielding something that is neither a number nor a signal is a TypeError at the yield', () => {
    const sim = new Simulation();
    let caught: unknown;
    spawn(
      sim,
      (function* () {
        try {
          yield 'soon' as unknown as number;
        } catch (e) {
          caught = e;
        }
      })(),
    );
    sim.run();
    expect(caught).toBeInstanceOf(TypeError);
  });
});

describe('Store', () => {
  it('FIFO items; getters wait for puts; putters wait for room', () => {
    const sim = new Simulation();
    const s = new Store<string>(sim, 2);
    const log: string[] = [];
    spawn(
      sim,
      gen(function* () {
        for (const item of ['a', 'b', 'c']) {
          yield s.put(item);
          log.push(`put ${item}@${sim.now}`);
        }
      }),
    );
    spawn(
      sim,
      gen(function* () {
        yield 5;
        for (let i = 0; i < 4; i++) {
          const item = yield s.get();
          log.push(`got ${String(item)}@${sim.now}`);
        }
      }),
    );
    sim.schedule(7, () => void s.put('d'), undefined);
    sim.run();
    // Taking 'a' makes room, and the waiting putter resumes synchronously inside that get,
    // so 'put c' is logged before the getter's own (deferred) resumption at the same instant.
    expect(log).toEqual(['put a@0', 'put b@0', 'put c@5', 'got a@5', 'got b@5', 'got c@5', 'got d@7']);
    expect(s.size).toBe(0);
  });
});

describe('Container', () => {
  it('gets wait for level, puts wait for room, strictly in arrival order', () => {
    const sim = new Simulation();
    const c = new Container(sim, 10, 3);
    const log: string[] = [];
    const get = (amount: number): void =>
      void c.get(amount).onTrigger(() => log.push(`get ${amount}@${sim.now}`));
    get(5); // must wait
    get(1); // could be served now, but waits behind the larger request (no starvation)
    expect(log).toEqual([]);
    sim.schedule(2, () => void c.put(4), undefined);
    sim.run();
    expect(log).toEqual(['get 5@2', 'get 1@2']);
    expect(c.level).toBe(1);
    const big = c.put(10); // needs room for 10: waits until level is 0
    expect(big.triggered).toBe(false);
    expect(c.tryGet(1)).toBe(true);
    expect(big.triggered).toBe(true);
    expect(c.level).toBe(10);
    expect(c.tryGet(11)).toBe(false);
  });

  it('time-weighted level and warm-up reset', () => {
    const sim = new Simulation();
    const c = new Container(sim, 10, 0);
    sim.schedule(2, () => void c.put(6), undefined);
    sim.schedule(6, () => void c.get(6), undefined);
    sim.run({ until: 8 });
    expect(c.levelStat.mean(8)).toBeCloseTo((6 * 4) / 8, 12);
    sim.resetStatistics();
    sim.run({ until: 10 });
    expect(c.levelStat.mean(10)).toBe(0);
  });
});

describe('Signal', () => {
  it('resumes waiters in registration order; a removed waiter is skipped, order kept', () => {
    const s = new Signal<number>();
    const log: string[] = [];
    const a = (): void => void log.push('a');
    const b = (): void => void log.push('b');
    const c = (): void => void log.push('c');
    s.onTrigger(a);
    s.onTrigger(b);
    s.onTrigger(c);
    s.removeCallback(a);
    const d = (): void => void log.push('d');
    s.onTrigger(d);
    s.succeed(1);
    expect(log).toEqual(['b', 'c', 'd']);
    s.onTrigger(() => void log.push('late')); // already triggered: called at once
    expect(log).toEqual(['b', 'c', 'd', 'late']);
    expect(() => s.succeed(2)).toThrow(/already triggered/);
  });
});
