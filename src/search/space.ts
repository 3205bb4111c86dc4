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
  /**
   * Set on a variable whose cost depends on other variables' values (a recovery plan's standing
   * share, mode and standby servers): the known cost of a point charges the group `key` once, by
   * `cost` at the point's values of every variable (path → value), not by `costs`, which are
   * this variable's costs at the others' values as written.
   */
  joint?: { key: string; cost: (values: ReadonlyMap<string, unknown>) => number };
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

/** Hours of the measured period [warm-up, horizon): what the cost metrics of a replication charge for. */
function measuredHours(scenario: Scenario): number {
  return (scenario.horizon - (scenario.warmup ?? 0)) / 3600;
}

/** How a price says its period: the horizon, or the measured period when there is a warm-up. */
function periodWords(scenario: Scenario): string {
  return (scenario.warmup ?? 0) > 0 ? 'in the measured period (after the warm-up)' : 'in the horizon';
}

/** "N h", and where they are when there is a warm-up (the note of a price over the measured period). */
function hoursWords(scenario: Scenario): string {
  return (scenario.warmup ?? 0) > 0 ? `${measuredHours(scenario)} h ${periodWords(scenario)}` : `${measuredHours(scenario)} h`;
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
 * service's servers cost its costPerHour × hours per server (every server of the pool is paid,
 * up or not); anything else 0. A network device's capacity has no default: its costPerHour is
 * per device, not per unit of capacity (give `price`). Every price is over the measured period
 * [warm-up, horizon), the period the cost metrics of a replication charge (they restart at the
 * end of the warm-up), so a known cost never weighs one kind of variable on another basis.
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
    if (segs.length === 3) return { price: perHour * measuredHours(scenario), note: `${perHour}/h × ${hoursWords(scenario)}` };
    if (segs.length === 6 && segs[2] === 'roster' && segs[3] === 'shifts') {
      const roster = (team as { roster?: RosterSpec } | undefined)?.roster;
      const index = roster?.shifts.findIndex((x, i) => (typeof segs[4] === 'number' ? i === segs[4] : x.name === segs[4])) ?? -1;
      if (roster !== undefined && index >= 0) {
        const shift = roster.shifts[index]!;
        const warmup = scenario.warmup ?? 0;
        const seconds = shiftUnitSeconds(roster, index, warmup, scenario.horizon);
        const hours = seconds / 3600;
        const period = periodWords(scenario);
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
    if (perHour > 0) return { price: perHour * measuredHours(scenario), note: `${perHour}/h per server × ${hoursWords(scenario)}` };
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
  /** The site whose priced recovery plan this variable's cost belongs to (its variables are priced together). */
  plan?: string;
}

/** What the known cost of a recovery plan's variable leaves out (said in its note). */
const RANDOM_PART = "the bring-up's running cost during a disaster is random: it is in cost.recovery, not in this known cost";

/** The sites' recovery plans. */
function recoveryPlans(scenario: Scenario): { site: string; plan: RecoverySpec }[] {
  return (scenario.sites ?? []).filter((x) => x.recovery !== undefined).map((x) => ({ site: x.name, plan: x.recovery! }));
}

/** A service's servers as the scenario writes them (0 when it names no such service). */
function serversAsWritten(scenario: Scenario, name: string): number {
  return (scenario.services ?? []).find((x) => x.name === name)?.servers ?? 0;
}

/** The services a plan keeps standby servers of. */
function standbys(plan: RecoverySpec): string[] {
  return [...new Set(plan.pairs.map((q) => q.standby))];
}

/** A plan's standing share: its own, else its mode's (cold 0, warm 25 %, hot 100 %). */
function shareOf(plan: RecoverySpec, mode: unknown = plan.mode): number {
  return plan.standing ?? MODE_DEFAULTS[mode as RecoverySpec['mode']]?.standing ?? NaN;
}

/** What a plan's standby servers cost per hour: k = ⌊servers × share⌋ standing at costPerHour, the rest in reserve. */
function keep(plan: RecoverySpec, servers: number, share: number): number {
  const k = standingServers(servers, share);
  return k * plan.costPerHour + (servers - k) * plan.reserveCostPerHour;
}

function unpriced(plan: RecoverySpec): boolean {
  return plan.costPerHour === 0 && plan.reserveCostPerHour === 0;
}

/** A field path written one way (`a.b.c`), so paths written differently compare equal. */
function canonicalPath(path: string): string {
  try {
    return parseFieldPath(path).join('.');
  } catch {
    return path;
  }
}

/**
 * The known cost of the recovery plan of `site` at a candidate's values (path → value of every
 * searched variable; a field the search does not vary is as written): per standby service of N
 * servers, ⌊N × share⌋ standing at the plan's costPerHour and the rest at its reserveCostPerHour,
 * with the share the candidate's `standing`, else the plan's own, else its mode's (the
 * candidate's mode, else the plan's); plus, for the standby services in `own` (whose servers
 * variable this cost prices), their own costPerHour per server. Over the measured period: what
 * cost.recovery (and cost.servers for `own`) charges for that combination without a disaster.
 */
export function planCost(scenario: Scenario, site: string, own: ReadonlySet<string>): (values: ReadonlyMap<string, unknown>) => number {
  const plan = recoveryPlans(scenario).find((x) => x.site === site)!.plan;
  const hours = measuredHours(scenario);
  const base = `sites.${site}.recovery`;
  return (values) => {
    const standing = values.has(`${base}.standing`) ? (parseFraction(values.get(`${base}.standing`)) ?? NaN) : plan.standing;
    const share = standing ?? shareOf({ ...plan, standing: undefined } as RecoverySpec, values.has(`${base}.mode`) ? values.get(`${base}.mode`) : plan.mode);
    let c = 0;
    for (const n of standbys(plan)) {
      const key = `services.${n}.servers`;
      const servers = values.has(key) ? values.get(key) : serversAsWritten(scenario, n);
      if (typeof servers !== 'number') return NaN;
      const ownPerHour = own.has(n) ? ((scenario.services ?? []).find((x) => x.name === n)?.costPerHour ?? 0) : 0;
      c += ownPerHour * servers + keep(plan, servers, share);
    }
    return c * hours;
  };
}

/**
 * The default cost of a variable a recovery plan prices (docs/models.md, "Sites"): the plan's
 * `standing` share or its `mode` (which sets the standing share unless the plan gives one), or
 * the servers of a service that is a plan's standby. Per standby service of N servers, k =
 * ⌊N × standing⌋ stand and cost the plan's costPerHour each per hour of the horizon, the other
 * N − k are kept in reserve at reserveCostPerHour; a standby server's own service costPerHour
 * (every server, standing or not) comes on top, as in cost.servers. Not linear in the value
 * (the rounding down), so a cost per value, not a price. Null for any other path. This is the
 * variable's cost at the others' values as written; a candidate's known cost prices all the
 * plan's variables together (`planCost`; `searched`: the paths of the search, to say so).
 */
export function recoveryCost(scenario: Scenario, path: string, searched: readonly string[] = []): DefaultCost | null {
  let segs: (string | number)[];
  try {
    segs = parseFieldPath(path);
  } catch {
    return null;
  }
  const hours = measuredHours(scenario);
  const plans = recoveryPlans(scenario);
  const serversOf = (name: string): number => serversAsWritten(scenario, name);
  const rates = (plan: RecoverySpec): string => `${plan.costPerHour}/h per standing standby server, ${plan.reserveCostPerHour}/h per one in reserve, × ${hoursWords(scenario)}`;
  // The contract's fees are in cost.recovery but not in a variable's cost: the monthly one is the same for every value, the invocation fee random.
  const fees = (plan: RecoverySpec): string =>
    plan.feePerMonth > 0 || plan.invocationFee > 0 ? `; the contract's ${[plan.feePerMonth > 0 ? `feePerMonth (${plan.feePerMonth}, the same for every value)` : '', plan.invocationFee > 0 ? `invocationFee (${plan.invocationFee} per failover, random)` : ''].filter((x) => x !== '').join(' and ')} ${plan.feePerMonth > 0 && plan.invocationFee > 0 ? 'are' : 'is'} not in it` : '';
  const also = (paths: string[]): string => {
    const both = paths.filter((q) => q !== path && searched.includes(q));
    return both.length > 0 ? `; a candidate's known cost prices it together with ${both.join(', ')}, at the candidate's values` : '';
  };
  if (segs[0] === 'sites' && segs.length === 4 && segs[2] === 'recovery' && (segs[3] === 'standing' || segs[3] === 'mode')) {
    const site = plans.find((x) => x.site === segs[1]);
    if (site === undefined) return null;
    const { plan } = site;
    const names = standbys(plan);
    const base = `sites.${site.site}.recovery`;
    const serverPaths = names.map((n) => `services.${n}.servers`);
    if (unpriced(plan)) return { cost: () => 0, note: 'the recovery plan gives no costPerHour or reserveCostPerHour (cost 0)' };
    const together = also([...serverPaths, `${base}.standing`, `${base}.mode`]);
    if (segs[3] === 'mode' && (plan.standing !== undefined || searched.includes(`${base}.standing`))) {
      // The plan's standing share does not follow its mode: the mode changes only the bring-up time.
      const fixed = names.reduce((c, n) => c + keep(plan, serversOf(n), shareOf(plan)), 0) * hours;
      return { cost: () => fixed, plan: site.site, note: `the plan's standing share is ${plan.standing !== undefined ? 'given' : 'searched'}, so its mode changes only the bring-up time (cost the same for every mode); ${RANDOM_PART}${fees(plan)}${together}` };
    }
    const share = segs[3] === 'mode' ? (v: unknown) => shareOf({ ...plan, standing: undefined } as RecoverySpec, v) : (v: unknown) => parseFraction(v) ?? NaN;
    return {
      cost: (v) => names.reduce((c, n) => c + keep(plan, serversOf(n), share(v)), 0) * hours,
      plan: site.site,
      note: `${rates(plan)}, over ${names.map((n) => `${n}'s ${serversOf(n)}`).join(' and ')} servers${segs[3] === 'mode' ? ' (standing share by mode: hot 100 %, warm 25 %, cold 0)' : ''}; ${RANDOM_PART}${fees(plan)}${together}`,
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
      plan: site.site,
      note: `a standby of ${site.site}'s recovery plan: ${own > 0 ? `${own}/h per server as a service, plus ` : ''}${rates(plan)}, ${share * 100} % standing; ${RANDOM_PART}${fees(plan)}${also([`${base}.standing`, `${base}.mode`, ...standbys(plan).map((n) => `services.${n}.servers`)])}`,
    };
  }
  return null;
}

/** Builds the variables of a search from its spec and the compiled scenario. */
export function buildVariables(specs: readonly SearchVariableSpec[], scenario: Scenario): Variable[] {
  const searched = specs.map((s) => s.path);
  // A recovery plan's variables cost by how many standby servers stand (not a price per unit), which
  // depends on the plan's share and its standbys' servers together: priced jointly, per plan.
  const recoveries = specs.map((s) => (s.price === undefined ? recoveryCost(scenario, s.path, searched) : null));
  const joints = new Map<string, (values: ReadonlyMap<string, unknown>) => number>();
  for (const site of new Set(recoveries.map((r) => r?.plan).filter((x): x is string => x !== undefined))) {
    // The standby services whose servers variable this plan prices (their own costPerHour is then in its cost).
    const own = new Set(specs.flatMap((s, i) => (recoveries[i]?.plan === site && canonicalPath(s.path).startsWith('services.') ? [String(parseFieldPath(s.path)[1])] : [])));
    joints.set(site, planCost(scenario, site, own));
  }
  return specs.map((s, i) => {
    const label = s.name ?? s.path;
    const recovery = recoveries[i]!;
    if (recovery !== null) {
      const values = s.values !== undefined ? [...s.values] : rangeValues(s.range!);
      const joint = recovery.plan !== undefined ? { joint: { key: `recovery:${recovery.plan}`, cost: joints.get(recovery.plan)! } } : {};
      return { path: s.path, label, values, costs: values.map((v) => recovery.cost(v)), priceNote: recovery.note, ...(recovery.note.includes(RANDOM_PART) ? { partlyRandom: true as const } : {}), ...joint };
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

/**
 * The known cost of a point: each variable's cost at its value, and each group of variables
 * priced together (a recovery plan's) once, at the point's values of all the variables.
 */
export function costOf(vars: readonly Variable[], p: Point): number {
  let c = vars.reduce((a, v, i) => (v.joint === undefined ? a + v.costs[p[i]!]! : a), 0);
  const groups = new Map(vars.flatMap((v) => (v.joint === undefined ? [] : [[v.joint.key, v.joint.cost] as const])));
  if (groups.size === 0) return c;
  const values = new Map(vars.map((v, i) => [canonicalPath(v.path), v.values[p[i]!]] as const));
  for (const cost of groups.values()) c += cost(values);
  return c;
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
