/**
 * Resource: a pool of identical units (servers, operators, threads) with a waiting line.
 * Capacity may change during a run (operators come on shift, servers fail and return): a
 * rise serves waiting claims at once; a fall takes effect as units are released, so work
 * in progress is never dropped by the resource itself.
 *
 * Two interfaces share one queue:
 *  - the fast path, `seize(handler, data, priority)` / `release()`, allocation-free, for
 *    the built-in models;
 *  - `request(priority)` returning a `Request` signal, for generator processes, which also
 *    supports preemption.
 * Statistics attach automatically: time-weighted queue length, busy units and capacity,
 * and a tally of waits.
 */
import { EventCalendar, FifoQueue, type EventHandler } from './calendar.js';
import type { Simulation } from './simulation.js';
import { Signal } from './signal.js';
import { Tally, TimeWeighted } from './stats.js';
import { checkCount } from './checks.js';

/** How the waiting line is ordered. */
export type Discipline = 'fifo' | 'priority' | 'preemptive';

/** Options of a Resource. */
export interface ResourceOptions {
  /** Number of units; may be changed later with `setCapacity`. */
  capacity: number;
  /** 'fifo' (default), 'priority' (lower number first, FIFO within), or 'preemptive'. */
  discipline?: Discipline;
  /** Name for messages and reports. */
  name?: string;
  /** Most claims that may wait at once (default MAX_WAITING); one more fails the run with a QueueLimitError. */
  maxWaiting?: number;
}

/**
 * Most claims one waiting line (a Resource's queue, a Store's items or getters) may hold at
 * once: 2^21 = 2,097,152, about 200 MB of waiting requests in the built-in models. A line
 * that long means arrivals far outrun service (a rate given per second instead of per hour,
 * a pool of 1 server): the replication fails with this error, long before it could exhaust
 * the process's memory. Real models stay orders of magnitude below it.
 */
export const MAX_WAITING = 2 ** 21;

/** Thrown when a waiting line would exceed its cap (see MAX_WAITING). */
export class QueueLimitError extends Error {
  constructor(
    readonly line: string,
    readonly limit: number,
    readonly time: number,
  ) {
    super(
      `the waiting line of ${line} grew past ${limit.toLocaleString('en')} at simulated time ${time} s: arrivals far outrun service ` +
        '(check the rates and their units, the number of servers and the service times)',
    );
    this.name = 'QueueLimitError';
  }
}

/** Raised inside a process whose unit was taken by a higher-priority request. */
export class Preempted {
  constructor(readonly by: Request, readonly usageSince: number) {}
}

/** A claim on one unit, made by a process; it is a signal that succeeds when granted. */
export class Request extends Signal<Request> {
  /** Queue handle while waiting, -1 otherwise. */
  queueHandle = -1;
  /** Time the unit was granted (NaN while waiting). */
  grantedAt = NaN;
  /** True once released or withdrawn. */
  done = false;
  /** Called if the unit is taken away by preemption (the process layer interrupts). */
  onPreempt: ((cause: Preempted) => void) | undefined = undefined;

  constructor(readonly resource: Resource, readonly priority: number, readonly requestedAt: number) {
    super();
  }

  /** Gives the unit back (or leaves the queue if still waiting). Safe to call twice. */
  release(): void {
    this.resource.releaseRequest(this);
  }
}

function grantRequest(req: Request): void {
  req.grantedAt = req.resource.simulation.now;
  req.queueHandle = -1;
  req.resource.noteHolder(req);
  req.succeed(req);
}

export class Resource {
  readonly name: string;
  readonly discipline: Discipline;
  private capacity_: number;
  private inUse_ = 0;
  /** The waiting line: a plain ring under 'fifo', a heap on (priority, arrival) otherwise. */
  private readonly queue: EventCalendar | FifoQueue;
  /** Granted requests, tracked only under 'preemptive' (to pick a victim); a Set op per grant is too dear otherwise. */
  private readonly holders = new Set<Request>();
  private readonly tracksHolders: boolean;
  /** Whether claim priority orders the queue (under 'fifo' it is ignored, as documented). */
  private readonly ordered: boolean;
  /** Cap of the waiting line. */
  private readonly maxWaiting: number;

