/**
 * Which way is better for a metric, inferred from its stable name. Used by rankings and by
 * `opsim compare`. The rules (documented in docs/experiments.md):
 *  - higher is better: attainment, availability, throughput, goodput, service level, answered,
 *    capacity and servers available, and SLA flags (`*_met`, `.met`);
 *  - neutral (never a regression on its own): utilisation/utilization, arrivals/arrived, offered
 *    load, request counts (`*.requests`), events — they describe load, not quality; pass
 *    `--direction` to judge them;
 *  - lower is better: everything else (response/wait times, failures, breaches, cost, MTTR/MTTA,
 *    queue lengths, temperatures, energy).
 */

import type { MetricCatalog } from '../results/metrics.js';

/** Direction of improvement of a metric. */
export type Direction = 'lower' | 'higher' | 'neutral';

const HIGHER = /(attainment|availability|throughput|goodput|service_level|answered|capacity|servers_available|(^|[._])met$)/i;
const NEUTRAL = /(utili[sz]ation|arrivals|arrived|offered|\.requests$|(^|\.)events$)/i;

/**
 * Which way is better for `metric`: its spec's `better` when the document carries a metric
 * catalog (every document written since the catalog exists), else the name rules above,
 * kept only for results documents written before it.
 */
export function metricDirection(metric: string, catalog?: MetricCatalog): Direction {
  return catalog?.[metric]?.better ?? inferDirection(metric);
}

/** Infers the direction of a metric from its name (documents without a metric catalog). */
export function inferDirection(metric: string): Direction {
  if (HIGHER.test(metric)) return 'higher';
  if (NEUTRAL.test(metric)) return 'neutral';
  return 'lower';
}
