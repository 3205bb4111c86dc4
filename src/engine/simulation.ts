/**
 * The simulation clock and run control. A Simulation owns one event calendar and advances
 * its clock from event to event; it knows nothing about what the events mean.
 */
import { EventCalendar, MAX_PRIORITY, MIN_PRIORITY, type CalendarArity, type CalendarLayout, type EventHandle, type EventHandler } from './calendar.js';
import { checkDelay, checkFinite } from './checks.js';

export type { EventHandle, EventHandler } from './calendar.js';

/** Options for `run`. */
export interface RunOptions {
  /** Stop before the first event later than this time; the clock is left at `until`. */
  until?: number;
  /** Checked after every event; the run stops as soon as it returns true. */
  stopWhen?: () => boolean;
  /**
   * Most events this simulation may have executed in all (counting earlier runs): the run
   * throws an EventLimitError instead of executing one more. A runaway model then fails
   * fast and deterministically, where a wall-clock limit would depend on the machine.
   */
  maxEvents?: number;
}

/** Thrown by `run` when `maxEvents` would be exceeded. */
export class EventLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly time: number,
  ) {
    super(`event limit reached: ${limit.toLocaleString('en')} events executed by simulated time ${time} s`);
    this.name = 'EventLimitError';
  }
}

/** Called for every event just before its handler runs (for traces and debugging). */
export type EventTracer = (time: number, handler: EventHandler<unknown>, data: unknown) => void;

export class Simulation {
  /**
   * The clock: `clock[0]` is the current simulated time. Hot callers that hand the time to
   * a function V8 may not inline pass this array instead (e.g. `TimeWeighted.updateOn`):
   * a double argument to such a call is boxed, a heap allocation each time; an element of
   * a Float64Array read by the callee never is. Models read it, only the run loop writes it.
   */
  readonly clock = new Float64Array(1);
  private readonly calendar: EventCalendar;
  private stopRequested = false;
  private eventCount = 0;
  private readonly resetHooks: (() => void)[] = [];
  /** Optional hook seeing every event; leave undefined on the hot path. */
  tracer: EventTracer | undefined = undefined;

  /** `calendarArity` and `calendarLayout` exist for benchmarking the calendar; models leave them at the defaults. */
  constructor(options: { initialCapacity?: number; calendarArity?: CalendarArity; calendarLayout?: CalendarLayout } = {}) {
    this.calendar = new EventCalendar(options.initialCapacity ?? 1024, options.calendarArity, options.calendarLayout);
  }

  /** Current simulated time (seconds by convention of the models). */
  get now(): number {
    return this.clock[0]!;
  }

  /** Number of events executed so far. */
  get eventsExecuted(): number {
    return this.eventCount;
  }

  /** Number of events waiting in the calendar. */
  get pending(): number {
    return this.calendar.size;
  }

  /** Time of the next event, or Infinity if none. */
  peek(): number {
    return this.calendar.peekTime();
  }

  /**
   * Schedules `handler(data)` to run `delay` time units from now. This is the fast path:
   * no allocation beyond the calendar's arrays. Lower `priority` runs first at equal times.
   */
  schedule<T>(delay: number, handler: EventHandler<T>, data: T, priority = 0): EventHandle {
    checkDelay(delay, 'delay');
    return this.push(this.clock[0]! + delay, priority, handler, data);
  }

  /**
   * Schedules like `schedule` but returns no handle, so the event cannot be cancelled. The
   * cheapest way to schedule: most events (arrivals, completions) are never cancelled.
   */
  post<T>(delay: number, handler: EventHandler<T>, data: T, priority = 0): void {
    checkDelay(delay, 'delay');
    this.checkPriority(priority);
    const cal = this.calendar;
    cal.staged[0] = this.clock[0]! + delay;
    cal.insertStaged(priority, handler, data);
  }

  /**
   * Where a hot caller stores the time of its next `postStaged` (one element). A double passed
   * to a call V8 does not inline is boxed, a heap allocation per event; an element of a
   * Float64Array written by the caller and read by the callee never is.
   */
  get staged(): Float64Array {
    return this.calendar.staged;
  }

  /** `postAt(staged[0], handler, data)`: the allocation-free form for events on the hot path. */
  postStaged<T>(handler: EventHandler<T>, data: T): void {
    const cal = this.calendar;
    const time = cal.staged[0]!;
    if (!(time >= this.clock[0]! && time !== Infinity)) this.badStagedTime();
    cal.insertStaged(0, handler, data);
  }

  /**
   * Throws for the staged time (infinite, NaN or in the past). Out of line: V8 inlines a hot
   * function's callees only up to about 920 bytes of bytecode in all, and a message's
   * template costs as much as a push.
   */
  private badStagedTime(): never {
    const time = this.calendar.staged[0]!;
    checkFinite(time, 'time');
    throw new RangeError(`cannot schedule in the past: time ${time} is before now (${this.clock[0]!})`);
  }

