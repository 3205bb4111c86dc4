/**
 * A single queueing station on the engine's fast path, used by the validation tests:
 * Poisson arrivals per class, c servers, any service distribution per class, and the
 * resource's discipline. Statistics start after a time-based warm-up.
 */
import { Resource, RandomStreams, Simulation, Tally, exponential, type Discipline, type Distribution } from '../../src/engine/index.js';

/** One customer class: its arrival rate and service distribution; index = priority. */
export interface StationClass {
  lambda: number;
  service: Distribution;
}

/** Station parameters. */
export interface StationSpec {
  servers: number;
  classes: readonly StationClass[];
  discipline?: Discipline;
  warmup: number;
  horizon: number;
}

/** What one replication measures (after warm-up). */
export interface StationResult {
  /** Mean wait in queue over all customers that started service. */
  wq: number;
  /** Mean time in system over all customers that departed. */
  w: number;
  /** Per-class mean wait in queue. */
  wqByClass: number[];
  /** Fraction of customers that waited. */
  pWait: number;
  /** Time-average number waiting (resource statistic). */
  lq: number;
  /** Time-average number in system (waiting + in service). */
  l: number;
  /** Arrivals per time unit observed. */
  throughput: number;
  utilisation: number;
}

const RING = 1 << 16; // customers in system at once never approach this in the tests

/** Runs one replication of the station with RandomStreams(seed, rep). */
export function runStation(spec: StationSpec, seed: string | number, rep: number): StationResult {
  const streams = new RandomStreams(seed, rep);
  const sim = new Simulation();
  const res = new Resource(sim, { capacity: spec.servers, discipline: spec.discipline ?? 'fifo' });
  const arrivedAt = new Float64Array(RING);
  const classOf = new Int32Array(RING);
  const wq = new Tally();
  const w = new Tally();
  const byClass = spec.classes.map(() => new Tally());
  let waited = 0;
  let arrivals = 0;
  let nextId = 0;
  const serviceRng = spec.classes.map((_, k) => streams.stream(`service-${k}`));

  const depart = (id: number): void => {
    w.add(sim.now - arrivedAt[id & (RING - 1)]!);
    res.release();
  };
  const start = (id: number): void => {
    const slot = id & (RING - 1);
    const k = classOf[slot]!;
    const wait = sim.now - arrivedAt[slot]!;
    wq.add(wait);
    byClass[k]!.add(wait);
    if (wait > 0) waited++;
    sim.schedule(spec.classes[k]!.service.sample(serviceRng[k]!), depart, id);
  };
  spec.classes.forEach((cls, k) => {
    const rng = streams.stream(`arrivals-${k}`);
    const gap = exponential(cls.lambda);
    const arrive = (): void => {
      const id = nextId++;
      arrivedAt[id & (RING - 1)] = sim.now;
      classOf[id & (RING - 1)] = k;
      arrivals++;
      if (res.seize(start, id, k) < 0) start(id);
      sim.schedule(gap.sample(rng), arrive, undefined);
    };
    sim.schedule(gap.sample(rng), arrive, undefined);
  });

  sim.run({ until: spec.warmup });
  sim.resetStatistics();
  for (const t of [wq, w, ...byClass]) t.reset();
  waited = 0;
  arrivals = 0;
  const end = spec.warmup + spec.horizon;
  sim.run({ until: end });
  return {
    wq: wq.mean,
    w: w.mean,
    wqByClass: byClass.map((t) => t.mean),
    pWait: waited / wq.count,
    lq: res.queueLength.mean(end),
    l: res.queueLength.mean(end) + res.busy.mean(end),
    throughput: arrivals / spec.horizon,
    utilisation: res.utilisation(),
  };
}
