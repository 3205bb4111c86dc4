/**
 * The model plug-in interface. A domain model is one folder (src/models/<model>/) whose
 * index.ts exports a `ModelPlugin`: the scenario fields it owns, the ports it needs from
 * earlier models and gives to later ones, its semantic checks, its builder and what it
 * measures. The catalog (src/models/index.ts) is the only list of plug-ins: it composes the
 * checks of the scenario language, the build order and the metric documentation, and checks
 * that every port a model needs is given by an earlier one (Fastify's dependency check,
 * OpenDC's typed provisioning registry).
 *
 * Models reach each other only through ports, never through a model's internals or hidden
 * per-world tables.
 */
import type { TProperties } from '@sinclair/typebox';
import { SLA_LABEL, templateLabels, type ColumnSpec, type MetricSpec } from '../../results/metrics.js';
import type { ScenarioCheck } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { FileResolver } from '../../scenario/files.js';
import type { World } from './world.js';

/**
 * Capabilities models offer each other, by port name. Each model adds the ports it gives by
 * declaration merging in its own ports.ts:
 *   declare module '../kernel/plugin.js' { interface Ports { teams: TeamsPort } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Ports {}

/** A port name. */
export type PortName = keyof Ports;

/**
 * The static type of each model's schema fragment, by model name. Each model with scenario
 * fields adds its own by declaration merging in its schema.ts, so the scenario's static type
 * is known without evaluating the catalog (whose plug-ins' checks and builders are typed by
 * that very scenario type):
 *   declare module '../kernel/plugin.js' { interface ScenarioFragments { cooling: typeof RoomsFields } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ScenarioFragments {}

/** A union of objects as one object with all their fields. */
type Merged<U> = (U extends unknown ? (u: U) => void : never) extends (m: infer M) => void ? M : never;

/** The scenario fields of every model (the union of their fragments); the catalog composes the schema. */
export type ModelFields = Merged<ScenarioFragments[keyof ScenarioFragments]>;

/** The fragment a model named `Name` must declare: its registered one, or none. */
export type FragmentOf<Name extends string> = Name extends keyof ScenarioFragments ? ScenarioFragments[Name] : Record<string, never>;

/** What every model declares besides its ports. */
export interface ModelInfo {
  /** Unique; also the owner of its stream-name and metric prefixes. */
  readonly name: string;
  /** One line on what it models (and when its metrics appear), for the docs. */
  readonly about: string;
  /**
   * Its schema fragment: the top-level scenario fields it owns, as TypeBox schemas with doc
   * lines and JSON-Schema `default`s (the one source of defaults). The catalog composes the
   * scenario schema from the fragments of every model; `{}` for a model without fields. Its
   * static type is the one registered in `ScenarioFragments` under the model's name.
   */
  readonly schema: TProperties;
  /** Top-level scenario fields it owns (its schema fragment's keys, filled in by defineModel). */
  readonly fields: readonly string[];
  /** Cross-references and sanity checks, located at line:column by `opsim validate` and the loaders. */
  readonly check?: ScenarioCheck;
  /**
   * Reads the files its fields name when the scenario is loaded (after the checks pass), through
   * the toolkit's confined reader, and writes what they stand for into the scenario and the raw
   * document (e.g. the load model's `traceFile` → `trace`). Models never read files when built.
   */
  readonly resolveFiles?: FileResolver;
  /** What it measures. */
  readonly metrics: readonly MetricSpec[];
  /** Its series columns. */
  readonly columns: readonly ColumnSpec[];
}

/** One domain model, typed by the ports it needs and gives and by its compiled config. */
export interface ModelPlugin<Needs extends PortName = PortName, Gives extends PortName = PortName, Config = undefined> extends ModelInfo {
  /** Ports it uses; each must be given by an earlier model in the catalog. */
  readonly needs: readonly Needs[];
  /** Ports its build returns. */
  readonly gives: readonly Gives[];
  /**
   * Pure: the loaded scenario (schema defaults filled in, units converted, checks passed) →
   * the config its build needs: names resolved, derived defaults worked out, in base units.
   * Runs once per compiled scenario in a process (see `compiledConfig`), never per
   * replication; its result is plain data (structured-cloneable) that every replication of
   * the scenario shares and none changes. Optional: a model without it gets `undefined` and
   * reads `world.scenario` in its build.
   */
  compile?(scenario: Scenario): Config;
  /** Builds one replication's runtime from its compiled config; it may use only the ports it declared it needs. */
  build(world: World, ports: Pick<Ports, Needs>, config: Config): Pick<Ports, Gives>;
}

