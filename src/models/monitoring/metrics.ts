/** What event management (monitoring) measures. */
import type { MetricSpec } from '../../results/metrics.js';

const COUNT = { lo: 0 } as const;

export const MONITORING_METRICS = {
  informational: { name: 'events.informational', unit: 'count', better: 'neutral', range: COUNT, doc: 'Informational events raised by the monitors.' },
  warning: { name: 'events.warning', unit: 'count', better: 'lower', range: COUNT, doc: 'Warning events raised by the monitors.' },
  exception: { name: 'events.exception', unit: 'count', better: 'lower', range: COUNT, doc: 'Exception events raised by the monitors.' },
  deduplicated: { name: 'events.deduplicated', unit: 'count', better: 'neutral', range: COUNT, doc: 'Exception events that opened no incident because one was open for the same problem (or had just been resolved).' },
  falseAlarms: { name: 'alerts.false_alarms', unit: 'count', better: 'lower', range: COUNT, doc: 'False alarms raised.' },
  detection: { name: 'monitoring.detection_time.mean', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'Mean time from a problem’s start to the incident opened for it.' },
  remediationAttempts: { name: 'monitoring.auto_remediation.attempts', unit: 'count', better: 'neutral', range: COUNT, doc: 'Auto-remediation attempts.' },
  remediationSuccesses: { name: 'monitoring.auto_remediation.successes', unit: 'count', better: 'higher', range: COUNT, doc: 'Auto-remediation attempts that fixed the problem (each one an incident no operator had to fix).' },
} as const satisfies Record<string, MetricSpec>;
