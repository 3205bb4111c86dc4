/**
 * Checks a `search:` section before anything runs and turns it into what the search needs.
 * Every problem is reported at once with its file position: a constraint naming a metric the
 * scenario does not produce, a bound missing or doubled, a variable value the scenario
 * refuses, and a budget too small for the space (with the arithmetic).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { metricCatalog, runReplication } from '../models/replication.js';
import { slaMetrics, templateMatch, type FeasibleRange, type MetricSpec, type SlaMetrics, type Unit } from '../results/metrics.js';
import { MODELS } from '../models/index.js';
import { compileRaw, scenarioJsonSchema } from '../scenario/index.js';
import { didYouMean, displayPath, inDocumentOrder, ScenarioLoadError, toPointer, type ScenarioError } from '../scenario/errors.js';
import { SectionUnavailable } from '../scenario/checks.js';
import { applyOverridesChecked } from '../scenario/overrides.js';
import { readScenarioSource } from '../scenario/source.js';
import { parseQuantity, unitHint, type UnitKind } from '../scenario/units.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { ConstraintTest } from './certify.js';
import type { SearchSpecValue } from './schema.js';
import { buildVariables, cheaperNeighbours, gridSize, overridesOf, recoveryCost, type Variable } from './space.js';
import { warmStart, type WarmStartNote } from './warm-start.js';

/** Defaults of the search settings. */
export const SEARCH_DEFAULTS = { confidence: 0.95, initialReplications: 10, batch: 5, maxReplications: 200 } as const;

/** A search ready to run. */
export interface PreparedSearch {
  spec: SearchSpecValue;
  variables: Variable[];
  tests: ConstraintTest[];
  alpha: number;
  n0: number;
  batch: number;
  maxReplications: number;
  budget: number;
  /** What the search minimises. */
  objective: SearchObjective;
  /**
   * Candidates the error is split over: every point of the space (K = G). Under common random
   * numbers the descent's path depends on data correlated with every candidate's, so only a
   * union bound over all points holds whatever path it takes (docs/search.md, "The error split").
   */
  candidatesCovered: number;
  /**
   * Error per (probe, constraint) of the descent's probes: α. Probes only steer; the answer and
   * its cheaper neighbours are decided again at β = α/(K·s) (two-level.ts).
   */
  probeBeta: number;
  start: number[];
  warmStart: WarmStartNote[];
}

/** What a search minimises: the known cost, or the known cost plus the mean of a random cost metric. */
export type SearchObjective = { kind: 'known' } | { kind: 'expected'; metric: string; delta: number; range?: FeasibleRange };

type Segs = (string | number)[];

function locator(file: string | null): (segs: Segs) => { line: number | null; column: number | null } {
  if (file === null || !existsSync(path.resolve(file))) return () => ({ line: null, column: null });
  const src = readScenarioSource(path.resolve(file), file);
  return (segs) => {
    if (!src.ok) return { line: null, column: null };
    for (let n = segs.length; n >= 0; n--) {
      const o = src.doc.origins.get(toPointer(segs.slice(0, n)));
      if (o !== undefined) return { line: o.keyLine ?? o.line, column: o.keyColumn ?? o.column };
    }
    return { line: null, column: null };
  };
}

/** The metric names a scenario produces, from a one-interval probe replication (milliseconds; metric names depend on structure only). */
export function producedMetrics(scenario: Scenario): string[] {
  const probe: Scenario = { ...scenario, horizon: Math.min(scenario.horizon, scenario.interval ?? 900), warmup: 0 };
  return Object.keys(runReplication(probe, { seed: 'probe', replication: 0 }).metrics);
}

type Report = (segs: Segs, message: string) => void;

