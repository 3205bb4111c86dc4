/**
 * The metric catalog the report reads: the document's own, completed from today's models for
 * what older documents lack. A document written before specs carried `sla` roles or `label`s
 * (or before it carried a catalog, or one that leaves some of its metrics out) is read the way
 * `opsim compare` reads one without directions: its metrics mean, and are called, what today's
 * model with the same name template says (a metric today's models do not declare keeps its
 * own spec, or none).
 */
import { currentMetricSpec } from '../models/index.js';
import type { ResultsDocument } from '../results/format.js';
import { metricLabel, type MetricCatalog, type MetricSpec } from '../results/metrics.js';

function completed(own: MetricSpec | undefined, today: MetricSpec | undefined): MetricSpec | undefined {
  if (own === undefined) return today;
  if (today === undefined || today.name !== own.name) return own;
  const sla = own.sla ?? today.sla;
  const label = own.label ?? today.label;
  return { ...own, ...(sla !== undefined ? { sla } : {}), ...(label !== undefined ? { label } : {}) };
}

const catalogs = new WeakMap<ResultsDocument, MetricCatalog>();

/** The document's catalog, with every metric it has, completed from today's specs (see above). */
export function readCatalog(doc: ResultsDocument): MetricCatalog {
  let out = catalogs.get(doc);
  if (out !== undefined) return out;
  out = {};
  const names = new Set([...Object.keys(doc.metrics ?? {}), ...doc.variants.flatMap((v) => [...Object.keys(v.metrics), ...(v.slaProbabilities ?? []).map((p) => p.metric)])]);
  for (const n of names) {
    const spec = completed(doc.metrics?.[n], currentMetricSpec(n));
    if (spec !== undefined) out[n] = spec;
  }
  catalogs.set(doc, out);
  return out;
}

/**
 * The planner-facing name of metric `name` in `doc`: its spec's label filled in, else the name.
 * Reads readCatalog's entry, completing only this metric's spec when the whole catalog has not
 * been read (the CLI's summary labels a dozen of a run's hundred-odd metrics).
 */
export function labelOf(doc: ResultsDocument, name: string): string {
  const all = catalogs.get(doc);
  if (all !== undefined) return metricLabel(all[name], name);
  const inDoc = (doc.metrics !== undefined && Object.hasOwn(doc.metrics, name)) || doc.variants.some((v) => Object.hasOwn(v.metrics, name) || (v.slaProbabilities ?? []).some((p) => p.metric === name));
  return metricLabel(inDoc ? completed(doc.metrics?.[name], currentMetricSpec(name)) : undefined, name);
}
