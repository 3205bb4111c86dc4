/**
 * Which way is better for a metric: its spec's `better`, declared by the model that records it
 * (docs/experiments.md). Used by rankings and by `opsim compare`. Never guessed from the name.
 */

import { currentMetricSpec } from '../models/index.js';
import type { MetricCatalog } from '../results/metrics.js';

/** Direction of improvement of a metric. */
export type Direction = 'lower' | 'higher' | 'neutral';

/**
 * Which way is better for `metric`: its spec in `catalog` (the results document's, present in
 * every document written since the catalog exists); for an older document, the spec today's
 * models declare for that name; a metric no model declares has no direction ('neutral': it is
 * reported as changed, never as a regression, unless `--direction` says otherwise).
 */
export function metricDirection(metric: string, catalog?: MetricCatalog): Direction {
  return catalog?.[metric]?.better ?? currentMetricSpec(metric)?.better ?? 'neutral';
}
