/**
 * Which way is better for a metric, inferred from its stable name. Used by rankings and by
 * `opsim compare`. The rules (documented in docs/experiments.md):
 *  - higher is better: attainment, availability, throughput, goodput, and SLA flags (`*_met`, `.met`);
 *  - neutral (never a regression on its own): utilisation/utilization, arrivals, offered load,
 *    events — they describe load, not quality; pass `--direction` to judge them;
 *  - lower is better: everything else (response/wait times, failures, breaches, cost, MTTR/MTTA,
 *    queue lengths, temperatures, energy).
 */

/** Direction of improvement of a metric. */
export type Direction = 'lower' | 'higher' | 'neutral';

const HIGHER = /(attainment|availability|throughput|goodput|(^|[._])met$)/i;
const NEUTRAL = /(utili[sz]ation|arrivals|offered|(^|\.)events$)/i;

/** Infers the direction of a metric from its name. */
export function inferDirection(metric: string): Direction {
  if (HIGHER.test(metric)) return 'higher';
  if (NEUTRAL.test(metric)) return 'neutral';
  return 'lower';
}
