/**
 * The policy space of a search: decision variables, their values in cost order, the known
 * cost of a point, and its one-step-cheaper neighbours. A point is one index per variable.
 */
import { parseFieldPath } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { SearchVariableSpec } from './schema.js';
import { Team } from '../models/staffing/schema.js';

/** Operator-hour cost when a team states none (the staffing model's default). */

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

/** Seconds a daily shift [start, start + length) is on duty within [0, horizon). */
function shiftSeconds(start: number, length: number, horizon: number): number {
  let total = 0;
  for (let day = -1; day * 86400 < horizon; day++) {
    const a = Math.max(0, day * 86400 + start);
    const b = Math.min(horizon, day * 86400 + start + length);
    if (b > a) total += b - a;
  }
  return total;
}

/**
 * The default unit price of a variable: a headcount costs costPerHour × hours on duty; a
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
      const shift = readPath(scenario, segs.slice(0, 5)) as { start: number; length: number; onCall?: boolean } | undefined;
      if (shift !== undefined) {
        const hours = shiftSeconds(shift.start, shift.length, scenario.horizon) / 3600;
        return { price: perHour * hours, note: `${perHour}/h × ${hours} h on duty in the horizon` };
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

/** Builds the variables of a search from its spec and the compiled scenario. */
export function buildVariables(specs: readonly SearchVariableSpec[], scenario: Scenario): Variable[] {
  return specs.map((s) => {
    const label = s.name ?? s.path;
    if (s.values !== undefined) {
      const price = s.price ?? 0;
      return { path: s.path, label, values: [...s.values], costs: s.values.map((v, i) => (typeof v === 'number' ? price * v : price * i)), priceNote: s.price !== undefined ? `${price} per unit` : 'list order (cost 0)' };
    }
    const r = s.range!;
    const step = r.step ?? 1;
    const values: number[] = [];
    for (let v = r.from; v <= r.to; v += step) values.push(v);
    const given = s.price !== undefined ? { price: s.price, note: `${s.price} per unit` } : defaultPrice(scenario, s.path);
    return { path: s.path, label, values, costs: values.map((v) => given.price * v), priceNote: given.note };
  });
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
