/**
 * The policy space of a search: decision variables, their values in cost order, the known
 * cost of a point, and its one-step-cheaper neighbours. A point is one index per variable.
 */
import { parseFieldPath } from '../scenario/errors.js';
import { parseFraction } from '../scenario/units.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { SearchVariableSpec } from './schema.js';
import { Team, type RosterSpec } from '../models/staffing/schema.js';
import { rosteredPay, shiftOperatorSeconds } from '../models/staffing/runtime.js';
import type { RecoverySpec } from '../models/sites/schema.js';
import { MODE_DEFAULTS, standingServers } from '../models/sites/membership.js';

/** One decision variable, ready to search. */
export interface Variable {
  /** Field path the search sets. */
  path: string;
  /** Label in candidate names and reports. */
  label: string;
  /** Values in cost order (cheapest first), as written at the path. */
  values: unknown[];
  /** Known cost of each value over the horizon. */
  costs: number[];
  /** How the price was found, for the report. */
  priceNote: string;
  /** Set when the known cost leaves a part of this variable's cost to the simulation (a recovery plan's bring-up during a disaster): the search document prints `priceNote` then (`costNotes`). */
  partlyRandom?: true;
}

/** A point of the space: an index into each variable's values. */
export type Point = readonly number[];

function show(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Reads a field by path on a document (list items by index or by `name`); undefined when absent. */
export function readPath(doc: unknown, path: string | (string | number)[]): unknown {
  let cur: unknown = doc;
  for (const seg of typeof path === 'string' ? parseFieldPath(path) : path) {
    if (Array.isArray(cur)) cur = typeof seg === 'number' ? cur[seg] : cur.find((x: unknown) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === seg);
    else if (typeof cur === 'object' && cur !== null) cur = (cur as Record<string, unknown>)[String(seg)];
    else return undefined;
  }
  return cur;
}

/**
 * Operator-seconds one more operator on shift `index` adds over the measured period [warm-up,
 * horizon): the shift's own occurrences (its days, time zone, the roster's start day), less those
 * whose start day headcountByDay sets (the variable does not move them).
 */
function shiftUnitSeconds(roster: RosterSpec, index: number, from: number, to: number): number {
  const at = (headcount: number): number => {
    const shifts = roster.shifts.map((x, i) => (i === index ? { ...x, headcount } : x));
    return shiftOperatorSeconds({ ...roster, shifts }, index, from, to);
  };
  return at(1) - at(0);
}

/**
 * The default unit price of a variable: a headcount costs costPerHour × hours on duty (on call:
 * × the team's onCallPayFraction, as the staffing cost pays it); a
 * service's servers cost its costPerHour × the horizon's hours per server (every server of
 * the pool is paid, up or not); anything else 0. A network device's capacity has no default:
 * its costPerHour is per device, not per unit of capacity (give `price`).
 */
export function defaultPrice(scenario: Scenario, path: string): { price: number; note: string } {
  let segs: (string | number)[];
  try {
    segs = parseFieldPath(path);
  } catch {
    return { price: 0, note: 'no price' };
  }
  if (segs[0] === 'teams' && segs[segs.length - 1] === 'headcount') {
    const team = readPath(scenario, segs.slice(0, 2)) as { name?: string; costPerHour?: number } | undefined;
    // Loaded scenarios carry the schema's default; a team the path does not name is reported by the checks.
    const perHour = team?.costPerHour ?? (Team.properties.costPerHour.default as number);
    if (segs.length === 3) return { price: (perHour * scenario.horizon) / 3600, note: `${perHour}/h × ${scenario.horizon / 3600} h` };
    if (segs.length === 6 && segs[2] === 'roster' && segs[3] === 'shifts') {
      const roster = (team as { roster?: RosterSpec } | undefined)?.roster;
      const index = roster?.shifts.findIndex((x, i) => (typeof segs[4] === 'number' ? i === segs[4] : x.name === segs[4])) ?? -1;
      if (roster !== undefined && index >= 0) {
        const shift = roster.shifts[index]!;
        const warmup = scenario.warmup ?? 0;
        const seconds = shiftUnitSeconds(roster, index, warmup, scenario.horizon);
        const hours = seconds / 3600;
        const period = warmup > 0 ? 'in the measured period (after the warm-up)' : 'in the horizon';
        const byDay = shift.headcountByDay !== undefined && Object.keys(shift.headcountByDay).length > 0 ? ' (days headcountByDay sets are not moved by the headcount)' : '';
        // An on-call operator is paid the team's on-call share of the rate (the staffing cost's rule).
        if (shift.onCall === true) {
          const share = (team as { onCallPayFraction?: number } | undefined)?.onCallPayFraction ?? (Team.properties.onCallPayFraction.default as number);
          return { price: rosteredPay(0, seconds, perHour, share), note: `${perHour}/h × ${share} on-call share × ${hours} h on call ${period}${byDay}` };
        }
        return { price: rosteredPay(seconds, 0, perHour, 0), note: `${perHour}/h × ${hours} h on duty ${period}${byDay}` };
      }
    }
  }
  if (segs[0] === 'services' && segs.length === 3 && segs[2] === 'servers') {
    const service = readPath(scenario, segs.slice(0, 2)) as { costPerHour?: number } | undefined;
    // Loaded scenarios carry the schema's default (0); a service the path does not name is reported by the checks.
    const perHour = service?.costPerHour ?? 0;
    if (perHour > 0) return { price: (perHour * scenario.horizon) / 3600, note: `${perHour}/h per server × ${scenario.horizon / 3600} h` };
    return { price: 0, note: "no price given and the service's costPerHour is 0 (cost 0)" };
  }
  if (segs[0] === 'network' && segs[1] === 'devices' && segs.length === 4 && segs[3] === 'capacity') {
    return { price: 0, note: "no price given (cost 0); a device's costPerHour is per device, not per unit of capacity: give `price`" };
  }
  return { price: 0, note: 'no price given (cost 0)' };
}

/** What the default cost of a variable whose cost is not a price per unit says: the cost of each value, and how it was found. */
export interface DefaultCost {
  cost: (value: unknown) => number;
  note: string;
}

/** What the known cost of a recovery plan's variable leaves out (said in its note). */
const RANDOM_PART = "the bring-up's running cost during a disaster is random: it is in cost.recovery, not in this known cost";

/**
 * The default cost of a variable a recovery plan prices (docs/models.md, "Sites"): the plan's
 * `standing` share or its `mode` (which sets the standing share unless the plan gives one), or
 * the servers of a service that is a plan's standby. Per standby service of N servers, k =
 * ⌊N × standing⌋ stand and cost the plan's costPerHour each per hour of the horizon, the other
 * N − k are kept in reserve at reserveCostPerHour; a standby server's own service costPerHour
 * (every server, standing or not) comes on top, as in cost.servers. Not linear in the value
 * (the rounding down), so a cost per value, not a price. Null for any other path. Variables of
 * the same plan are priced one at a time, each at the others' values as written (`searched`:
 * the paths of the search, to say so).
 */
export function recoveryCost(scenario: Scenario, path: string, searched: readonly string[] = []): DefaultCost | null {
  let segs: (string | number)[];
  try {
    segs = parseFieldPath(path);
  } catch {
    return null;
  }
  const hours = scenario.horizon / 3600;
  const plans = (scenario.sites ?? []).filter((x) => x.recovery !== undefined).map((x) => ({ site: x.name, plan: x.recovery! }));
  const serversOf = (name: string): number => (scenario.services ?? []).find((x) => x.name === name)?.servers ?? 0;
  const standbys = (plan: RecoverySpec): string[] => [...new Set(plan.pairs.map((q) => q.standby))];
  const shareOf = (plan: RecoverySpec, mode: unknown = plan.mode): number => plan.standing ?? MODE_DEFAULTS[mode as RecoverySpec['mode']]?.standing ?? NaN;
  // Per hour: k standing at costPerHour, the rest in reserve.
  const keep = (plan: RecoverySpec, servers: number, share: number): number => {
    const k = standingServers(servers, share);
    return k * plan.costPerHour + (servers - k) * plan.reserveCostPerHour;
  };
  const unpriced = (plan: RecoverySpec): boolean => plan.costPerHour === 0 && plan.reserveCostPerHour === 0;
  const rates = (plan: RecoverySpec): string => `${plan.costPerHour}/h per standing standby server, ${plan.reserveCostPerHour}/h per one in reserve, × ${hours} h`;
  // The contract's fees are in cost.recovery but not in a variable's cost: the monthly one is the same for every value, the invocation fee random.
  const fees = (plan: RecoverySpec): string =>
    plan.feePerMonth > 0 || plan.invocationFee > 0 ? `; the contract's ${[plan.feePerMonth > 0 ? `feePerMonth (${plan.feePerMonth}, the same for every value)` : '', plan.invocationFee > 0 ? `invocationFee (${plan.invocationFee} per failover, random)` : ''].filter((x) => x !== '').join(' and ')} ${plan.feePerMonth > 0 && plan.invocationFee > 0 ? 'are' : 'is'} not in it` : '';
  const also = (paths: string[]): string => {
    const both = paths.filter((q) => q !== path && searched.includes(q));
    return both.length > 0 ? `; priced at ${both.join(', ')} as written, though the search varies ${both.length === 1 ? 'it' : 'them'} too` : '';
  };
  if (segs[0] === 'sites' && segs.length === 4 && segs[2] === 'recovery' && (segs[3] === 'standing' || segs[3] === 'mode')) {
    const site = plans.find((x) => x.site === segs[1]);
    if (site === undefined) return null;
    const { plan } = site;
    const names = standbys(plan);
    const base = `sites.${site.site}.recovery`;
    const serverPaths = names.map((n) => `services.${n}.servers`);
    if (unpriced(plan)) return { cost: () => 0, note: 'the recovery plan gives no costPerHour or reserveCostPerHour (cost 0)' };
    if (segs[3] === 'mode' && (plan.standing !== undefined || searched.includes(`${base}.standing`))) {
      // The plan's standing share does not follow its mode: the mode changes only the bring-up time.
      const fixed = names.reduce((c, n) => c + keep(plan, serversOf(n), shareOf(plan)), 0) * hours;
      return { cost: () => fixed, note: `the plan's standing share is ${plan.standing !== undefined ? 'given' : 'searched'}, so its mode changes only the bring-up time (cost the same for every mode); ${RANDOM_PART}${fees(plan)}` };
    }
    const share = segs[3] === 'mode' ? (v: unknown) => shareOf({ ...plan, standing: undefined } as RecoverySpec, v) : (v: unknown) => parseFraction(v) ?? NaN;
    return {
      cost: (v) => names.reduce((c, n) => c + keep(plan, serversOf(n), share(v)), 0) * hours,
      note: `${rates(plan)}, over ${names.map((n) => `${n}'s ${serversOf(n)}`).join(' and ')} servers${segs[3] === 'mode' ? ' (standing share by mode: hot 100 %, warm 25 %, cold 0)' : ''}; ${RANDOM_PART}${fees(plan)}${also(serverPaths)}`,
    };
  }
  if (segs[0] === 'services' && segs.length === 3 && segs[2] === 'servers') {
    const site = plans.find((x) => standbys(x.plan).includes(String(segs[1])));
    if (site === undefined || unpriced(site.plan)) return null;
    const { plan } = site;
    const own = (scenario.services ?? []).find((x) => x.name === segs[1])?.costPerHour ?? 0;
    const share = shareOf(plan);
    const base = `sites.${site.site}.recovery`;
    return {
      cost: (v) => (typeof v === 'number' ? (own * v + keep(plan, v, share)) * hours : NaN),
      note: `a standby of ${site.site}'s recovery plan: ${own > 0 ? `${own}/h per server as a service, plus ` : ''}${rates(plan)}, ${share * 100} % standing; ${RANDOM_PART}${fees(plan)}${also([`${base}.standing`, `${base}.mode`])}`,
    };
  }
  return null;
}

/** Builds the variables of a search from its spec and the compiled scenario. */
export function buildVariables(specs: readonly SearchVariableSpec[], scenario: Scenario): Variable[] {
  const searched = specs.map((s) => s.path);
  return specs.map((s) => {
    const label = s.name ?? s.path;
    // A recovery plan's variables cost by how many standby servers stand (not a price per unit).
    const recovery = s.price === undefined ? recoveryCost(scenario, s.path, searched) : null;
    if (recovery !== null) {
      const values = s.values !== undefined ? [...s.values] : rangeValues(s.range!);
      return { path: s.path, label, values, costs: values.map((v) => recovery.cost(v)), priceNote: recovery.note, ...(recovery.note.includes(RANDOM_PART) ? { partlyRandom: true as const } : {}) };
    }
    if (s.values !== undefined) {
      const price = s.price ?? 0;
      return { path: s.path, label, values: [...s.values], costs: s.values.map((v, i) => (typeof v === 'number' ? price * v : price * i)), priceNote: s.price !== undefined ? `${price} per unit` : 'list order (cost 0)' };
    }
    const values = rangeValues(s.range!);
    const given = s.price !== undefined ? { price: s.price, note: `${s.price} per unit` } : defaultPrice(scenario, s.path);
    return { path: s.path, label, values, costs: values.map((v) => given.price * v), priceNote: given.note };
  });
}

/** The values of a range, from `from` to `to` by `step` (default 1). */
function rangeValues(r: NonNullable<SearchVariableSpec['range']>): number[] {
  const values: number[] = [];
  for (let v = r.from; v <= r.to; v += r.step ?? 1) values.push(v);
  return values;
}

/** Number of points in the space. */
export function gridSize(vars: readonly Variable[]): number {
  return vars.reduce((n, v) => n * v.values.length, 1);
}

/** The overrides that set a point. */
export function overridesOf(vars: readonly Variable[], p: Point): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  vars.forEach((v, i) => (o[v.path] = v.values[p[i]!]));
  return o;
}

