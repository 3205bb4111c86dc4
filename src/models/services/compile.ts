/**
 * The services model's compile step (pure): each service with its fidelity resolved (its own,
 * else the scenario's, else request level), the room it stands in checked, and the service it
 * calls resolved to an index; names checked unique and calls checked free of cycles, once per
 * scenario. Schema defaults (concurrency, retries, power, balancer settings) are already filled
 * in by the loader; each pool reads the rest of its service's fields when it is built.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { ServiceSpec } from './schema.js';

/** The fidelity a service runs at: its own, else the scenario's, else request. */
export function fidelityOf(scenario: Scenario, spec: ServiceSpec): 'request' | 'flow' {
  return spec.fidelity ?? scenario.fidelity ?? 'request';
}

/** One service, compiled. */
export interface ServiceConfig {
  readonly spec: ServiceSpec;
  /** Whether every request is an event or each backend a queue evaluated between changes. */
  readonly fidelity: 'request' | 'flow';
  /** The service it calls, as an index into `services` (null: none). */
  readonly downstream: number | null;
}

/** What the services model builds from: its services in scenario order (a pool's index is its position). */
export interface ServicesConfig {
  readonly services: readonly ServiceConfig[];
}

/** Compiles the `services` of a loaded scenario. */
export function compileServices(scenario: Scenario): ServicesConfig {
  const specs = scenario.services ?? [];
  const rooms = (scenario.rooms ?? []).map((r) => r.name);
  const index = new Map<string, number>();
  specs.forEach((spec, i) => {
    if (index.has(spec.name)) throw new Error(`services: the name "${spec.name}" is used twice`);
    index.set(spec.name, i);
    if (spec.room !== undefined && !rooms.includes(spec.room)) throw new Error(`services.${spec.name}.room: no room named "${spec.room}" (rooms: ${rooms.join(', ') || 'none'})`);
  });
  const downstream = specs.map((spec) => {
    if (spec.downstream === undefined) return null;
    const d = index.get(spec.downstream);
    if (d === undefined) throw new Error(`services.${spec.name}.downstream: no service named "${spec.downstream}"`);
    return d;
  });
  // A call cycle would send a request round for ever.
  downstream.forEach((_, i) => {
    let d = downstream[i]!;
    for (let hops = 0; d !== null; hops++) {
      if (d === i || hops > specs.length) throw new Error(`services.${specs[i]!.name}.downstream: calls form a cycle`);
      d = downstream[d]!;
    }
  });
  return { services: specs.map((spec, i) => ({ spec, fidelity: fidelityOf(scenario, spec), downstream: downstream[i]! })) };
}
