/** EventCalendar against a sorted-array reference, by property-based testing (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCalendar, MAX_PRIORITY, MIN_PRIORITY, Resource, Simulation, type CalendarArity, type CalendarLayout } from '../../src/engine/index.js';
import { FifoQueue } from '../../src/engine/calendar.js';

type Op = { kind: 'push'; time: number; priority: number } | { kind: 'pop' } | { kind: 'cancel'; pick: number };

// Few distinct times and priorities, so equal keys (the FIFO rule) are exercised constantly.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), time: fc.integer({ min: 0, max: 6 }).map((t) => t / 2), priority: fc.integer({ min: -2, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
);

interface RefEvent {
  time: number;
  priority: number;
  seq: number;
  id: number;
}

/**
 * Replays `ops` on a calendar and on the reference, comparing after every step. With
 * `peekAlways` false the earliest time is read only after cancels, so a push right after a
 * pop fills the root the pop left (the calendar's vacant-top path; a peek would close it).
 */
function check(ops: readonly Op[], arity: CalendarArity, layout: CalendarLayout = {}, peekAlways = true): void {
  const cal = new EventCalendar(16, arity, layout); // small, so growth happens inside the run
  const ref: RefEvent[] = [];
  const handles: { handle: number; id: number }[] = [];
  let seq = 0;
  const handler = (): void => {};
  for (const op of ops) {
    if (op.kind === 'push') {
      const id = seq;
      const handle = cal.push(op.time, op.priority, handler, id);
      ref.push({ time: op.time, priority: op.priority, seq: seq++, id });
      handles.push({ handle, id });
    } else if (op.kind === 'pop') {
      ref.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
      const want = ref.shift();
      const slot = cal.popSlot();
      if (want === undefined) {
        expect(slot).toBe(-1);
      } else {
        expect(cal.dataOf(slot)).toBe(want.id);
        expect(cal.timeOf(slot)).toBe(want.time);
      }
    } else if (handles.length > 0) {
      // Any handle ever issued: pending, already popped (stale) or already cancelled.
      const h = handles[op.pick % handles.length]!;
      const i = ref.findIndex((e) => e.id === h.id);
      expect(cal.isPending(h.handle)).toBe(i >= 0);
      expect(cal.cancel(h.handle)).toBe(i >= 0);
      if (i >= 0) ref.splice(i, 1);
      expect(cal.cancel(h.handle)).toBe(false); // double cancel is a no-op
    }
    expect(cal.size).toBe(ref.length);
    if (!peekAlways && op.kind !== 'cancel') continue;
    const minTime = ref.reduce((m, e) => Math.min(m, e.time), Infinity);
    expect(cal.peekTime()).toBe(minTime);
  }
}

type LaneOp = Op | { kind: 'lane'; lane: number; time: number } | { kind: 'popUntil'; until: number };

// Lane pushes share the few times of the heap pushes (priority 0 among -2..2), so lane and
// heap events tie on time, and on (time, priority), constantly.
const laneOpArb: fc.Arbitrary<LaneOp> = fc.oneof(
  { weight: 4, arbitrary: opArb },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lane' as const), lane: fc.integer({ min: 0, max: 2 }), time: fc.integer({ min: 0, max: 6 }).map((t) => t / 2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('popUntil' as const), until: fc.integer({ min: 0, max: 6 }).map((t) => t / 2) }) },
);

/**
 * Replays `ops` on a calendar with three arrival lanes and, as the reference, on a sorted
 * array where a lane push is a plain priority-0 push: lanes must not change the pop order.
 * A lane push is only legal at or after the last pop's time (as from a simulation), so its
 * time is taken relative to the clock; a push into an occupied lane goes to the heap.
 */