/** A point's name, e.g. "agents=14,servers=10". */
export function pointName(vars: readonly Variable[], p: Point): string {
  return vars.map((v, i) => `${v.label}=${show(v.values[p[i]!])}`).join(',');
}

/** The known cost of a point. */
export function costOf(vars: readonly Variable[], p: Point): number {
  return vars.reduce((c, v, i) => c + v.costs[p[i]!]!, 0);
}

/** Points one step cheaper in one variable (in variable order). */
export function cheaperNeighbours(p: Point): number[][] {
  const out: number[][] = [];
  p.forEach((x, i) => {
    if (x > 0) out.push(p.map((y, j) => (j === i ? y - 1 : y)));
  });
  return out;
}

/** Points one step dearer in one variable (in variable order). */
export function dearerNeighbours(vars: readonly Variable[], p: Point): number[][] {
  const out: number[][] = [];
  p.forEach((x, i) => {
    if (x < vars[i]!.values.length - 1) out.push(p.map((y, j) => (j === i ? y + 1 : y)));
  });
  return out;
}

/** The index of a value nearest to `v` in a numeric variable, rounding up (more capacity). */
export function indexAtLeast(vr: Variable, v: number): number {
  const i = vr.values.findIndex((x) => typeof x === 'number' && x >= v);
  return i < 0 ? vr.values.length - 1 : i;
}
