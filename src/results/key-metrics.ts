/**
 * The few metrics a planner reads first, in reading order: did the SLA hold, when was it
 * breached and for how long, what did it cost the business, then the service and the room.
 * Shared by the terminal summary and report.html so both tell the same story.
 */
import type { ResultsDocument } from './format.js';

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
  keyed.sort((a, b) => catalog[a]!.key! - catalog[b]!.key! || a.localeCompare(b));
  // A scenario none of whose metrics is a key metric still gets a summary.
  for (const m of all) if (keyed.length < Math.min(limit, 6) && !keyed.includes(m) && seen(m)) keyed.push(m);
  return keyed.slice(0, limit);
}