  /** Time-weighted number waiting. */
  readonly queueLength: TimeWeighted;
  /** Time-weighted number of busy units. */
  readonly busy: TimeWeighted;
  /** Time-weighted capacity (its mean is the average number of units available). */
  readonly capacityLevel: TimeWeighted;
  /** Waiting time of every granted claim. */
  readonly waits = new Tally();

  /** The simulation's clock (`clock[0]` is now), read by the statistics' updateOn. */
  private readonly clock: Float64Array;

  constructor(readonly simulation: Simulation, options: ResourceOptions) {
    this.clock = simulation.clock;
    checkCount(options.capacity, `resource ${options.name ?? ''} capacity`.replace('  ', ' '));
    this.name = options.name ?? 'resource';
    this.discipline = options.discipline ?? 'fifo';
    this.tracksHolders = this.discipline === 'preemptive';
    this.ordered = this.discipline !== 'fifo';
    this.queue = this.ordered ? new EventCalendar(64) : new FifoQueue(64);
    // A claim's stamp is the time it joined the line (read back as its wait when granted).
    this.queue.stampFrom(simulation.clock);
    this.maxWaiting = options.maxWaiting ?? MAX_WAITING;
    this.capacity_ = options.capacity;
    const now = simulation.now;
    this.queueLength = new TimeWeighted(0, now);
    this.busy = new TimeWeighted(0, now);
    this.capacityLevel = new TimeWeighted(options.capacity, now);
    simulation.onReset(() => {
      const t = this.simulation.now;
      this.queueLength.reset(t);
      this.busy.reset(t);
      this.capacityLevel.reset(t);
      this.waits.reset();
    });
  }

  /** Current number of units. */
  get capacity(): number {
    return this.capacity_;
  }
  /** Units currently held. */
  get inUse(): number {
    return this.inUse_;
  }
  /** Claims waiting. */
  get waiting(): number {
    return this.queue.size;
  }
  /** Units free right now (0 when over capacity after a decrease). */
  get free(): number {
    return Math.max(0, this.capacity_ - this.inUse_);
  }

  /** Time-average utilisation: busy unit-time over available unit-time. */
  utilisation(): number {
    const now = this.simulation.now;
    const cap = this.capacityLevel.integral(now);
    return cap > 0 ? this.busy.integral(now) / cap : 0;
  }

  /**
   * Fast path. Takes a unit if one is free and returns -1: the caller continues at once.
   * Otherwise queues the claim and returns its queue handle; `handler(data)` runs when a
   * unit is granted. Pass the handle to `withdraw` to leave the queue (reneging, timeout).
   */
  seize<T>(handler: EventHandler<T>, data: T, priority = 0): number {
    // One `updateOn` call for both paths (busy units or queue length, the same class): V8
    // inlines a hot function's callees only up to about 920 bytes of bytecode in all, and
    // a second inlined copy of it cost 97 of them in every handler that seizes.
    let h = -1;
    let level: TimeWeighted;
    let n: number;
    if (this.inUse_ < this.capacity_ && this.queue.size === 0) {
      this.waits.add(0);
      n = ++this.inUse_;
      level = this.busy;
    } else {
      h = this.enqueue(handler, data, priority);
      n = this.queue.size;
      level = this.queueLength;
    }
    level.updateOn(this.clock, n);
    return h;
  }

  /** `seize`'s waiting path (without the queue length's update), a call of its own so that the free-unit path inlines into handlers. */
  private enqueue<T>(handler: EventHandler<T>, data: T, priority: number): number {
    if (this.queue.size >= this.maxWaiting) this.lineFull();
    return this.queue.push(this.ordered ? priority : 0, 0, handler, data);
  }

  /** Leaves the queue; returns false if the claim was already granted. */
  withdraw(handle: number): boolean {
    if (handle < 0) return false;
    const ok = this.queue.cancel(handle);
    if (ok) this.queueLength.updateOn(this.clock, this.queue.size);
    return ok;
  }

