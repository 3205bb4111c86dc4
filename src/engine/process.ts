/**
 * Generator processes, for scenario authors' custom logic (the built-in models use the
 * callback fast path). A process is a generator that yields what it waits for:
 *   - a number: a timeout of that many time units;
 *   - a Signal (including a resource Request, a Process, anyOf/allOf): resumes when it
 *     triggers, receiving its value, or with its error thrown at the yield.
 * `interrupt(cause)` throws an `Interrupt` at the current yield. Resource requests made
 * through `proc.request(resource)` are released when the process ends on any path
 * (return, throw, interrupt), so a unit can never leak.
 */
import type { Simulation } from './simulation.js';
import { Signal } from './signal.js';
import { Preempted, type Request, type Resource } from './resource.js';
import { checkDelay } from './checks.js';

/** What a process body may yield. */
export type Yieldable = number | Signal<unknown>;

/** A process body: a generator yielding timeouts and signals. */
export type ProcessBody<R = unknown> = Generator<Yieldable, R, unknown>;

/** Thrown into a process by `interrupt`. */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown) {
    super(`interrupted: ${String(cause instanceof Preempted ? 'preempted' : cause)}`);
    this.name = 'Interrupt';
  }
}

const RESUME_PRIORITY = 0;

// How a suspended body is resumed: kind 0 sends `payload` as the yield's value, kind 1
// throws it at the yield. Passed as two arguments so no object is allocated per resume.
type ResumeKind = 0 | 1;

/** A running process; it is itself a signal that succeeds with the body's return value. */
export class Process<R = unknown> extends Signal<R> {
  private readonly body: ProcessBody<R>;
  /** The pending timeout or deferred resumption event (cancelled by `interrupt`), or -1. */
  private timeoutHandle = -1;
  private waitingOn: Signal<unknown> | null = null;
  /** The already-triggered signal whose outcome a deferred resumption delivers. */
  private deferred: Signal<unknown> | null = null;
  /** Callback registered on awaited signals; created on the first wait (many processes never block on one). */
  private waiter: ((s: Signal<unknown>) => void) | null = null;
  /** Requests made through `request`; allocated on first use (most processes never hold one). */
  private held: Set<Request> | null = null;
  private running = false;

  constructor(readonly simulation: Simulation, body: ProcessBody<R>, readonly name = 'process') {
    super();
    this.body = body;
    // Start at the current time, after events already scheduled for now (FIFO fairness).
    simulation.post(0, Process.wake, this, RESUME_PRIORITY);
  }

  // Event handlers are static so scheduling a resumption allocates no closure.
  private static wake<R>(p: Process<R>): void {
    p.timeoutHandle = -1;
    p.resume(0, undefined);
  }

  private static wakeDeferred<R>(p: Process<R>): void {
    const s = p.deferred!;
    p.deferred = null;
    p.timeoutHandle = -1;
    if (s.ok) p.resume(0, s.value);
    else p.resume(1, s.error);
  }

  /** True while the body has not finished. */
  get alive(): boolean {
    return !this.triggered;
  }

  /** Requests a unit of `resource`; released automatically when this process ends. */
  request(resource: Resource, priority = 0): Request {
    const req = resource.request(priority);
    (this.held ??= new Set()).add(req);
    if (resource.discipline === 'preemptive') {
      req.onPreempt = (cause) => {
        this.held?.delete(req);
        this.interrupt(cause);
      };
    }
    return req;
  }

  /** Releases a unit obtained with `request` before the process ends. */
  release(req: Request): void {
    this.held?.delete(req);
    req.release();
  }

  /** Throws `Interrupt(cause)` into the process at its current yield. */
  interrupt(cause: unknown = 'interrupt'): void {
    if (this.triggered) return;
    if (this.running) throw new Error(`process ${this.name} cannot interrupt itself`);
    this.detach();
    this.withdrawPending();
    const error = new Interrupt(cause);
    this.simulation.post(
      0,
      (p: Process<R>) => {
        // Between `interrupt` and now the process may have been resumed by an earlier
        // event at this instant and started a new wait; that wait is abandoned.
        p.detach();
        p.withdrawPending();
        p.resume(1, error);
      },
      this,
      RESUME_PRIORITY,
    );
  }

