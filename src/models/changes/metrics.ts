/**
 * What change management measures (only when the scenario has an enabled `changes` section):
 * changes implemented, failed, rolled back and deferred by a freeze in the measured period,
 * and the incidents failed changes caused.
 */
import type { MetricSpec } from '../../results/metrics.js';

const COUNT = { lo: 0 } as const;

export const CHANGE_METRICS = {
  implemented: { name: 'changes.implemented', unit: 'count', better: 'neutral', range: COUNT, doc: 'Changes implemented in the measured period.' },
  failed: { name: 'changes.failed', unit: 'count', better: 'lower', range: COUNT, doc: 'Implemented changes that failed and caused their type\'s fault.' },
  rolledBack: { name: 'changes.rolled_back', unit: 'count', better: 'neutral', range: COUNT, doc: 'Failed changes the implementer rolled back (before the incident path fixed them).' },
  deferred: { name: 'changes.deferred', unit: 'count', better: 'neutral', range: COUNT, doc: 'Changes requested in the measured period that a freeze postponed (to its end, or past the end of the run).' },
  pending: { name: 'changes.pending', unit: 'count', better: 'lower', range: COUNT, doc: 'Changes requested but not implemented by the end of the run (waiting for a window or for a freeze to end).' },
  incidents: { name: 'changes.incidents', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents opened in the measured period about faults failed changes caused.' },
  successRate: { name: 'changes.success_rate', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, doc: 'Share of the changes implemented in the measured period that did not fail; null without any.' },
} as const satisfies Record<string, MetricSpec>;
