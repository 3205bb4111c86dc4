/**
 * Timers that all run for one constant delay (a service's client timeout): they expire in
 * the order they were started, so they wait in a ring in start order and one pending event,
 * at the earliest expiry, stands for all of them. Starting a timer is three array writes,
 * stopping one is one, and nothing is scheduled or cancelled per timer in the calendar (an
 * event per request, scheduled and cancelled, cost about 15 % of a request-level replication
 * and left a tombstone in the heap for each).
 *
 * Timers are named by small non-negative integer ids (e.g. request slots); an id has at
 * most one running timer, and starting it again restarts it. A stopped timer's ring entry
 * stays until it reaches the head, recognised as stale by its serial number. The pending
 * event is re-armed at the earliest live expiry, so a burst of stopped timers costs no
 * wake-ups; while timers run, there is about one wake-up per `delay` at most in idle stretches.
 * Expiries at the same time run in start order; against other events at that very time,
 * a timer's expiry runs in the order of the wake-up event, not of its start.
 */
import { checkPositive } from './checks.js';
import type { Simulation } from './simulation.js';

export class ConstantDelayTimers {
  /** Per id: serial of its running timer, 0 when none. */
  private current = new Int32Array(64);
  private serial = 0;
  // Ring of started timers in start (= expiry) order: id, serial, expiry time.
  private ringId = new Int32Array(64);
  private ringSerial = new Int32Array(64);
  private ringTime = new Float64Array(64);
  private head = 0;
  private count = 0;
  /** True while a wake-up event is pending (or the expiry loop is running). */
  private armed = false;

  constructor(
    private readonly sim: Simulation,
    readonly delay: number,
    private readonly onExpire: (id: number) => void,
  ) {
    checkPositive(delay, 'timer delay');
  }

  /** Starts (or restarts) the timer of `id`: `onExpire(id)` runs `delay` from now unless stopped. */
  start(id: number): void {
    if (id >= this.current.length) this.growIds(id + 1);
    // Serials cycle through 1..2^31-1; a stale entry would need 2^31 starts within one delay to collide.
    const s = this.serial === 0x7fffffff ? 1 : this.serial + 1;
    this.serial = s;
    this.current[id] = s;
    if (this.count === this.ringId.length) this.growRing();
    const mask = this.ringId.length - 1;
    const k = (this.head + this.count++) & mask;
    const time = this.sim.now + this.delay;
    this.ringId[k] = id;
    this.ringSerial[k] = s;
    this.ringTime[k] = time;
    if (!this.armed) {
      this.armed = true;
      this.sim.postAt(time, this.wake, undefined);
    }
  }

  /** Stops the timer of `id` (no-op when none runs). */
  stop(id: number): void {
    if (id < this.current.length) this.current[id] = 0;
  }

  /** True while `id` has a running timer. */
  isRunning(id: number): boolean {
    return id < this.current.length && this.current[id] !== 0;
  }

  /** Timers started and not yet expired or passed over (stopped ones included until they reach the head). */
  get queued(): number {
    return this.count;
  }

  private readonly wake = (): void => {
    const now = this.sim.now;
    // `armed` stays true meanwhile: timers started by the handlers join the ring without an event of their own.
    while (this.count > 0) {
      const h = this.head;
      if (this.ringTime[h]! > now) break;
      const id = this.ringId[h]!;
      const s = this.ringSerial[h]!;
      this.head = (h + 1) & (this.ringId.length - 1);
      this.count--;
      if (this.current[id] === s) {
        this.current[id] = 0;
        this.onExpire(id);
      }
    }
    // Pass over stopped timers, so the next wake-up is at a live expiry.
    while (this.count > 0 && this.current[this.ringId[this.head]!] !== this.ringSerial[this.head]) {
      this.head = (this.head + 1) & (this.ringId.length - 1);
      this.count--;
    }
    if (this.count > 0) this.sim.postAt(this.ringTime[this.head]!, this.wake, undefined);
    else this.armed = false;
  };

  private growIds(n: number): void {
    let cap = this.current.length;
    while (cap < n) cap *= 2;
    const c = new Int32Array(cap);
    c.set(this.current);
    this.current = c;
  }

  private growRing(): void {
    const n = this.ringId.length;
    const mask = n - 1;
    const id = new Int32Array(2 * n);
    const se = new Int32Array(2 * n);
    const ti = new Float64Array(2 * n);
    for (let i = 0; i < this.count; i++) {
      const k = (this.head + i) & mask;
      id[i] = this.ringId[k]!;
      se[i] = this.ringSerial[k]!;
      ti[i] = this.ringTime[k]!;
    }
    this.ringId = id;
    this.ringSerial = se;
    this.ringTime = ti;
    this.head = 0;
  }
}
