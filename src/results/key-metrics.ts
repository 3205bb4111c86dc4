/**
 * The few metrics a planner reads first, in reading order: did the SLA hold, when was it
 * breached and for how long, what did it cost the business, then the service and the room.
 * Shared by the terminal summary and report.html so both tell the same story.
 */
import type { ResultsDocument } from './format.js';

const KEY_METRICS: readonly RegExp[] = [
  /^sla\.[^.]+\.attainment$/,
  /^sla\.[^.]+\.first_breach$/,
  /^sla\.[^.]+\.breach_minutes$/,
  /^transactions\.delayed$/,
  /^transactions\.failed$/,
  /^cost\.total$/,
  /^service\.[^.]+\.response_time\.p95$/,
  /^service\.[^.]+\.response_time\.mean$/,
  /^service\.[^.]+\.utilisation$/,
  /^service\.[^.]+\.failed_fraction$/,
  /^requests\.[^.]+\.service_level$/,
  /^incidents\.P[1-4]\.mttr$/,
  /^room\.[^.]+\.temperature\.max$/,
  /^staffing\.[^.]+\.utilisation$/,
];

/**
 * Names of the key metrics present in `doc`, in reading order (at most `limit`): the metrics
 * whose spec in the document's catalog has a `key` position, by that position. A document
 * without a catalog (written before it existed) falls back to the name list above.
 */
export function keyMetrics(doc: ResultsDocument, limit = 24): string[] {
  const all = [...new Set(doc.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  // A metric no replication produced (e.g. MTTR of a priority that never occurred) is noise here.
  const seen = (m: string): boolean => doc.variants.some((v) => (v.metrics[m]?.n ?? 0) > 0);
  const catalog = doc.metrics;
  if (catalog !== undefined && Object.keys(catalog).length > 0) {
    const keyed = all.filter((m) => catalog[m]?.key !== undefined && seen(m));
    keyed.sort((a, b) => catalog[a]!.key! - catalog[b]!.key! || a.localeCompare(b));
    for (const m of all) if (keyed.length < Math.min(limit, 6) && !keyed.includes(m) && seen(m)) keyed.push(m);
    return keyed.slice(0, limit);
  }
  const out: string[] = [];
  for (const re of KEY_METRICS) for (const m of all) if (re.test(m) && !out.includes(m) && seen(m)) out.push(m);
  // A scenario none of whose metrics match still gets a summary.
  for (const m of all) if (out.length < Math.min(limit, 6) && !out.includes(m) && seen(m)) out.push(m);
  return out.slice(0, limit);
}