  /**
   * Opens an arrival lane for a recurring stream that always has exactly one next event
   * pending (a load's arrivals): that event waits beside the calendar's heap instead of in
   * it, saving a push and a sift per event. Order of events is unchanged: a lane event takes
   * its tie-break from the same counter as any other, so `postLane` runs events in exactly
   * the order `postStaged` would.
   */
  openLane(): number {
    return this.calendar.openLane();
  }

  /** `postStaged(handler, data)` through lane `lane` (from `openLane`): no handle, no cancel. */
  postLane<T>(lane: number, handler: EventHandler<T>, data: T): void {
    const cal = this.calendar;
    const time = cal.staged[0]!;
    if (!(time >= this.clock[0]! && time !== Infinity)) this.badStagedTime();
    cal.insertLane(lane, handler, data);
  }

  /** `post` at an absolute time, which must not be in the past: no handle, no cancel. */
  postAt<T>(time: number, handler: EventHandler<T>, data: T, priority = 0): void {
    checkFinite(time, 'time');
    if (time < this.clock[0]!) {
      throw new RangeError(`cannot schedule in the past: time ${time} is before now (${this.clock[0]!})`);
    }
    this.checkPriority(priority);
    const cal = this.calendar;
    cal.staged[0] = time;
    cal.insertStaged(priority, handler, data);
  }

  /** Schedules at an absolute time, which must not be in the past. */
  scheduleAt<T>(time: number, handler: EventHandler<T>, data: T, priority = 0): EventHandle {
    checkFinite(time, 'time');
    if (time < this.clock[0]!) {
      throw new RangeError(`cannot schedule in the past: time ${time} is before now (${this.clock[0]!})`);
    }
    return this.push(time, priority, handler, data);
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    return this.calendar.cancel(handle);
  }

  /** True while the event is still waiting to run. */
  isPending(handle: EventHandle): boolean {
    return this.calendar.isPending(handle);
  }

  /** Runs one event. Returns false when the calendar was empty. */
  step(): boolean {
    const cal = this.calendar;
    const slot = cal.popSlot();
    if (slot < 0) return false;
    this.clock[0] = cal.timeOf(slot);
    const handler = cal.handlerOf(slot);
    const data = cal.dataOf(slot);
    this.eventCount++;
    if (this.tracer !== undefined) this.tracer(this.clock[0]!, handler, data);
    handler(data);
    return true;
  }

  /**
   * Runs events until the calendar is empty, `until` is reached, `stopWhen` holds, or
   * `stop()` is called from a handler. Returns the clock at the end.
   */
  run(options: RunOptions = {}): number {
    const until = options.until ?? Infinity;
    if (Number.isNaN(until)) throw new RangeError('run: until is NaN');
    if (until < this.clock[0]!) throw new RangeError(`run: until ${until} is before now (${this.clock[0]!})`);
    const stopWhen = options.stopWhen;
    const limit = options.maxEvents ?? Infinity;
    if (!(limit >= 0)) throw new RangeError(`run: maxEvents must be a number ≥ 0, got ${String(limit)}`);
    const cal = this.calendar;
    this.stopRequested = false;
    // One calendar call per event does the emptiness, tombstone and `until` checks and the pop.
    while (!this.stopRequested) {
      if (this.eventCount >= limit) {
        // Only a pending event within `until` counts as one too many.
        if (cal.peekTime() <= until) throw new EventLimitError(limit, this.clock[0]!);
        break;
      }
      const slot = cal.popUntil(until);
      if (slot < 0) break;
      const now = cal.timeOf(slot);
      this.clock[0] = now;
      const handler = cal.handlerOf(slot);
      const data = cal.dataOf(slot);
      this.eventCount++;
      if (this.tracer !== undefined) this.tracer(now, handler, data);
      handler(data);
      cal.closeVacancy();
      if (stopWhen !== undefined && stopWhen()) break;
    }
    if (!this.stopRequested && until !== Infinity && this.clock[0]! < until) this.clock[0] = until;
    return this.clock[0]!;
  }

  /** Asks a running `run` to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Registers a hook run by `resetStatistics` (statistics objects register themselves, so a
   * warm-up period can be deleted without each model knowing about it).
   */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** Discards statistics collected so far (end of warm-up). */
  resetStatistics(): void {
    for (const hook of this.resetHooks) hook();
  }

  private push<T>(time: number, priority: number, handler: EventHandler<T>, data: T): EventHandle {
    this.checkPriority(priority);
    return this.calendar.push(time, priority, handler, data);
  }

  private checkPriority(priority: number): void {
    // Nearly every event uses the default priority 0; test that first.
    if (priority !== 0 && (!(priority >= MIN_PRIORITY && priority <= MAX_PRIORITY) || !Number.isInteger(priority))) {
      throw new RangeError(`event priority must be an integer in [${MIN_PRIORITY}, ${MAX_PRIORITY}], got ${priority}`);
    }
  }
}