function checkLanes(ops: readonly LaneOp[], layout: CalendarLayout = {}, peekAlways = true): void {
  const cal = new EventCalendar(16, 4, layout);
  const lanes = [cal.openLane(), cal.openLane(), cal.openLane()];
  const ref: RefEvent[] = [];
  const handles: { handle: number; id: number }[] = [];
  let seq = 0;
  let clock = 0;
  const handler = (): void => {};
  const popExpect = (until: number): void => {
    ref.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
    const want = ref[0] !== undefined && ref[0].time <= until ? ref.shift() : undefined;
    const slot = until === Infinity ? cal.popSlot() : cal.popUntil(until);
    if (want === undefined) {
      expect(slot).toBe(-1);
    } else {
      expect(cal.dataOf(slot)).toBe(want.id);
      expect(cal.timeOf(slot)).toBe(want.time);
      clock = want.time;
    }
  };
  for (const op of ops) {
    if (op.kind === 'push') {
      const id = seq;
      const time = clock + op.time;
      handles.push({ handle: cal.push(time, op.priority, handler, id), id });
      ref.push({ time, priority: op.priority, seq: seq++, id });
    } else if (op.kind === 'lane') {
      const id = seq;
      cal.staged[0] = clock + op.time;
      cal.insertLane(lanes[op.lane]!, handler, id);
      ref.push({ time: clock + op.time, priority: 0, seq: seq++, id });
    } else if (op.kind === 'pop') {
      popExpect(Infinity);
    } else if (op.kind === 'popUntil') {
      popExpect(clock + op.until);
    } else if (handles.length > 0) {
      const h = handles[op.pick % handles.length]!;
      const i = ref.findIndex((e) => e.id === h.id);
      expect(cal.cancel(h.handle)).toBe(i >= 0);
      if (i >= 0) ref.splice(i, 1);
    }
    expect(cal.size).toBe(ref.length);
    if (!peekAlways && op.kind !== 'cancel') continue;
    expect(cal.peekTime()).toBe(ref.reduce((m, e) => Math.min(m, e.time), Infinity));
  }
  // Drain: everything left comes out in the reference order.
  while (ref.length > 0) popExpect(Infinity);
  expect(cal.popSlot()).toBe(-1);
}

type FifoOp = { kind: 'push'; n: number } | { kind: 'pop' } | { kind: 'cancel'; pick: number; n: number };

// Pushes and cancels come in bursts, so the ring grows, wraps and compacts (over 64 withdrawn
// entries outnumbering the live ones) inside one run.
const fifoOpArb: fc.Arbitrary<FifoOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('push' as const), n: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }) },
);

/** Replays `ops` on a FifoQueue and on an array of live entries: order, sizes, stamps, stale handles. */
function checkFifo(ops: readonly FifoOp[]): void {
  const q = new FifoQueue(16);
  const clock = new Float64Array(1);
  q.stampFrom(clock);
  const ref: { id: number; handle: number; at: number }[] = [];
  const issued: { id: number; handle: number }[] = [];
  const h = (): void => {};
  let id = 0;
  for (const op of ops) {
    clock[0]++;
    if (op.kind === 'push') {
      for (let k = 0; k < op.n; k++) {
        const handle = q.push(0, 0, h, id);
        expect(issued.some((e) => e.handle === handle)).toBe(false); // handles are never reused
        ref.push({ id, handle, at: clock[0]! });
        issued.push({ id: id++, handle });
      }
    } else if (op.kind === 'pop') {
      const want = ref.shift();
      const pos = q.popSlot();
      if (want === undefined) expect(pos).toBe(-1);
      else {
        expect(q.dataOf(pos)).toBe(want.id);
        expect(q.handlerOf(pos)).toBe(h);
        expect(q.stampOf(pos)).toBe(want.at);
      }
    } else if (issued.length > 0) {
      // Any handle ever issued (waiting, granted or withdrawn), and a few that never were.
      for (let k = 0; k < op.n; k++) {
        const e = issued[(op.pick + 7 * k) % issued.length]!;
        const i = ref.findIndex((r) => r.id === e.id);
        expect(q.cancel(e.handle)).toBe(i >= 0);
        if (i >= 0) ref.splice(i, 1);
      }
      expect(q.cancel(-1)).toBe(false);
      expect(q.cancel(0.5)).toBe(false);
      expect(q.cancel(id + 3)).toBe(false);
    }
    expect(q.size).toBe(ref.length);
  }
  while (ref.length > 0) expect(q.dataOf(q.popSlot())).toBe(ref.shift()!.id);
  expect(q.popSlot()).toBe(-1);
}

describe('FifoQueue (a FIFO resource\'s waiting line)', () => {
  it('matches an array reference under push/pop/cancel bursts (growth, wrap-around, compaction, stale handles)', () => {
    fc.assert(fc.property(fc.array(fifoOpArb, { maxLength: 200 }), checkFifo), { numRuns: 200 });
  });

  it('compacts withdrawn entries and still finds every handle', () => {
    const q = new FifoQueue(16);
    const h = (): void => {};
    const handles = Array.from({ length: 500 }, (_, i) => q.push(0, 0, h, i));
    for (let i = 0; i < 500; i++) if (i % 5 !== 0) expect(q.cancel(handles[i]!)).toBe(true);
    // 400 withdrawn against 100 live: compacted; the survivors keep their order and handles.
    expect(q.size).toBe(100);
    for (let i = 0; i < 500; i += 10) expect(q.cancel(handles[i]!)).toBe(true);
    const out: unknown[] = [];
    while (q.size > 0) out.push(q.dataOf(q.popSlot()));
    expect(out).toEqual(Array.from({ length: 50 }, (_, k) => 10 * k + 5));
  });
});

