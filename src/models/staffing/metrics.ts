/** What the staffing model measures per team (`staffing.<team>.*`), and the staffing cost. */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

export const STAFFING_METRICS = {
  utilisation: { name: 'staffing.<team>.utilisation', label: '<team> operator utilisation', unit: 'fraction', better: 'neutral', range: { lo: 0, hi: 1 }, key: 18, doc: 'Busy operator-time ÷ on-duty operator-time (on-call units included).' },
  backlog: { name: 'staffing.<team>.backlog_at_shift_change.mean', unit: 'count', better: 'lower', range: { lo: 0 }, doc: 'Open work (waiting + in hand) at each shift boundary, mean.' },
  onDuty: { name: 'staffing.<team>.on_duty.mean', unit: 'count', better: 'neutral', range: { lo: 0 }, doc: 'Time-average operators on duty.' },
  queue: { name: 'staffing.<team>.queue.mean', unit: 'count', better: 'lower', range: { lo: 0 }, doc: 'Time-average work items waiting for an operator of the team.' },
  cost: { name: 'staffing.<team>.cost', unit: 'currency', better: 'lower', range: { lo: 0 }, doc: "The team's staffing cost: rostered hours × rate." },
  total: { name: 'cost.staffing', unit: 'currency', better: 'lower', range: { lo: 0 }, doc: 'Rostered hours × rate, all teams.' },
} as const satisfies Record<string, MetricSpec>;

export const STAFFING_COLUMNS = {
  onShift: { name: '<team>.on_shift', unit: 'count', better: 'neutral', range: { lo: 0 }, chart: 'operators', legend: 'on shift', sampled: 'at-end', doc: 'Operators on duty at the interval end.' },
  busy: { name: '<team>.busy', unit: 'count', better: 'neutral', range: { lo: 0 }, chart: 'operators', legend: 'busy', doc: 'Mean busy operators over the interval.' },
} as const satisfies Record<string, ColumnSpec>;