  /** A pending request that is interrupted leaves the queue: it will never be used. */
  private withdrawPending(): void {
    if (this.held === null) return;
    for (const req of this.held) {
      if (!req.triggered) {
        this.held.delete(req);
        req.release();
      }
    }
  }

  private detach(): void {
    if (this.timeoutHandle >= 0) {
      this.simulation.cancel(this.timeoutHandle);
      this.timeoutHandle = -1;
      this.deferred = null;
    }
    if (this.waitingOn !== null) {
      this.waitingOn.removeCallback(this.waiter!);
      this.waitingOn = null;
    }
  }

  private onSignal(s: Signal<unknown>): void {
    this.waitingOn = null;
    if (this.running) {
      // Triggered synchronously by our own yield (already-triggered signal): defer.
      this.deferred = s;
      this.timeoutHandle = this.simulation.schedule(0, Process.wakeDeferred, this, RESUME_PRIORITY);
    } else if (s.ok) {
      this.resume(0, s.value);
    } else {
      this.resume(1, s.error);
    }
  }

  private resume(kind: ResumeKind, payload: unknown): void {
    if (this.triggered) return;
    let step: IteratorResult<Yieldable, R>;
    this.running = true;
    try {
      step = kind === 0 ? this.body.next(payload) : this.body.throw(payload);
    } catch (err) {
      this.running = false;
      this.finish();
      this.fail(err);
      if (!this.hasObservers) throw err;
      return;
    }
    if (step.done) {
      this.running = false;
      this.finish();
      this.succeed(step.value);
      return;
    }
    const y = step.value;
    if (typeof y === 'number') {
      // The message is built only on failure: a template literal here allocates per yield.
      if (!(y >= 0) || y === Infinity) checkDelay(y, `process ${this.name}: yielded timeout`);
      this.timeoutHandle = this.simulation.schedule(y, Process.wake, this, RESUME_PRIORITY);
      this.running = false;
    } else if (y instanceof Signal) {
      this.waitingOn = y;
      y.onTrigger((this.waiter ??= (s: Signal<unknown>): void => this.onSignal(s)));
      this.running = false;
    } else {
      this.running = false;
      const err = new TypeError(`process ${this.name} yielded ${String(y)}; yield a number (timeout) or a Signal`);
      this.simulation.post(0, (p: Process<R>) => p.resume(1, err), this, RESUME_PRIORITY);
    }
  }

  /** Something waits on this process (so its failure is handled, not an uncaught error). */
  private hasObserversFlag = false;
  private get hasObservers(): boolean {
    return this.hasObserversFlag;
  }
  override onTrigger(cb: (signal: Signal<R>) => void): void {
    this.hasObserversFlag = true;
    super.onTrigger(cb);
  }

  private finish(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const req of held) req.release();
  }
}

/** Starts a process from a generator (a convenience for `new Process`). */
export function spawn<R>(sim: Simulation, body: ProcessBody<R>, name?: string): Process<R> {
  return new Process(sim, body, name);
}

/** A signal that succeeds after `delay` with `value`. */
export function timeout<T = undefined>(sim: Simulation, delay: number, value?: T): Signal<T | undefined> {
  const s = new Signal<T | undefined>();
  sim.post(delay, (sig: Signal<T | undefined>) => sig.succeed(value), s);
  return s;
}

/** Succeeds with the first of `signals` to succeed (its index and value); fails if one fails first. */
export function anyOf(signals: readonly Signal<unknown>[]): Signal<{ index: number; value: unknown }> {
  const out = new Signal<{ index: number; value: unknown }>();
  if (signals.length === 0) throw new RangeError('anyOf needs at least one signal');
  signals.forEach((s, index) => {
    s.onTrigger((t) => {
      if (out.triggered) return;
      if (t.ok) out.succeed({ index, value: t.value });
      else out.fail(t.error);
    });
  });
  return out;
}

/** Succeeds with all values once every signal has succeeded; fails on the first failure. */
export function allOf(signals: readonly Signal<unknown>[]): Signal<unknown[]> {
  const out = new Signal<unknown[]>();
  const values = new Array<unknown>(signals.length);
  let left = signals.length;
  if (left === 0) return out.succeed([]);
  signals.forEach((s, i) => {
    s.onTrigger((t) => {
      if (out.triggered) return;
      if (!t.ok) {
        out.fail(t.error);
        return;
      }
      values[i] = t.value;
      if (--left === 0) out.succeed(values);
    });
  });
  return out;
}
