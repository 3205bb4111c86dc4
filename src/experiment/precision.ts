/**
 * Precision-driven runs: how many replications are enough is decided by the key metrics'
 * confidence intervals, as JMT does, instead of a fixed count. A scenario (and a caller) that
 * names no replication count and no `stopWhen` gets DEFAULT_PRECISION: replications in
 * batches until every key metric of every variant has a 95 % interval within ±5 % of its
 * mean, or the budget is spent. `stopWhen.metric: key` asks for the same rule explicitly.
 */
import type { ReplicationRecord } from '../results/format.js';
import type { MetricCatalog } from '../results/metrics.js';
import { summarize } from './stats.js';

/** `stopWhen.metric` value meaning "every key metric of the catalog". */
export const KEY_METRICS = 'key';

/** The default stopping rule when neither the scenario nor the caller fixes the replications. */
export const DEFAULT_PRECISION = { metric: KEY_METRICS, halfWidth: '5%', maxReplications: 20, batch: 4 } as const;

/** Replications per variant run before the first precision check. */
export const DEFAULT_PRECISION_START = 4;

/**
 * The widest relative 95 % half-width over the key metrics (catalog `key`) of one variant's
 * records: Infinity while some key metric has fewer than two values. Verdicts (judged by their
 * Wilson interval), clock times and metrics whose mean is 0 have no relative precision and are
 * left out; with none left the answer is 0.
 */
export function keyHalfWidth(records: readonly ReplicationRecord[], catalog: MetricCatalog): number {
  let worst = 0;
  for (const [name, spec] of Object.entries(catalog)) {
    if (spec.key === undefined || spec.flag === true || spec.unit === 'clock_seconds') continue;
    const s = summarize(records.map((r) => r.metrics[name] ?? NaN));
    if (s.n === 0 || s.mean === 0) continue;
    if (s.n < 2) return Infinity;
    worst = Math.max(worst, (s.ci95[1] - s.ci95[0]) / 2 / Math.abs(s.mean));
  }
  return worst;
}
