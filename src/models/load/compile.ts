/**
 * The load model's compile step (pure): each request class with the service it feeds resolved
 * to that service's index (the services build their pools in scenario order), its name checked
 * unique, and whether its rate never varies worked out. Schema defaults (priority, scale, peak
 * period, trace repeat) are already filled in by the loader, and `traceFile` is already
 * replaced by the inline `trace` it holds. The rate profile itself is built per replication
 * (classProfile): it is functions, not plain data.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { LoadClassSpec } from './schema.js';

/** One request class, compiled. */
export interface LoadClassConfig {
  /** The class as loaded. */
  readonly spec: LoadClassSpec;
  /** Where errors about it point, e.g. "load[2]". */
  readonly where: string;
  /** Index of the service it feeds in `services` (and in the services port's poolList). */
  readonly service: number;
  /** True when its rate never varies (the direct exponential gap applies). */
  readonly constant: boolean;
}

/** What the load model builds from. */
export interface LoadConfig {
  readonly classes: readonly LoadClassConfig[];
}

/** True when the class's rate never varies. */
export function isConstant(spec: LoadClassSpec): boolean {
  return spec.trace === undefined && spec.traceFile === undefined && spec.daily === undefined && spec.weekly === undefined && (spec.peaks ?? []).length === 0 && (spec.holidays ?? []).length === 0;
}

/** Compiles the `load` of a loaded scenario. */
export function compileLoad(scenario: Scenario): LoadConfig {
  const names = (scenario.services ?? []).map((s) => s.name);
  const seen = new Set<string>();
  return {
    classes: (scenario.load ?? []).map((spec, i) => {
      const where = `load[${i}]`;
      if (seen.has(spec.name)) throw new Error(`${where}.name: the class name "${spec.name}" is used twice`);
      seen.add(spec.name);
      const service = names.indexOf(spec.service);
      if (service < 0) throw new Error(`${where}.service: no service named "${spec.service}" (services: ${names.join(', ') || 'none'})`);
      return { spec, where, service, constant: isConstant(spec) };
    }),
  };
}
