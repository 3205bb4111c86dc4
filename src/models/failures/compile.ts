/**
 * The failures model's compile step (pure): each class entry with where its errors point, and
 * each correlated group with its member selectors resolved to (service index, server) pairs
 * and the service and room its failures are reported against. Schema defaults (repair time,
 * repair mode, components per server) are already filled in by the loader. The time-to-failure
 * and repair distributions are made per replication: they are objects, not plain data.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { FailureClassSpec, FailureGroupSpec } from './schema.js';

/** One failure class entry, compiled. */
export interface FailureClassConfig {
  readonly spec: FailureClassSpec;
  /** Where errors about its distributions point, e.g. "failures.classes[1]". */
  readonly where: string;
  /** Where errors about its scripted failures point, e.g. "failures.classes.server-faults". */
  readonly scriptWhere: string;
}

/** One server of a service, by index into `services` (the services port's poolList). */
export interface MemberConfig {
  readonly service: number;
  readonly server: number;
}

/** One correlated group, compiled. */
export interface FailureGroupConfig {
  readonly spec: FailureGroupSpec;
  /** Its members in the order of its selectors (a server named twice is listed twice). */
  readonly members: readonly MemberConfig[];
  /** The service its failures are reported against: the one service of its members, else null. */
  readonly service: string | null;
  /** The room of its first member, if that service stands in one. */
  readonly room: string | null;
}

/** What the failures model builds from (null: the scenario has no `failures`). */
export interface FailuresConfig {
  readonly classes: readonly FailureClassConfig[];
  readonly groups: readonly FailureGroupConfig[];
}

/** The services as a member selector needs them: names and server counts, in scenario order. */
type ServiceSizes = readonly { readonly name: string; readonly servers: number }[];

/** Parses a member selector "svc", "svc/3" or "svc/0-9" into (service index, server) pairs. */
export function resolveMembers(services: ServiceSizes, selector: string, where: string): MemberConfig[] {
  const m = /^([^/]+)(?:\/(\d+)(?:-(\d+))?)?$/.exec(selector.trim());
  const service = m === null ? -1 : services.findIndex((s) => s.name === m[1]);
  if (m === null || service < 0) throw new Error(`${where}: "${selector}" is not "service", "service/i" or "service/i-j" of a known service`);
  const { name, servers } = services[service]!;
  const lo = m[2] === undefined ? 0 : Number(m[2]);
  const hi = m[2] === undefined ? servers - 1 : m[3] === undefined ? lo : Number(m[3]);
  if (lo > hi || hi >= servers) throw new Error(`${where}: "${selector}" is outside servers 0-${servers - 1} of ${name}`);
  const out: MemberConfig[] = [];
  for (let s = lo; s <= hi; s++) out.push({ service, server: s });
  return out;
}

/** Compiles the `failures` section of a loaded scenario. */
export function compileFailures(scenario: Scenario): FailuresConfig | null {
  const spec = scenario.failures;
  if (spec === undefined) return null;
  const services = scenario.services ?? [];
  const classes = (spec.classes ?? []).map((c, i) => ({
    spec: c,
    where: `failures.classes[${i}]`,
    scriptWhere: c.name === undefined ? `failures.classes(${c.class})` : `failures.classes.${c.name}`,
  }));
  const groups = (spec.groups ?? []).map((g, gi) => {
    const where = `failures.groups[${gi}]`;
    const members = g.members.flatMap((sel) => resolveMembers(services, sel, `${where}.members`));
    if (!classes.some((c) => c.spec.class === g.class)) throw new Error(`${where}: no failures.classes entry for class "${g.class}" gives its failure rate`);
    const names = [...new Set(members.map((x) => services[x.service]!.name))];
    const first = members[0] === undefined ? undefined : services[members[0].service];
    return { spec: g, members, service: names.length === 1 ? names[0]! : null, room: first?.room ?? null };
  });
  return { classes, groups };
}