describe('EventCalendar', () => {
  for (const arity of [4, 2, 8] as const) {
    it(`${arity}-ary heap matches a sorted-array reference under push/pop/cancel`, () => {
      fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => check(ops, arity)), { numRuns: 300 });
    });
  }

  it('a push right after a pop (filling the vacated root) keeps the reference order, plain and split', () => {
    for (const layout of [{}, { spillAt: 4, perBucket: 2 }, { spillAt: 2, perBucket: 1 }]) {
      fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => check(ops, 4, layout, false)), { numRuns: 200 });
    }
  });

  // Tiny limits put the near/far split (spill, buckets, overflow, re-spreading, return to a
  // plain heap) inside runs of a few hundred operations.
  const tiny: CalendarLayout = { spillAt: 4, perBucket: 2 };
  it('split into time buckets, matches the reference under push/pop/cancel', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => check(ops, 4, tiny)), { numRuns: 300 });
  });

  it('split into time buckets, matches the reference with spread-out times and long runs of pushes', () => {
    const wide: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('push' as const), time: fc.double({ min: 0, max: 1e4, noNaN: true }), priority: fc.integer({ min: -1, max: 1 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('push' as const), time: fc.constantFrom(0, 5, 1e4), priority: fc.constant(0) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
    );
    for (const layout of [tiny, { spillAt: 16, perBucket: 3 }, { spillAt: 2, perBucket: 1 }, { spillAt: 6, perBucket: 1 }]) {
      fc.assert(fc.property(fc.array(wide, { maxLength: 200 }), (ops) => check(ops, 4, layout)), { numRuns: 200 });
    }
  });

  it('layout limits are validated', () => {
    expect(() => new EventCalendar(16, 4, { spillAt: 1 })).toThrow(/spillAt.*got 1/);
    expect(() => new EventCalendar(16, 4, { perBucket: 0.5 })).toThrow(/perBucket.*got 0.5/);
  });

  it('clear empties a split calendar and leaves it usable', () => {
    const cal = new EventCalendar(16, 4, tiny);
    const h = (): void => {};
    const handles: number[] = [];
    for (let i = 0; i < 50; i++) handles.push(cal.push(i * 7 % 13, 0, h, i));
    cal.popSlot();
    cal.clear();
    expect(cal.size).toBe(0);
    expect(cal.peekTime()).toBe(Infinity);
    expect(handles.some((x) => cal.isPending(x))).toBe(false);
    for (let i = 0; i < 20; i++) cal.push(20 - i, 0, h, i);
    const out: number[] = [];
    while (cal.size > 0) out.push(cal.timeOf(cal.popSlot()));
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('a split calendar that shrinks goes back to a plain heap, still in order', () => {
    const h = (): void => {};
    const scrambled = (i: number): number => (i * 7919) % 1009;
    const drain = (cal: EventCalendar): number[] => {
      const out: number[] = [];
      while (cal.size > 0) out.push(cal.timeOf(cal.popSlot()));
      return out;
    };
    // Shrunk by cancelling: the tombstone purge spreads the 100 survivors back into a heap.
    const a = new EventCalendar(16, 4, { spillAt: 200, perBucket: 8 });
    const ha = Array.from({ length: 201 }, (_, i) => a.push(scrambled(i), 0, h, i));
    for (let i = 0; i < 101; i++) a.cancel(ha[2 * i]!);
    const keptA = Array.from({ length: 100 }, (_, i) => scrambled(2 * i + 1)).sort((x, y) => x - y);
    expect(drain(a)).toEqual(keptA);
    // Shrunk by running: the last overflow is small and goes back into a heap.
    const b = new EventCalendar(16, 4, { spillAt: 16, perBucket: 2 });
    for (let i = 0; i < 40; i++) b.push(i, 0, h, i);
    for (let i = 0; i < 35; i++) b.popSlot();
    for (let i = 0; i < 6; i++) b.push(100 + scrambled(i), 0, h, i);
    expect(drain(b)).toEqual([35, 36, 37, 38, 39, ...Array.from({ length: 6 }, (_, i) => 100 + scrambled(i)).sort((x, y) => x - y)]);
  });

  it('a split calendar that keeps growing redraws its buckets, still in order', () => {
    // Buckets drawn at the spill (17 events) hold ~30 events each by the first pop.
    const cal = new EventCalendar(16, 4, { spillAt: 16, perBucket: 2 });
    const h = (): void => {};
    const want: number[] = [];
    for (let i = 0; i < 517; i++) {
      const t = ((i * 7919) % 1000) / 10;
      cal.push(t, 0, h, i);
      want.push(t);
    }
    want.sort((x, y) => x - y);
    const out: number[] = [];
    for (let i = 0; i < 100; i++) out.push(cal.timeOf(cal.popSlot()));
    // Then later events arrive while the redrawn buckets are being used.
    for (let i = 0; i < 200; i++) {
      const t = 50 + ((i * 613) % 500) / 10;
      cal.push(t, 0, h, i);
      want.push(t);
    }
    want.sort((x, y) => x - y);
    while (cal.size > 0) out.push(cal.timeOf(cal.popSlot()));
    expect(out).toEqual(want);
  });

  it('arrival lanes beside the heap pop in exactly the heap-only order, ties included (plain, split, vacant root, popUntil, cancel)', () => {
    const tiny: CalendarLayout = { spillAt: 4, perBucket: 2 };
    for (const [layout, peekAlways] of [[{}, true], [{}, false], [tiny, true], [tiny, false]] as const) {
      fc.assert(fc.property(fc.array(laneOpArb, { maxLength: 300 }), (ops) => checkLanes(ops, layout, peekAlways)), { numRuns: 200 });
    }
  });

  it('clear drops lane events and leaves the lanes usable', () => {
    const cal = new EventCalendar();
    const lane = cal.openLane();
    const h = (): void => {};
    cal.staged[0] = 3;
    cal.insertLane(lane, h, 'a');
    cal.push(2, 0, h, 'b');
    cal.clear();
    expect(cal.size).toBe(0);
    expect(cal.popSlot()).toBe(-1);
    cal.staged[0] = 1;
    cal.insertLane(lane, h, 'c');
    expect(cal.peekTime()).toBe(1);
    expect(cal.dataOf(cal.popSlot())).toBe('c');
  });

  it('a lane keeps one slot for good: no stale or forged handle cancels its events', () => {
    const cal = new EventCalendar(16);
    const h = (): void => {};
    // A slot used and freed before the lane opens is the one the lane takes.
    const stale = cal.push(1, 0, h, 'old');
    expect(cal.dataOf(cal.popSlot())).toBe('old');
    const lane = cal.openLane();
    const other = cal.push(5, 0, h, 'heap');
    for (let i = 0; i < 50; i++) {
      cal.staged[0] = 2 + i / 100;
      cal.insertLane(lane, h, i);
      expect(cal.cancel(stale)).toBe(false);
      // Every generation of every slot in use so far: none names a lane event.
      for (let gen = 0; gen < 8; gen++) for (let slot = 0; slot < 3; slot++) if (gen * 2 ** 26 + slot !== other) expect(cal.cancel(gen * 2 ** 26 + slot)).toBe(false);
      expect(cal.size).toBe(2);
      expect(cal.dataOf(cal.popSlot())).toBe(i);
      expect(cal.timeOf(0)).toBe(2 + i / 100);
    }
    expect(cal.isPending(other)).toBe(true);
    expect(cal.dataOf(cal.popSlot())).toBe('heap');
    expect(cal.popSlot()).toBe(-1);
  });

  it('Simulation.postLane runs events in exactly the order postStaged would', () => {
    const order = (useLane: boolean): number[] => {
      const sim = new Simulation();
      const lanes = [sim.openLane(), sim.openLane()];
      const out: number[] = [];
      // Two recurring streams (one event pending each, as a load's arrivals) and other events
      // at integer times, so the streams tie with each other and with the rest.
      const stream = (k: number) => (i: number): void => {
        out.push(i);
        if (i < 2000) {
          sim.staged[0] = sim.now + ((i * 7 + k) % 3);
          if (useLane) sim.postLane(lanes[k]!, handlers[k]!, i + 2);
          else sim.postStaged(handlers[k]!, i + 2);
        }
        if (i % 5 === 0) sim.post((i * 37) % 4, other, -i);
      };
      const other = (i: number): void => {
        out.push(i);
      };
      const handlers = [stream(0), stream(1)];
      sim.post(0, handlers[0]!, 0);
      sim.post(0, handlers[1]!, 1);
      sim.run({ until: 1500 });
      sim.run();
      return out;
    };
    const laned = order(true);
    expect(laned.length).toBeGreaterThan(2000);
    expect(laned).toEqual(order(false));
  });

  it('Simulation.post runs events in exactly the order schedule would', () => {
    const order = (use: 'post' | 'schedule'): number[] => {
      const sim = new Simulation();
      const out: number[] = [];
      const h = (i: number): void => {
        out.push(i);
        if (i < 200) sim[use]((i * 37) % 11, h, i + 100, (i % 3) - 1);
      };
      for (let i = 0; i < 50; i++) sim[use](i % 7, h, i, i % 2);
      sim.run();
      return out;
    };
    const posted = order('post');
    expect(posted).toHaveLength(150);
    expect(posted).toEqual(order('schedule'));
  });

  it('equal (time, priority) events pop first-in-first-out', () => {
    const cal = new EventCalendar();
    const h = (): void => {};
    for (let i = 0; i < 1000; i++) cal.push(5, 0, h, i);
    cal.push(5, -1, h, -1); // a higher priority jumps the queue
    cal.push(4, 3, h, -2); // an earlier time beats any priority
    const out: unknown[] = [];
    while (cal.size > 0) out.push(cal.dataOf(cal.popSlot()));
    expect(out).toEqual([-2, -1, ...Array.from({ length: 1000 }, (_, i) => i)]);
  });

  it('a stale handle does not cancel the event that reused its slot', () => {
    const cal = new EventCalendar();
    const h = (): void => {};
    const a = cal.push(1, 0, h, 'a');
    expect(cal.dataOf(cal.popSlot())).toBe('a');
    const b = cal.push(2, 0, h, 'b'); // reuses a's slot with a new generation
    expect(cal.cancel(a)).toBe(false);
    expect(cal.isPending(b)).toBe(true);
    expect(cal.size).toBe(1);
    expect(cal.cancel(-5)).toBe(false);
    expect(cal.cancel(1e12)).toBe(false);
  });

  it('a stale handle cannot cancel the event in its slot after many reuses (handles keep all generation bits)', () => {
    const cal = new EventCalendar();
    const h = (): void => {};
    const stale = cal.push(0, 0, h, 'first');
    cal.popSlot();
    let last = -1;
    // Slots are reused last-freed first: every push below takes the same slot. 5 generation
    // bits (a small-integer handle) would wrap after 16 reuses; 2^27 values do not.
    for (let i = 1; i <= 1000; i++) {
      last = cal.push(i, 0, h, i);
      expect(cal.cancel(stale)).toBe(false);
      expect(cal.isPending(stale)).toBe(false);
      if (i < 1000) cal.popSlot();
    }
    expect(cal.size).toBe(1);
    expect(cal.isPending(last)).toBe(true);
    // The same for a FIFO resource's waiting line (its handles are tickets, never reused).
    const sim = new Simulation();
    const r = new Resource(sim, { capacity: 1 });
    r.seize(h, 0);
    const first = r.seize(h, 1);
    r.release();
    for (let i = 0; i < 1000; i++) {
      const q = r.seize(h, i);
      expect(r.withdraw(first)).toBe(false);
      expect(r.waiting).toBe(1);
      r.release();
      expect(q).toBeGreaterThanOrEqual(0);
    }
  });

  it('random large workloads stay ordered (grows from 16 to 10^5 entries)', () => {
    const cal = new EventCalendar(16);
    let x = 12345;
    const next = (): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const h = (): void => {};
    const handles: number[] = [];
    for (let i = 0; i < 100_000; i++) handles.push(cal.push(next() * 1000, Math.floor(next() * 5) - 2, h, i));
    let cancelled = 0;
    for (let i = 0; i < handles.length; i += 3) if (cal.cancel(handles[i]!)) cancelled++;
    expect(cancelled).toBe(Math.ceil(100_000 / 3));
    let last = -Infinity;
    let n = 0;
    let ordered = true;
    while (cal.size > 0) {
      const t = cal.timeOf(cal.popSlot());
      if (t < last) ordered = false;
      last = t;
      n++;
    }
    expect(ordered).toBe(true);
    expect(n).toBe(100_000 - Math.ceil(100_000 / 3));
  });

  it('priority bounds are exported and arity is validated', () => {
    expect([MIN_PRIORITY, MAX_PRIORITY]).toEqual([-1024, 1023]);
    expect(() => new EventCalendar(16, 3 as CalendarArity)).toThrow(/arity.*got 3/);
  });
});