  /** Fast path: gives back one unit taken by `seize` and serves the queue. */
  release(): void {
    if (this.inUse_ <= 0) this.unmatchedRelease();
    const q = this.queue;
    if (q.size > 0 && this.inUse_ <= this.capacity_) {
      // Hand the unit straight to the next claim: the busy count does not change, which
      // saves two statistics updates on the commonest path of a loaded resource.
      this.grantNext(false);
      return;
    }
    // No claim can be served here: either none waits, or units are still over capacity
    // after this one goes (a lowered capacity), so no `serveQueue`, whose inlined grant
    // would take V8's inlining budget from the handler that releases.
    this.busy.updateOn(this.clock, --this.inUse_);
  }

  // The throws live out of line: seize and release are inlined into models' handlers, and V8
  // stops inlining once a handler's callees add up to about 920 bytes of bytecode.
  private lineFull(): never {
    throw new QueueLimitError(this.name, this.maxWaiting, this.simulation.now);
  }

  private unmatchedRelease(): never {
    throw new Error(`resource ${this.name}: release without a matching seize`);
  }

  /** Process interface: a claim that succeeds when a unit is granted. */
  request(priority = 0): Request {
    const now = this.simulation.now;
    const req = new Request(this, priority, now);
    if (this.inUse_ < this.capacity_ && this.queue.size === 0) {
      this.take();
      this.waits.add(0);
      grantRequest(req);
      return req;
    }
    if (this.discipline === 'preemptive' && this.tryPreempt(req)) return req;
    if (this.queue.size >= this.maxWaiting) this.lineFull();
    req.queueHandle = this.queue.push(this.ordered ? priority : 0, 0, grantRequest, req);
    this.queueLength.update(now, this.queue.size);
    return req;
  }

  /** Releases a granted request, or withdraws a waiting one. Idempotent. */
  releaseRequest(req: Request): void {
    if (req.done) return;
    req.done = true;
    if (req.queueHandle >= 0) {
      this.withdraw(req.queueHandle);
      req.queueHandle = -1;
      return;
    }
    // Granted and not taken by preemption (a victim is marked done when preempted).
    if (this.tracksHolders) this.holders.delete(req);
    this.release();
  }

  /** Internal: records a process-held unit (called when a Request is granted). */
  noteHolder(req: Request): void {
    if (this.tracksHolders) this.holders.add(req);
  }

  /**
   * Changes the number of units. Waiting claims are served at once if units appear; if
   * fewer units remain than are in use, the excess disappears as holders release.
   */
  setCapacity(capacity: number): void {
    checkCount(capacity, `resource ${this.name} capacity`);
    this.capacity_ = capacity;
    this.capacityLevel.updateOn(this.clock, capacity);
    this.serveQueue();
  }

  private take(): void {
    this.inUse_++;
    this.busy.updateOn(this.clock, this.inUse_);
  }

  /** Grants the oldest (or highest-priority) waiting claim, taking a unit unless it was handed over. */
  private grantNext(takeUnit: boolean): void {
    const q = this.queue;
    const slot = q.popSlot();
    const handler = q.handlerOf(slot);
    const data = q.dataOf(slot);
    this.waits.add(this.clock[0]! - q.stampOf(slot));
    this.queueLength.updateOn(this.clock, q.size);
    if (takeUnit) this.take();
    handler(data);
  }

  private serveQueue(): void {
    const q = this.queue;
    while (this.inUse_ < this.capacity_ && q.size > 0) {
      this.grantNext(true);
    }
  }

  private tryPreempt(req: Request): boolean {
    let victim: Request | undefined;
    for (const h of this.holders) {
      // Preempt the lowest-priority holder, the most recent among equals (least work lost).
      if (h.priority > req.priority && (victim === undefined || h.priority > victim.priority || (h.priority === victim.priority && h.grantedAt >= victim.grantedAt))) {
        victim = h;
      }
    }
    if (victim === undefined) return false;
    this.holders.delete(victim);
    victim.done = true;
    this.waits.add(0);
    grantRequest(req); // the unit passes straight from the victim to the new request
    victim.onPreempt?.(new Preempted(req, victim.grantedAt));
    return true;
  }
}
