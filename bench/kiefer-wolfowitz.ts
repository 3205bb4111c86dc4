/**
 * The bare Kiefer–Wolfowitz recursion for a FIFO M/M/c queue: customer i waits
 * max(0, earliest server-free time − arrival). A binary min-heap of the c servers' free
 * times over a Float64Array, one pop+push (a replace-top) per customer. No events, no
 * objects: the floor any event-driven engine is measured against.
 */
import { RandomStreams } from '../src/engine/index.js';

/** Result of one M/M/c run (shared with the engine versions in mmc.ts). */
/** CPU seconds (user + system) since `start`. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

export interface MmcResult {
  customers: number;
  /** Mean wait of customers after the first 10 % (warm-up, as in the SimPy anchor). */
  meanWait: number;
  /** Fraction of those customers that waited at all. */
  pWait: number;
  wallSeconds: number;
  /** CPU time of this process during the run (robust to other load on a shared machine). */
  cpuSeconds: number;
  customersPerSecond: number;
}

/** Runs the recursion for `n` customers with the same named streams as the engine models. */
export function kieferWolfowitz(n: number, c: number, lambda: number, mu: number, seed: number): MmcResult {
  const streams = new RandomStreams(seed, 0);
  const arrivals = streams.stream('arrivals');
  const service = streams.stream('service');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const heap = new Float64Array(c); // all servers free at time 0
  const warm = Math.floor(n / 10);
  let sumWait = 0;
  let waited = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const free = heap[0]!;
    const start = free > t ? free : t;
    if (i >= warm) {
      sumWait += start - t;
      if (start > t) waited++;
    }
    const done = start + -Math.log(1 - service.next()) / mu;
    // Replace the top with `done` and sift it down.
    let k = 0;
    for (;;) {
      let child = 2 * k + 1;
      if (child >= c) break;
      if (child + 1 < c && heap[child + 1]! < heap[child]!) child++;
      if (heap[child]! >= done) break;
      heap[k] = heap[child]!;
      k = child;
    }
    heap[k] = done;
    t += -Math.log(1 - arrivals.next()) / lambda;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSince(cpu0);
  const m = n - warm;
  return { customers: n, meanWait: sumWait / m, pWait: waited / m, wallSeconds: wall, cpuSeconds: cpu, customersPerSecond: n / cpu };
}
