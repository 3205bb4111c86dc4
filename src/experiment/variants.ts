/**
 * Turns the scenario's `experiment.variants` into a list of named override sets, in a fixed
 * order (the order results are aggregated and written in).
 */
import type { ExperimentSpec } from '../scenario/schema/experiment.js';

/** One variant to run: its name and the field-path overrides that define it. */
export interface VariantDef {
  name: string;
  /** Field path → value, applied to the scenario document before unit conversion. */
  set: Record<string, unknown>;
  /** Where it was declared, for error messages: path segments inside the document. */
  origin: (string | number)[];
}

/** Name of the single variant of a scenario that declares none. */
export const BASE_VARIANT = 'base';

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Expands the experiment's variants (cartesian product of factors, or the explicit list). */
export function expandVariants(experiment: ExperimentSpec | undefined): VariantDef[] {
  const variants = experiment?.variants;
  if (variants === undefined) return [{ name: BASE_VARIANT, set: {}, origin: [] }];
  if ('list' in variants) {
    return variants.list.map((v, i) => ({ name: v.name, set: { ...(v.set ?? {}) }, origin: ['experiment', 'variants', 'list', i] }));
  }
  const factors = Object.entries(variants.factors).map(([path, f]) =>
    Array.isArray(f) ? { path, label: path, values: f as unknown[] } : { path, label: f.name, values: f.values as unknown[] },
  );
  let out: { parts: string[]; set: Record<string, unknown> }[] = [{ parts: [], set: {} }];
  for (const f of factors) {
    const next: typeof out = [];
    for (const partial of out) {
      for (const v of f.values) next.push({ parts: [...partial.parts, `${f.label}=${show(v)}`], set: { ...partial.set, [f.path]: v } });
    }
    out = next;
  }
  return out.map((v) => ({ name: v.parts.join(',') || BASE_VARIANT, set: v.set, origin: ['experiment', 'variants', 'factors'] }));
}

/** Finds duplicate variant names (two list entries, or two factor values that print alike). */
export function duplicateNames(variants: readonly VariantDef[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of variants) {
    if (seen.has(v.name)) dup.add(v.name);
    seen.add(v.name);
  }
  return [...dup];
}
