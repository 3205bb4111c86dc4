/** EventCalendar against a sorted-array reference, by property-based testing (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCalendar, MAX_PRIORITY, MIN_PRIORITY, type CalendarArity } from '../../src/engine/index.js';

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

/** Replays `ops` on a calendar and on the reference, comparing after every step. */
function check(ops: readonly Op[], arity: CalendarArity): void {
  const cal = new EventCalendar(16, arity); // small, so growth happens inside the run
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
    const minTime = ref.reduce((m, e) => Math.min(m, e.time), Infinity);
    expect(cal.peekTime()).toBe(minTime);
  }
}

describe('EventCalendar', () => {
  for (const arity of [4, 2, 8] as const) {
    it(`${arity}-ary heap matches a sorted-array reference under push/pop/cancel`, () => {
      fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => check(ops, arity)), { numRuns: 300 });
    });
  }

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
