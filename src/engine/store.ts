/**
 * Store: a FIFO buffer of items (tickets in a queue, parts on a shelf) with an optional
 * capacity. `put` and `get` return signals, so processes can wait on either side.
 */
import { Signal } from './signal.js';
import type { Simulation } from './simulation.js';
import { MAX_WAITING, QueueLimitError } from './resource.js';

export class Store<T> {
  private readonly items: T[] = [];
  private readonly getters: Signal<T>[] = [];
  private readonly putters: { item: T; signal: Signal<void> }[] = [];

  /**
   * `capacity` items at most (default unbounded). Items held, getters waiting and putters
   * waiting are each capped at `maxWaiting` (default MAX_WAITING): one more is a
   * QueueLimitError, so a runaway producer fails its run instead of exhausting memory.
   */
  constructor(
    readonly simulation: Simulation,
    readonly capacity = Infinity,
    readonly name = 'store',
    private readonly maxWaiting = MAX_WAITING,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`store capacity must be ≥ 1, got ${capacity}`);
  }

  private checkRoom(line: unknown[]): void {
    if (line.length >= this.maxWaiting) throw new QueueLimitError(this.name, this.maxWaiting, this.simulation.now);
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
      this.checkRoom(this.items);
      this.items.push(item);
      s.succeed(undefined);
    } else {
      this.checkRoom(this.putters);
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
      this.checkRoom(this.getters);
      this.getters.push(s);
    }
    return s;
  }
}
