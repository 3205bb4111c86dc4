/** The opsim engine: a small discrete-event core that knows nothing of data centers. */
export { EventCalendar, MIN_PRIORITY, MAX_PRIORITY, type CalendarArity, type CalendarLayout, type EventHandle, type EventHandler } from './calendar.js';
export { EventLimitError, Simulation, type RunOptions, type EventTracer } from './simulation.js';
export { Signal, type SignalCallback } from './signal.js';
export { Process, Interrupt, spawn, timeout, anyOf, allOf, type ProcessBody, type Yieldable } from './process.js';
export { Resource, Request, Preempted, QueueLimitError, MAX_WAITING, type Discipline, type ResourceOptions } from './resource.js';
export { Store } from './store.js';
export { ConstantDelayTimers } from './timers.js';
export { Container } from './container.js';
export { RandomStreams, checkSeed, deriveSeed, type Rng } from './random.js';
export * from './distributions.js';
export * from './arrivals.js';
export { Tally, TimeWeighted, Quantiles, BatchMeans, tQuantile975 } from './stats.js';
export * from './checks.js';
