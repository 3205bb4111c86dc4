/**
 * Container: a continuous or counted level between 0 and a capacity (spare parts in stock,
 * fuel, cooling capacity). `get` waits until enough is there; `put` until there is room.
 * Requests are served strictly in arrival order, so a large request is not starved.
 */
import { Signal } from './signal.js';
import type { Simulation } from './simulation.js';
import { TimeWeighted } from './stats.js';
import { checkDelay } from './checks.js';

interface Pending {
  amount: number;
  signal: Signal<number>;
}

export class Container {
  private level_: number;
  private readonly getters: Pending[] = [];
  private readonly putters: Pending[] = [];
  /** Time-weighted level. */
  readonly levelStat: TimeWeighted;

  constructor(readonly simulation: Simulation, readonly capacity: number, initial = 0, readonly name = 'container') {
    checkDelay(initial, `container ${name} initial level`);
    if (!(capacity >= initial)) throw new RangeError(`container ${name}: capacity (${capacity}) must be ≥ initial level (${initial})`);
    this.level_ = initial;
    this.levelStat = new TimeWeighted(initial, simulation.now);
    simulation.onReset(() => this.levelStat.reset(this.simulation.now));
  }

  /** Current level. */
  get level(): number {
    return this.level_;
  }

  /** Removes `amount`; the signal succeeds (with the amount) once it was available. */
  get(amount: number): Signal<number> {
    checkDelay(amount, `container ${this.name} get amount`);
    if (amount > this.capacity) throw new RangeError(`container ${this.name}: cannot get ${amount}, capacity is ${this.capacity}`);
    const s = new Signal<number>();
    this.getters.push({ amount, signal: s });
    this.settle();
    return s;
  }

  /** Adds `amount`; the signal succeeds once there was room. */
  put(amount: number): Signal<number> {
    checkDelay(amount, `container ${this.name} put amount`);
    if (amount > this.capacity) throw new RangeError(`container ${this.name}: cannot put ${amount}, capacity is ${this.capacity}`);
    const s = new Signal<number>();
    this.putters.push({ amount, signal: s });
    this.settle();
    return s;
  }

  /** Takes `amount` now if available, without waiting. */
  tryGet(amount: number): boolean {
    if (this.getters.length > 0 || this.level_ < amount) return false;
    this.set(this.level_ - amount);
    this.settle();
    return true;
  }

  private set(level: number): void {
    this.level_ = level;
    this.levelStat.update(this.simulation.now, level);
  }

  private settle(): void {
    let progressed = true;
    while (progressed) {
      progressed = false;
      const g = this.getters[0];
      if (g !== undefined && g.amount <= this.level_) {
        this.getters.shift();
        this.set(this.level_ - g.amount);
        g.signal.succeed(g.amount);
        progressed = true;
      }
      const p = this.putters[0];
      if (p !== undefined && this.level_ + p.amount <= this.capacity) {
        this.putters.shift();
        this.set(this.level_ + p.amount);
        p.signal.succeed(p.amount);
        progressed = true;
      }
    }
  }
}
