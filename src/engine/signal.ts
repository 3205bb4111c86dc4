/**
 * Signals: one-shot events that processes wait on (SimPy's Event). A signal is triggered
 * once, with a value or an error; everything waiting on it is resumed in the order it
 * started waiting.
 */

/**
 * Something waiting on a signal. Declared through a method signature so it is checked
 * bivariantly: otherwise Signal<T> would be invariant in T and a process could not
 * `yield` a `Request` (a Signal<Request>) where a Signal<unknown> is expected.
 */
export type SignalCallback<T> = { bivarianceHack(signal: Signal<T>): void }['bivarianceHack'];

export class Signal<T = unknown> {
  private state: 0 | 1 | 2 = 0; // pending, succeeded, failed
  private value_: T | undefined = undefined;
  private error_: unknown = undefined;
  // Nearly every signal has at most one waiter, so the first is kept in a field and an
  // array is only allocated for the rest.
  private first: SignalCallback<T> | null = null;
  private callbacks: SignalCallback<T>[] | null = null;

  /** True once succeeded or failed. */
  get triggered(): boolean {
    return this.state !== 0;
  }
  /** True when triggered successfully. */
  get ok(): boolean {
    return this.state === 1;
  }
  /** The value given to `succeed` (undefined before). */
  get value(): T | undefined {
    return this.value_;
  }
  /** The error given to `fail` (undefined unless failed). */
  get error(): unknown {
    return this.error_;
  }

  /** Triggers the signal with a value. Triggering twice is a programming error. */
  succeed(value: T): this {
    this.settle(1, value, undefined);
    return this;
  }

  /** Triggers the signal with an error; waiting processes see it thrown at their yield. */
  fail(error: unknown): this {
    this.settle(2, undefined, error);
    return this;
  }

  /** Calls `cb` when triggered (immediately if already triggered). */
  onTrigger(cb: SignalCallback<T>): void {
    if (this.state !== 0) {
      cb(this);
      return;
    }
    if (this.first === null && this.callbacks === null) this.first = cb;
    else (this.callbacks ??= []).push(cb);
  }

  /** Removes a callback that no longer wants the signal (an interrupted waiter). */
  removeCallback(cb: SignalCallback<T>): void {
    if (this.first === cb) {
      this.first = null;
      // Keep registration order: the earliest remaining waiter moves into the field.
      const rest = this.callbacks;
      if (rest !== null && rest.length > 0) this.first = rest.shift()!;
      return;
    }
    const list = this.callbacks;
    if (list === null) return;
    const i = list.indexOf(cb);
    if (i >= 0) list.splice(i, 1);
  }

  private settle(state: 1 | 2, value: T | undefined, error: unknown): void {
    if (this.state !== 0) throw new Error('signal already triggered');
    this.state = state;
    this.value_ = value;
    this.error_ = error;
    const first = this.first;
    const list = this.callbacks;
    this.first = null;
    this.callbacks = null;
    if (first !== null) first(this);
    if (list !== null) for (const cb of list) cb(this);
  }
}
