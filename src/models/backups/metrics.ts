/** What the backups model measures per job (`backup.<job>.*`) and its series column. */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

const COUNT = { lo: 0 } as const;

export const BACKUP_METRICS = {
  runs: { name: 'backup.<job>.runs', unit: 'count', better: 'neutral', range: COUNT, doc: 'Runs that ended in the measured period.' },
  overruns: { name: 'backup.<job>.overruns', unit: 'count', better: 'lower', range: COUNT, doc: 'Runs that went past their window (ended after start + window), counting a run still going past its window at the horizon.' },
  overrunMinutes: { name: 'backup.<job>.overrun_minutes', unit: 'minutes', better: 'lower', range: COUNT, doc: 'Minutes runs spent past their windows (into the peak the window protects), the run in progress at the horizon included.' },
  windowMet: { name: 'backup.<job>.window_met', label: '<job> backups within window', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: '1 when no run of the measured period overran its window, 0 when one did; null without runs (aggregated as the probability that every run fits its window).' },
  duration: { name: 'backup.<job>.duration.mean', unit: 'seconds', better: 'lower', range: COUNT, doc: 'Mean duration of the runs that ended in the measured period.' },
  skipped: { name: 'backup.<job>.skipped', unit: 'count', better: 'lower', range: COUNT, doc: 'Starts skipped because the previous run was still going.' },
} as const satisfies Record<string, MetricSpec>;

export const BACKUP_COLUMNS = {
  running: { name: 'backup.<job>.running', unit: 'count', better: 'neutral', range: { lo: 0, hi: 1 }, sampled: 'at-end', doc: '1 when the job was running at the interval end, else 0.' },
} as const satisfies Record<string, ColumnSpec>;
