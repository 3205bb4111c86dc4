/**
 * What problem management measures, per problem in `problems` (only when the scenario lists
 * some): its recurrences, the recurrences its permanent fix avoided, the time to a known
 * error, when the fix landed, and the backlog of problems not yet fixed.
 */
import type { MetricSpec } from '../../results/metrics.js';

const COUNT = { lo: 0 } as const;

export const PROBLEM_METRICS = {
  recurrences: { name: 'problems.<problem>.recurrences', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents of the problem\'s cause opened in the measured period.' },
  avoided: { name: 'problems.<problem>.recurrences_avoided', unit: 'count', better: 'higher', range: COUNT, doc: 'Failures of the cause that the permanent fix prevented in the measured period (the components keep their failure clocks; each failure that would have happened counts).' },
  timeToKnownError: { name: 'problems.<problem>.time_to_known_error', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'Time from opening the problem to its known error (root cause and workaround documented); null when not reached.' },
  fixedAt: { name: 'problems.<problem>.fixed_at', unit: 'clock_seconds', better: 'lower', range: { lo: 0, hiAtHorizon: true }, doc: 'Simulated time the permanent fix was in place; null when it was not by the end of the run.' },
  backlog: { name: 'problems.backlog', unit: 'count', better: 'lower', range: COUNT, doc: 'Problems opened and not permanently fixed at the end of the run.' },
} as const satisfies Record<string, MetricSpec>;