/** A list of search problems located in `file`, each said once (the cheapest and the dearest corner refuse a misspelt path alike). */
function problemList(file: string | null): { errors: ScenarioError[]; err: Report } {
  const at = locator(file);
  const errors: ScenarioError[] = [];
  const seen = new Set<string>();
  const err: Report = (segs, message) => {
    const key = `${displayPath(segs)}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    errors.push({ file, ...at(segs), path: displayPath(segs), message });
  };
  return { errors, err };
}

/**
 * The checks of a search section that read the section alone: each variable has a range or
 * values (a range in order), each path is varied once, each constraint has the bounds its kind
 * takes and p0 ± δ inside (0, 1), `costTolerance` goes with `objective: expected`. True when the
 * variables make a well-formed space.
 */
function checkSectionShape(spec: SearchSpecValue, err: Report): boolean {
  let spaceWellFormed = true;
  spec.variables.forEach((v, i) => {
    if ((v.range === undefined) === (v.values === undefined)) {
      err(['search', 'variables', i], 'give exactly one of `range` and `values`');
      spaceWellFormed = false;
    }
    if (v.range !== undefined && v.range.from > v.range.to) {
      err(['search', 'variables', i, 'range'], `from (${v.range.from}) must be ≤ to (${v.range.to})`);
      spaceWellFormed = false;
    }
  });
  const paths = spec.variables.map((v) => v.path);
  paths.forEach((p, i) => {
    if (paths.indexOf(p) !== i) err(['search', 'variables', i, 'path'], `"${p}" is already a decision variable`);
  });
  spec.constraints.forEach((c, i) => {
    const here: Segs = ['search', 'constraints', i];
    const bounds = [c.atLeast, c.atMost].filter((b) => b !== undefined).length;
    if (c.kind === 'mean') {
      if (bounds !== 1) err(here, 'a mean constraint needs exactly one of `atLeast` and `atMost`');
      // A tolerance with a unit is converted, then checked, once the metric's unit is known (prepareSearch).
      if (typeof c.tolerance === 'number' && !(c.tolerance > 0)) err([...here, 'tolerance'], `the indifference zone must be > 0, got ${c.tolerance}`);
      return;
    }
    if ((c.sla === undefined) === (c.metric === undefined)) err(here, 'a chance constraint names exactly one of `sla` and `metric`');
    if (c.sla !== undefined && bounds > 0) err(here, 'a chance constraint on an SLA takes no `atLeast`/`atMost` (the SLA verdict is the bound)');
    if (bounds > 1) err(here, 'give at most one of `atLeast` and `atMost`');
    if (!(c.probability - c.tolerance > 0 && c.probability + c.tolerance < 1)) err([...here, 'tolerance'], `p0 ± δ = ${c.probability} ± ${c.tolerance} must lie strictly between 0 and 1`);
  });
  if (spec.objective === 'expected') {
    if (spec.costTolerance === undefined) err(['search', 'objective'], '`objective: expected` needs `costTolerance` (the selection\'s indifference zone δ, in currency)');
  } else if (spec.costTolerance !== undefined) {
    // randomCost has a schema default, so only costTolerance says the author meant a random objective.
    err(['search', 'costTolerance'], 'only used with `objective: expected` (the objective is the known cost)');
  }
  return spaceWellFormed;
}

/**
 * What every model that could declare `metric` says of it, from the model catalog's name
 * templates alone (no scenario): its unit when every template the name fits agrees on it, and
 * its range when they agree on that too and it does not depend on the horizon. Undefined when no
 * template fits, or they disagree: then the bound waits for the loaded scenario.
 */
export function catalogMetricUnit(metric: string): { unit: Unit; range?: FeasibleRange } | undefined {
  const specs = MODELS.flatMap((m) => m.metrics).filter((s) => templateMatch(s.name, metric) !== null);
  const first = specs[0];
  if (first === undefined || specs.some((s) => s.unit !== first.unit)) return undefined;
  const range = first.range;
  const sameRange = range !== undefined && range.hiAtHorizon !== true && specs.every((s) => JSON.stringify(s.range) === JSON.stringify(range));
  return { unit: first.unit, ...(sameRange ? { range } : {}) };
}

/**
 * The bounds (and a mean's tolerance) of the constraints on a metric whose unit the model
 * catalog fixes (catalogMetricUnit), checked as prepareSearch checks them once the scenario
 * loads, in the same words: the text's unit against the metric's kind ("5kW" for a time), the
 * value inside the metric's range (80 for a fraction), a tolerance above zero. For a scenario that
 * did not load; whether the metric exists in the scenario, and an SLA's verdict, wait until it loads.
 */
function checkBoundsByCatalog(spec: SearchSpecValue, err: Report): void {
  spec.constraints.forEach((c, i) => {
    const here: Segs = ['search', 'constraints', i];
    if (c.metric === undefined || (c.kind === 'chance' && c.sla !== undefined)) return;
    const known = catalogMetricUnit(c.metric);
    if (known === undefined) return;
    const bounds: ['atLeast' | 'atMost', number | string][] = [];
    if (c.atLeast !== undefined) bounds.push(['atLeast', c.atLeast]);
    if (c.atMost !== undefined) bounds.push(['atMost', c.atMost]);
    if (bounds.length !== 1) return; // checkSectionShape said it
    const [sense, value] = bounds[0]!;
    const bound = inMetricUnit(known.unit, value);
    if (typeof bound === 'string') err([...here, sense], bound);
    else {
      const problem = outsideRange({ unit: known.unit, ...(known.range !== undefined ? { range: known.range } : {}) } as MetricSpec, bound);
      if (problem !== null) err([...here, sense], problem);
    }
    if (c.kind === 'mean' && typeof c.tolerance === 'string') {
      const tolerance = inMetricUnit(known.unit, c.tolerance);
      if (typeof tolerance === 'string') err([...here, 'tolerance'], tolerance);
      else if (!(tolerance > 0)) err([...here, 'tolerance'], `the indifference zone must be > 0, got "${c.tolerance}"`);
    }
  });
}

/**
 * The checks of a scenario's `search:` section that need no runnable scenario, for `opsim
 * validate` when the scenario itself did not load (`LoadResult.partial`): the section's shape
 * (checkSectionShape) and that each variable's path exists. What needs a runnable scenario (the
 * metrics it produces, the variables' values, the budget) waits until it loads: the metric names
 * exist only as the models declare them while building the world (producedMetrics,
 * metricCatalog), from every section at once; built from the sound sections alone, a set-aside
 * section would look absent (its metrics called missing), and a scenario whose checks failed
 * may not build at all. None when the section is absent or did not validate itself; in
 * document order.
 */
export function searchSectionProblems(scenario: Scenario, file: string | null): ScenarioError[] {
  let spec: SearchSpecValue | undefined;
  try {
    spec = scenario.search;
  } catch (e) {
    if (e instanceof SectionUnavailable) return [];
    throw e;
  }
  if (spec === undefined) return [];
  const { errors, err } = problemList(file);
  checkSectionShape(spec, err);
  checkBoundsByCatalog(spec, err);
  spec.variables.forEach((v, i) => {
    let r: ReturnType<typeof applyOverridesChecked>;
    try {
      r = applyOverridesChecked(scenario, { [v.path]: null }, scenarioJsonSchema(), true);
    } catch (e) {
      // A path through a section that did not validate cannot be followed.
      if (e instanceof SectionUnavailable) return;
      throw e;
    }
    // Said as the corners' compilation says it when the scenario loads (prepareSearch).
    if (!r.ok) for (const e of r.errors) err(['search', 'variables', i], `${e.path}: ${e.message}`);
  });
  return inDocumentOrder(errors);
}

/** Validates the search section of a compiled scenario; throws ScenarioLoadError with every problem, in document order. */
export function prepareSearch(raw: unknown, file: string | null, scenario: Scenario): PreparedSearch {
  const { errors, err } = problemList(file);
  const spec = scenario.search;
  if (spec === undefined) throw new ScenarioLoadError([{ file, line: null, column: null, path: 'search', message: 'the scenario has no `search:` section (see docs/search.md)' }]);

  // Every section's checks run whatever the others found, so one `opsim validate` lists every
  // problem; only a check that needs a well-formed space (the corners, the budget) waits for it.
  const spaceWellFormed = checkSectionShape(spec, err);

  const metrics = producedMetrics(scenario);
  const known = new Set(metrics);
  const catalog = metricCatalog(scenario).metrics;
  const slaVerdicts: Map<string, SlaMetrics> = slaMetrics(catalog);
  /** Refuses a bound the metric can never cross (e.g. 80 on a 0…1 fraction); true when it is possible. */
  const boundPossible = (metric: string, value: number, segs: Segs): boolean => {
    const problem = outsideRange(catalog[metric], value);
    if (problem !== null) err(segs, problem);
    return problem === null;
  };
  /** A bound or tolerance in the metric's unit: a number as written, text with a unit converted; undefined (and said) when refused. */
  const inUnit = (metric: string, v: number | string, segs: Segs): number | undefined => {
    const r = inMetricUnit(catalog[metric]?.unit, v);
    if (typeof r === 'string') err(segs, r);
    return typeof r === 'number' ? r : undefined;
  };
  const tests: ConstraintTest[] = [];
  spec.constraints.forEach((c, i) => {
    const here: Segs = ['search', 'constraints', i];
    const bounds = [c.atLeast, c.atMost].filter((b) => b !== undefined).length;
    const metricExists = (m: string, segs: Segs, what: string): boolean => {
      if (known.has(m)) return true;
      err(segs, `${what} "${m}" does not exist in this scenario${didYouMean(m, known)}`);
      return false;
    };
    if (c.kind === 'mean') {
      if (!metricExists(c.metric, [...here, 'metric'], 'metric') || bounds !== 1) return;
      const sense = c.atLeast !== undefined ? 'atLeast' : 'atMost';
      const threshold = inUnit(c.metric, (c.atLeast ?? c.atMost)!, [...here, sense]);
      const tolerance = inUnit(c.metric, c.tolerance, [...here, 'tolerance']);
      if (tolerance !== undefined && typeof c.tolerance === 'string' && !(tolerance > 0)) err([...here, 'tolerance'], `the indifference zone must be > 0, got "${c.tolerance}"`);
      if (threshold === undefined || tolerance === undefined || !(tolerance > 0) || !boundPossible(c.metric, threshold, [...here, sense])) return;
      tests.push({ kind: 'mean', name: c.name ?? c.metric, metric: c.metric, sense, threshold, tolerance, ...(catalog[c.metric]?.range !== undefined ? { range: catalog[c.metric]!.range! } : {}) });
      return;
    }
    // An SLA's verdict is the metric its spec declares in the `met` role, not a name built from the SLA's.
    if (c.sla !== undefined && metrics.length > 0 && slaVerdicts.get(c.sla)?.met === undefined) {
      err([...here, 'sla'], `SLA "${c.sla}" has no verdict in this scenario${didYouMean(c.sla, new Set(slaVerdicts.keys()))}`);
      return;
    }
    const metric = c.sla !== undefined ? slaVerdicts.get(c.sla)?.met : c.metric;
    if (metric === undefined || !metricExists(metric, [...here, c.sla !== undefined ? 'sla' : 'metric'], c.sla !== undefined ? 'SLA verdict' : 'metric')) return;
    let verdict = metric;
    if (bounds === 1) {
      const sense = c.atLeast !== undefined ? 'atLeast' : 'atMost';
      const bound = inUnit(metric, (c.atLeast ?? c.atMost)!, [...here, sense]);
      if (bound === undefined || !boundPossible(metric, bound, [...here, sense])) return;
      // A bound turns a metric into a 0/1 verdict per period; the verdict is computed in the search (see run.ts).
      verdict = sense === 'atLeast' ? verdictMetric(metric, bound, undefined) : verdictMetric(metric, undefined, bound);
    }
    tests.push({ kind: 'chance', name: c.name ?? c.sla ?? metric, metric: verdict, probability: c.probability, tolerance: c.tolerance });
  });

  let objective: SearchObjective = { kind: 'known' };
  if (spec.objective === 'expected') {
    const metric = spec.randomCost ?? 'cost.penalties';
    if (!known.has(metric)) err(['search', spec.randomCost !== undefined ? 'randomCost' : 'objective'], `random cost metric "${metric}" does not exist in this scenario${didYouMean(metric, known)}${spec.randomCost === undefined ? ' (give `randomCost`, or add SLAs with penalties)' : ''}`);
    objective = { kind: 'expected', metric, delta: spec.costTolerance ?? 1, ...(catalog[metric]?.range !== undefined ? { range: catalog[metric]!.range! } : {}) };
  }

  const variables = spaceWellFormed ? buildVariables(spec.variables, scenario) : [];
  // cost.recovery holds the standing and reserve standby servers' cost that a recovery plan's
  // variable already carries as known cost: counting it again would favour the cheaper plan twice.
  if (objective.kind === 'expected' && objective.metric === 'cost.recovery') {
    spec.variables.forEach((v, i) => {
      if (v.price === undefined && recoveryCost(scenario, v.path, spec.variables.map((x) => x.path)) !== null) {
        err(['search', 'variables', i], `${v.path}'s known cost is the recovery plan's standing and reserve standby servers, which randomCost "cost.recovery" counts too: give this variable \`price: 0\` to count the plan once, in the expected cost, or take another randomCost`);
      }
    });
  }
  // Every value must be one the scenario accepts: compile the cheapest and the dearest corner.
  const cornerErrors = errors.length;
  if (variables.length > 0) {
    for (const corner of [variables.map(() => 0), variables.map((v) => v.values.length - 1)]) {
      const r = compileRaw(raw, { file: file ?? undefined, overrides: overridesOf(variables, corner) });
      if (!r.ok) for (const e of r.errors) {
        const i = spec.variables.findIndex((v) => e.path === v.path || e.message.includes(v.path));
        err(i >= 0 ? ['search', 'variables', i] : ['search', 'variables'], `${e.path}: ${e.message}`);
      }
    }
  }
  // The budget check needs the space's points and the warm start (which reads the variables'
  // paths): it waits for a space whose every corner compiles, and joins the other problems.
  if (errors.length > 0 && (variables.length === 0 || errors.length > cornerErrors)) throw new ScenarioLoadError(inDocumentOrder(errors));

  const alpha = 1 - (spec.confidence ?? SEARCH_DEFAULTS.confidence);
  const n0 = spec.initialReplications ?? SEARCH_DEFAULTS.initialReplications;
  const batch = spec.batch ?? SEARCH_DEFAULTS.batch;
  const maxReplications = Math.max(n0, spec.maxReplications ?? SEARCH_DEFAULTS.maxReplications);
  const { point: start, notes } = warmStart(variables, scenario, tests);
  const grid = gridSize(variables);
  const firstRound = 1 + cheaperNeighbours(start).length;
  if (spec.budget < firstRound * n0) {
    err(['search', 'budget'], `${spec.budget} replications cannot certify even the first candidate: it and its ${firstRound - 1} one-step-cheaper neighbour(s) need ${firstRound} × n0 (${n0}) = ${firstRound * n0} replications at least; the space has ${variables.length > 1 ? `${variables.map((v) => v.values.length).join(' × ')} = ` : ''}${grid} points (an exhaustive grid needs ${grid} × ${n0} = ${grid * n0} at least). Raise search.budget to ${firstRound * n0} or more, or lower initialReplications`);
  }
  if (errors.length > 0) throw new ScenarioLoadError(inDocumentOrder(errors));
  return { spec, variables, tests, alpha, n0, batch, maxReplications, budget: spec.budget, objective, candidatesCovered: grid, probeBeta: alpha, start, warmStart: notes };
}