/** Any plug-in, whatever its ports and config (what the catalog holds). */
export interface AnyModelPlugin extends ModelInfo {
  readonly needs: readonly PortName[];
  readonly gives: readonly PortName[];
  compile?(scenario: Scenario): unknown;
  build(world: World, ports: Ports, config: unknown): Partial<Ports>;
}

/** What a model's index.ts writes: the plug-in without `fields` (they are its schema's keys), its schema the registered fragment. */
export type ModelDeclaration<Name extends string, Needs extends PortName, Gives extends PortName, Config> = Omit<ModelPlugin<Needs, Gives, Config>, 'fields' | 'name' | 'schema'> & {
  readonly name: Name;
  readonly schema: FragmentOf<Name>;
};

/**
 * Declares a model: infers its name, ports and config from `name`, `needs`, `gives` and
 * `compile` (write no type arguments), checks that `schema` is the fragment registered under
 * its name in `ScenarioFragments`, type-checks its ports and config against its builder and
 * fills in `fields`.
 */
export function defineModel<const Name extends string, const Needs extends PortName = never, const Gives extends PortName = never, Config = undefined>(
  plugin: ModelDeclaration<Name, Needs, Gives, Config>,
): ModelPlugin<Needs, Gives, Config> {
  return { ...plugin, fields: Object.keys(plugin.schema) };
}

/** Compiled configs by scenario object, then by model: compile() runs once per (scenario, model) in a process. */
const compiled = new WeakMap<Scenario, Map<AnyModelPlugin, unknown>>();

/**
 * A model's compiled config of a scenario (undefined for a model without `compile`), computed
 * on first use and kept with the scenario object: the main thread compiles when it builds the
 * metric catalog, before any worker runs; a worker compiles once per scenario it receives, and
 * its replications share the result. A compiled scenario is never changed after loading, so
 * the scenario object is the key.
 */
export function compiledConfig(scenario: Scenario, model: AnyModelPlugin): unknown {
  if (model.compile === undefined) return undefined;
  let byModel = compiled.get(scenario);
  if (byModel === undefined) {
    byModel = new Map();
    compiled.set(scenario, byModel);
  }
  if (!byModel.has(model)) byModel.set(model, model.compile(scenario));
  return byModel.get(model);
}

/**
 * Checks a catalog: unique names and fields, every port needed is given by an earlier
 * model, exactly once, and every metric with an SLA role has the label naming its SLA. Returns the problems (empty when the catalog is sound).
 */
export function catalogProblems(models: readonly AnyModelPlugin[]): string[] {
  const problems: string[] = [];
  const given = new Map<string, string>();
  const names = new Set<string>();
  const fields = new Map<string, string>();
  for (const m of models) {
    if (names.has(m.name)) problems.push(`model "${m.name}" is listed twice`);
    names.add(m.name);
    for (const f of m.fields) {
      const owner = fields.get(f);
      if (owner !== undefined) problems.push(`scenario field "${f}" is owned by both "${owner}" and "${m.name}"`);
      fields.set(f, m.name);
    }
    // A metric's SLA role names its SLA through the template's <sla> label; without it the role would name none.
    for (const s of m.metrics) if (s.sla !== undefined && !templateLabels(s.name).includes(SLA_LABEL)) problems.push(`metric "${s.name}" of "${m.name}" has the SLA role "${s.sla}" but no <${SLA_LABEL}> label`);
    for (const n of m.needs) if (!given.has(n)) problems.push(`model "${m.name}" needs port "${n}", which no earlier model gives`);
    for (const g of m.gives) {
      const by = given.get(g);
      if (by !== undefined) problems.push(`port "${g}" is given by both "${by}" and "${m.name}"`);
      given.set(g, m.name);
    }
  }
  return problems;
}

/** Builds the models in order into `world`, handing each the ports given so far; returns every port. */
export function buildModels(world: World, models: readonly AnyModelPlugin[]): Partial<Ports> {
  const ports: Partial<Ports> = {};
  for (const m of models) {
    // The catalog has checked that every needed port was given by an earlier model.
    Object.assign(ports, m.build(world, ports as Ports, compiledConfig(world.scenario, m)));
  }
  return ports;
}
