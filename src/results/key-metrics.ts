/**
 * The few metrics a planner reads first, in reading order: did the SLA hold, when was it
 * breached and for how long, what did it cost the business, then the service and the room.
 * Shared by the terminal summary and report.html so both tell the same story.
 */
import type { ResultsDocument } from './format.js';
import type { MetricCatalog } from './metrics.js';

/**
 * Names in UTF-16 code-unit order, the order of `Array.prototype.sort()` (results.json and
 * summary.csv list metrics in it). Not `localeCompare`: that orders by the process's locale
 * (LANG, the ICU data Node was built with), so the same run could list its metrics in another
 * order on another machine, and it starts ICU's collator after every run.
 */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders key metrics of `catalog` by their `key` position, equal positions by name (see byName). */
export function byKeyPosition(catalog: MetricCatalog): (a: string, b: string) => number {
  return (a, b) => catalog[a]!.key! - catalog[b]!.key! || byName(a, b);
}

/**
 * Names of the key metrics present in `doc`, in reading order (at most `limit`): the metrics
 * whose spec in the document's catalog has a `key` position, by that position, topped up to
 * six with other observed metrics in name order. A document without a catalog (written before
 * it existed) gets the first six observed metrics in name order: no name is read for meaning.
 */
export function keyMetrics(doc: ResultsDocument, limit = 24): string[] {
  const all = [...new Set(doc.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  // A metric no replication produced (e.g. MTTR of a priority that never occurred) is noise here.
  const seen = (m: string): boolean => doc.variants.some((v) => (v.metrics[m]?.n ?? 0) > 0);
  const catalog = doc.metrics ?? {};
  const keyed = all.filter((m) => catalog[m]?.key !== undefined && seen(m));
  keyed.sort(byKeyPosition(catalog));
  // A scenario none of whose metrics is a key metric still gets a summary.
  for (const m of all) if (keyed.length < Math.min(limit, 6) && !keyed.includes(m) && seen(m)) keyed.push(m);
  return keyed.slice(0, limit);
}