/**
 * Why a constraint's bound lies outside what its metric can take (its MetricSpec `range`), or
 * null when it lies inside. A fraction bound written as a percentage gets the fraction to write.
 */
export function outsideRange(spec: MetricSpec | undefined, value: number): string | null {
  const r = spec?.range;
  if (r === undefined || ((r.lo === undefined || value >= r.lo) && (r.hi === undefined || value <= r.hi))) return null;
  const range = r.hi === undefined ? `≥ ${r.lo}` : r.lo === undefined ? `≤ ${r.hi}` : `between ${r.lo} and ${r.hi}`;
  if (spec!.unit === 'fraction' && r.lo === 0 && r.hi === 1) {
    const hint = value > 1 && value <= 100 ? `: write ${Number((value / 100).toPrecision(12))} for ${value} %` : '';
    return `${value} is outside what this metric can take: expected a fraction ${range}${hint}`;
  }
  return `${value} is outside what this metric can take: expected a value ${range} (in ${spec!.unit.replace('_', ' ')})`;
}

/** How a metric unit is written with units: the quantity kind the scenario language parses, the base units per metric unit, the words for the message. */
const UNIT_TEXT: Partial<Record<Unit, { kind: UnitKind; per: number; expected: string }>> = {
  seconds: { kind: 'duration', per: 1, expected: 'a duration like "5m" or "90s", or a plain number of seconds' },
  clock_seconds: { kind: 'duration', per: 1, expected: 'a time like "8h" or "8h30m", or a plain number of seconds' },
  minutes: { kind: 'duration', per: 60, expected: 'a duration like "2h" or "90s", or a plain number of minutes' },
  hours: { kind: 'duration', per: 3600, expected: 'a duration like "1d" or "90m", or a plain number of hours' },
  fraction: { kind: 'fraction', per: 1, expected: 'a fraction like 0.8 or a percentage like "80%"' },
  per_second: { kind: 'rate', per: 1, expected: 'a rate like "300/h" or "5/s", or a plain number per second' },
  watts: { kind: 'power', per: 1, expected: 'a power like "5kW" or "400W", or a plain number of watts' },
  kilowatts: { kind: 'power', per: 1e3, expected: 'a power like "5kW" or "400W", or a plain number of kilowatts' },
  kWh: { kind: 'energy', per: 3.6e6, expected: 'an energy like "12kWh" or "3MJ", or a plain number of kWh' },
  celsius: { kind: 'temperature', per: 1, expected: 'a temperature like "27C", or a plain number of degrees Celsius' },
};

