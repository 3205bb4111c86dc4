/**
 * A minimal typed-array event loop for the FIFO M/M/c queue: the floor an event-driven
 * engine is measured against, as the Kiefer–Wolfowitz recursion is the floor of any method.
 * It executes the same events as opsim's fast path (an arrival and a departure per
 * customer) through a binary min-heap of (time, sequence) keys over Float64Arrays and a
 * ring of waiting customers, with the same named streams drawn in the same order, so its
 * waits equal the recursion's. No handles, no generations, no handlers, no statistics
 * objects: what is left is the work every event must do.
 */
import { RandomStreams } from '../src/engine/index.js';
import { cpuSince, type MmcResult } from './kiefer-wolfowitz.js';

const ARRIVAL = 0;
const DEPARTURE = 1;

/** Runs the loop for `n` customers; same streams and warm-up as the other variants. */
export function minimalLoop(n: number, c: number, lambda: number, mu: number, seed: number): MmcResult {
  const streams = new RandomStreams(seed, 0);
  const arrivals = streams.stream('arrivals');
  const service = streams.stream('service');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Heap of pending events: key time and insertion sequence (FIFO at equal times), kind.
  let cap = 1024;
  let time = new Float64Array(cap);
  let seq = new Float64Array(cap);
  let kind = new Uint8Array(cap);
  let size = 0;
  let nextSeq = 0;
  const push = (t: number, k: number): void => {
    if (size === cap) {
      cap *= 2;
      const t2 = new Float64Array(cap);
      t2.set(time);
      time = t2;
      const s2 = new Float64Array(cap);
      s2.set(seq);
      seq = s2;
      const k2 = new Uint8Array(cap);
      k2.set(kind);
      kind = k2;
    }
    const q = nextSeq++;
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p]! < t || (time[p] === t && seq[p]! < q)) break;
      time[i] = time[p]!;
      seq[i] = seq[p]!;
      kind[i] = kind[p]!;
      i = p;
    }
    time[i] = t;
    seq[i] = q;
    kind[i] = k;
  };
  const popTop = (): void => {
    const n1 = --size;
    const t = time[n1]!;
    const q = seq[n1]!;
    const k = kind[n1]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n1) break;
      if (child + 1 < n1 && (time[child + 1]! < time[child]! || (time[child + 1] === time[child] && seq[child + 1]! < seq[child]!))) child++;
      if (t < time[child]! || (t === time[child] && q < seq[child]!)) break;
      time[i] = time[child]!;
      seq[i] = seq[child]!;
      kind[i] = kind[child]!;
      i = child;
    }
    time[i] = t;
    seq[i] = q;
    kind[i] = k;
  };
  // Waiting customers' arrival times, FIFO (a ring that grows).
  let ring = new Float64Array(1024);
  let head = 0;
  let waiting = 0;
  let busy = 0;
  let created = 0;
  const warm = Math.floor(n / 10);
  let served = 0;
  let sumWait = 0;
  let waited = 0;
  const startService = (now: number, arrivedAt: number): void => {
    if (served++ >= warm) {
      sumWait += now - arrivedAt;
      if (now > arrivedAt) waited++;
    }
    push(now + -Math.log(1 - service.next()) / mu, DEPARTURE);
  };
  push(0, ARRIVAL);
  while (size > 0) {
    const now = time[0]!;
    const k = kind[0]!;
    popTop();
    if (k === ARRIVAL) {
      if (busy < c) {
        busy++;
        startService(now, now);
      } else {
        if (waiting === ring.length) {
          const r2 = new Float64Array(2 * ring.length);
          for (let i = 0; i < waiting; i++) r2[i] = ring[(head + i) & (ring.length - 1)]!;
          ring = r2;
          head = 0;
        }
        ring[(head + waiting++) & (ring.length - 1)] = now;
      }
      if (++created < n) push(now + -Math.log(1 - arrivals.next()) / lambda, ARRIVAL);
    } else if (waiting > 0) {
      const at = ring[head]!;
      head = (head + 1) & (ring.length - 1);
      waiting--;
      startService(now, at);
    } else busy--;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSince(cpu0);
  const m = n - warm;
  return { customers: n, meanWait: sumWait / m, pWait: waited / m, wallSeconds: wall, cpuSeconds: cpu, customersPerSecond: n / cpu };
}
