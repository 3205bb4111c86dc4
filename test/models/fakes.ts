/**
 * Small fakes of the infrastructure side of the World, so the operations models can be
 * tested without the real services: a service whose latency the test sets, and a room.
 */
import { RandomStreams, Simulation } from '../../src/engine/index.js';
import { ProblemBoard } from '../../src/models/kernel/problems.js';
import { Recorder } from '../../src/models/kernel/recorder.js';
import type { RoomHandle, ServiceHandle, World } from '../../src/models/kernel/world.js';
import type { Scenario } from '../../src/scenario/index.js';
import { LANGUAGE } from '../../src/models/index.js';
import { fillDefaults } from '../../src/scenario/validate.js';
import { NoServerSpells } from '../../src/models/services/pool-stats.js';

/** A service whose observed metrics are set by the test. */
export class FakeService implements ServiceHandle {
  latency = 0.1;
  errorRate = 0;
  private n: number;
  private readonly noServer = new NoServerSpells();
  readonly counts = { finished: 0, failed: 0, slow: 0 };
  readonly offline: { count: number; reason: string; at: number }[] = [];
  latencyObjective: { threshold: number; target: number } | null = null;
  /** The service it calls (set by the test). */
  downstream: FakeService | null = null;

  constructor(readonly name: string, servers: number, private readonly sim: Simulation) {
    this.n = servers;
    this.noServer.note(sim.now, servers);
  }
  /** Servers able to serve; setting it records the spells without one, as a pool does. */
  get servers(): number {
    return this.n;
  }
  set servers(n: number) {
    this.n = n;
    this.noServer.note(this.sim.now, n);
  }
  hadNoServerSince(from: number): boolean {
    return this.noServer.since(from, this.sim.now);
  }
  reserveWindow(): void {}
  recentLatencyQuantile(): number {
    return this.latency;
  }
  recentErrorRate(): number {
    return this.errorRate;
  }
  recentThroughput(): number {
    return 0;
  }
  serversAvailable(): number {
    return this.servers;
  }
  takeOffline(count: number, reason: string): () => void {
    this.servers -= count;
    this.offline.push({ count, reason, at: this.sim.now });
    return () => {
      this.servers += count;
    };
  }
  totals(): { finished: number; failed: number; slow: number } {
    return { ...this.counts };
  }
  /** Slow successes per tracked threshold (seconds), set by the test; the objective's falls back to counts.slow. */
  readonly slowAt = new Map<number, number>();
  readonly tracked: number[] = [];
  trackThreshold(seconds: number): number {
    if (!this.tracked.includes(seconds)) this.tracked.push(seconds);
    return this.tracked.indexOf(seconds);
  }
  slowerThan(id: number): number {
    const th = this.tracked[id]!;
    return this.slowAt.get(th) ?? (this.latencyObjective?.threshold === th ? this.counts.slow : 0);
  }
  /** The requests a failover diverted here, by the name of the service they were sent to (part of counts; set by the test). */
  readonly diverted = new Map<string, { finished: number; failed: number; slow: number }>();
  /** The counts of requests diverted here from `origin`, created empty. */
  divertedFrom(origin: string): { finished: number; failed: number; slow: number } {
    let c = this.diverted.get(origin);
    if (c === undefined) this.diverted.set(origin, (c = { finished: 0, failed: 0, slow: 0 }));
    return c;
  }
  divertedTotals(origin: ServiceHandle | null, id: number): { finished: number; failed: number; slow: number } {
    const out = { finished: 0, failed: 0, slow: 0 };
    for (const [name, c] of this.diverted) {
      if (origin !== null && origin.name !== name) continue;
      out.finished += c.finished;
      out.failed += c.failed;
      if (id >= 0) out.slow += c.slow;
    }
    return out;
  }
}

/** A room at a temperature the test sets. */
export class FakeRoom implements RoomHandle {
  celsius = 22;
  constructor(readonly name: string) {}
  temperature(): number {
    return this.celsius;
  }
}

/**
 * A scenario as a test writes it: any field may be left out, as fields with a schema default
 * may be in a file (fakeWorld fills the defaults in; fields without one are the test's to give).
 */
export type ScenarioDraft = Draft<Scenario>;
type Draft<T> = T extends readonly (infer E)[] ? Draft<E>[] : T extends object ? { [K in keyof T]?: Draft<T[K]> } : T;

/** A World around a partial scenario (horizon required), with fakes registered. */
export function fakeWorld(scenario: ScenarioDraft & { horizon: number }, seed = 'ops-test', replication = 0): World {
  const sim = new Simulation();
  // What the loader would hand the models: schema defaults filled in (values are already in base units).
  const full = fillDefaults(LANGUAGE.schema, { name: 'test', ...scenario }) as Scenario;
  return {
    sim,
    scenario: full,
    streams: new RandomStreams(seed, replication),
    horizon: scenario.horizon,
    recorder: new Recorder(sim, full.interval ?? 900, scenario.horizon),
    problems: new ProblemBoard(() => sim.now),
    services: new Map(),
    rooms: new Map(),
    incidents: [],
  };
}