/**
 * A constraint's bound or tolerance in its metric's unit: a number is taken as written (already
 * in that unit); text is read with the scenario language's unit parser for the metric's kind
 * ("5m" for a metric in seconds is 300, in minutes 5; "80%" for a fraction is 0.8) and
 * converted. A string when refused: what was expected, with the unit's trap when there is one.
 */
export function inMetricUnit(unit: Unit | string | undefined, v: number | string): number | string {
  if (typeof v === 'number') return v;
  const plain = /^\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$/.test(v) ? Number(v) : undefined;
  if (plain !== undefined) return plain;
  const text = unit === undefined ? undefined : UNIT_TEXT[unit as Unit];
  const parsed = text === undefined ? undefined : parseQuantity(text.kind, v);
  if (text !== undefined && parsed !== undefined) return Number((parsed / text.per).toPrecision(15));
  const hint = text === undefined ? undefined : unitHint(text.kind, v);
  const expected = text?.expected ?? `a plain number${unit === undefined ? '' : ` (in ${unit.replace('_', ' ')}: this metric takes no unit)`}`;
  return `expected ${expected}, got ${JSON.stringify(v)}${hint !== undefined ? ` (${hint})` : ''}`;
}

/** The name of the 0/1 verdict "metric within bound" computed from a metric (see run.ts `withVerdicts`). */
export function verdictMetric(metric: string, atLeast: number | undefined, atMost: number | undefined): string {
  return atLeast !== undefined ? `${metric}>=${atLeast}` : `${metric}<=${atMost}`;
}
