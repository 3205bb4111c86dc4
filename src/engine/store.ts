/**
 * Store: a FIFO buffer of items (tickets in a queue, parts on a shelf) with an optional
 * capacity. `put` and `get` return signals, so processes can wait on either side.
 */
import { Signal } from './signal.js';
import type { Simulation } from './simulation.js';

export class Store<T> {
  private readonly items: T[] = [];
  private readonly getters: Signal<T>[] = [];
  private readonly putters: { item: T; signal: Signal<void> }[] = [];

  /** `capacity` items at most (default unbounded). */
  constructor(readonly simulation: Simulation, readonly capacity = Infinity) {
    if (!(capacity >= 1)) throw new RangeError(`store capacity must be ≥ 1, got ${capacity}`);
  }

  /** Items held now. */
  get size(): number {
    return this.items.length;
  }

  /** Adds an item; the signal succeeds once there was room. */
  put(item: T): Signal<void> {
    const s = new Signal<void>();
    const getter = this.getters.shift();
    if (getter !== undefined) {
      getter.succeed(item);
      s.succeed(undefined);
    } else if (this.items.length < this.capacity) {
      this.items.push(item);
      s.succeed(undefined);
    } else {
      this.putters.push({ item, signal: s });
    }
    return s;
  }

  /** Takes the oldest item; the signal succeeds with it once one is there. */
  get(): Signal<T> {
    const s = new Signal<T>();
    if (this.items.length > 0) {
      s.succeed(this.items.shift() as T);
      const p = this.putters.shift();
      if (p !== undefined) {
        this.items.push(p.item);
        p.signal.succeed(undefined);
      }
    } else {
      this.getters.push(s);
    }
    return s;
  }
}
