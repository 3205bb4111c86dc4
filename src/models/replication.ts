/**
 * One replication: builds the world from a compiled scenario, lets every model register
 * itself, runs the clock to the horizon and returns the compact record. This is the only
 * entry point the experiment runner and the workers call.
 */
import { EventLimitError, RandomStreams, Simulation } from '../engine/index.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { ReplicationRecord } from '../results/format.js';
import type { ColumnCatalog, MetricCatalog, MetricSpec } from '../results/metrics.js';
import { Recorder } from './kernel/recorder.js';
import { DEFAULT_MAX_EVENTS } from './kernel/budget.js';

export { DEFAULT_MAX_EVENTS };
import { ProblemBoard } from './kernel/problems.js';
import type { World } from './kernel/world.js';
import { buildModels, type AnyModelPlugin } from './kernel/plugin.js';
import { MODELS } from './index.js';

/** Options of one replication. */
export interface ReplicationOptions {
  /** Master seed of the run. */
  seed: string;
  /** Replication index (0-based); with the seed it fixes every random stream. */
  replication: number;
  /** Variant name recorded in the result (default "base"). */
  variant?: string;
  /**
   * The models to build, in order (default: the catalog, MODELS). For tests and for trying a
   * new model before it is added to src/models/index.ts; check the list with catalogProblems.
   */
  models?: readonly AnyModelPlugin[];
  /**
   * Keep what this replication's world says its metrics and columns mean (read once every
   * model is built, before anything runs) when the world is the one metricCatalog would build
   * (the scenario's own seed, replication 0, the catalog's models): metricCatalog of the same
   * scenario object then reads it instead of building a world again. For a run that asks for
   * the catalog in the same thread afterwards (a one-replication `opsim run`: about 2 ms).
   */
  keepCatalog?: boolean;
}

type Catalog = { metrics: MetricCatalog; columns: ColumnCatalog };

/** Catalogs built by metricCatalog or kept by replications (keepCatalog), by the scenario object they were built from. */
const keptCatalogs = new WeakMap<Scenario, Catalog>();

/** The seed metricCatalog builds a scenario's world with. */
const catalogSeed = (scenario: Scenario): string => String(scenario.seed ?? 1);

const DEFAULT_INTERVAL = 900;

/** Builds every model of one replication into a fresh world (nothing has run yet). */
function buildWorld(scenario: Scenario, options: ReplicationOptions): World {
  const sim = new Simulation({ initialCapacity: 4096 });
  const horizon = scenario.horizon;
  const warmup = scenario.warmup ?? 0;
  if (!(warmup < horizon)) throw new RangeError(`warmup (${warmup} s) must be shorter than the horizon (${horizon} s)`);
  const recorder = new Recorder(sim, scenario.interval ?? DEFAULT_INTERVAL, horizon, warmup);
  const world: World = {
    sim,
    scenario,
    streams: new RandomStreams(options.seed, options.replication),
    horizon,
    recorder,
    problems: new ProblemBoard(() => sim.now),
    services: new Map(),
    rooms: new Map(),
    incidents: [],
  };
  buildModels(world, options.models ?? MODELS);
  return world;
}

/**
/**
 * One metric's spec over two variants' catalogs: the same declaration, but resolved per variant.
 * A range up to the horizon (`hiAtHorizon`) keeps the larger bound, which holds for every
 * variant (applyMetricSpecs cuts each variant's intervals at its own horizon); a range from the
 * warm-up (`loAtWarmup`, resolved by each recorder to its own warm-up) keeps the earlier start,
 * which holds for every variant too.
 */
function mergedSpec(prev: MetricSpec | undefined, next: MetricSpec): MetricSpec {
  if (prev === undefined) return next;
  const a = prev.range;
  let out = next;
  if (a?.hiAtHorizon === true && out.range?.hiAtHorizon === true && (a.hi ?? Infinity) > (out.range.hi ?? Infinity)) out = { ...out, range: { ...out.range, hi: a.hi! } };
  if (a?.lo !== undefined && out.range?.lo !== undefined && a.lo < out.range.lo) out = { ...out, range: { ...out.range, lo: a.lo } };
  return out;
}

/**
 * What every metric and series column of compiled scenarios (e.g. an experiment's variants)
 * means, by concrete name, known without running them: the models are built for one
 * replication and the recorder's registrations read back (models register every metric and
 * column at build time). Several scenarios give the union, metrics sorted by name; a range up
 * to the horizon is the longest variant's (see widerSpec).
 */
export function metricCatalog(...scenarios: Scenario[]): { metrics: MetricCatalog; columns: ColumnCatalog } {
  const metrics: MetricCatalog = {};
  const columns: ColumnCatalog = {};
  for (const scenario of scenarios) {
    // Built once per scenario object (or kept by its replication), whoever asks next.
    let c = keptCatalogs.get(scenario);
    if (c === undefined) keptCatalogs.set(scenario, (c = buildWorld(scenario, { seed: catalogSeed(scenario), replication: 0 }).recorder.catalog()));
    for (const [name, spec] of Object.entries(c.metrics)) metrics[name] = mergedSpec(metrics[name], spec);
    Object.assign(columns, c.columns);
  }
  const sorted: MetricCatalog = {};
  for (const name of Object.keys(metrics).sort()) sorted[name] = metrics[name]!;
  return { metrics: sorted, columns };
}

/** Runs one replication of a compiled scenario and returns its record. */
export function runReplication(scenario: Scenario, options: ReplicationOptions): ReplicationRecord {
  const world = buildWorld(scenario, options);
  if (options.keepCatalog === true && options.replication === 0 && options.seed === catalogSeed(scenario) && (options.models ?? MODELS) === MODELS) keptCatalogs.set(scenario, world.recorder.catalog());
  const { sim, recorder, horizon } = world;
  const warmup = scenario.warmup ?? 0;
  recorder.start();
  const maxEvents = scenario.maxEvents ?? DEFAULT_MAX_EVENTS;
  try {
    if (warmup > 0) {
      sim.run({ until: warmup, maxEvents });
      sim.resetStatistics();
      recorder.resetSeries();
    }
    sim.run({ until: horizon, maxEvents });
  } catch (err) {
    if (!(err instanceof EventLimitError)) throw err;
    throw new Error(
      `${err.message} of the ${horizon} s horizon (maxEvents ${maxEvents.toLocaleString('en')}): check the scenario's rates and their units, or raise maxEvents`,
    );
  }
  const { metrics, series } = recorder.finish();
  return {
    variant: options.variant ?? 'base',
    replication: options.replication,
    seed: options.seed,
    metrics,
    series,
    incidents: world.incidents,
    events: sim.eventsExecuted,
  };
}
