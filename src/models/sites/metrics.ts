/**
 * What the sites model measures per site (`site.<site>.*`). A disaster counts when it strikes
 * in the measured period (after warm-up). The service is *restored* when the site's load runs
 * on capacity again: switched to a recovery site with running servers, or the site itself back.
 */
import type { MetricSpec } from '../../results/metrics.js';

const TIME = { lo: 0 } as const;
const COUNT = { lo: 0 } as const;
const SHARE = { lo: 0, hi: 1 } as const;

// Recovery time, recovery point, data lost and downtime are what a disaster-recovery plan is
// judged by: key metrics read right after the business's cost (positions 7-10), so the
// summary, which shows the first twelve, shows them before the services and the rooms.
export const SITE_METRICS = {
  disasters: { name: 'site.<site>.disasters', unit: 'count', better: 'lower', range: COUNT, doc: 'Disasters that struck the site in the measured period (one striking a site that is already down is not counted: it changes nothing).' },
  rto: { name: 'site.<site>.rto', label: '<site> RTO achieved', key: 7, unit: 'seconds', better: 'lower', range: TIME, doc: 'Recovery time achieved: from a disaster to the service restored, mean over the disasters of the measured period (null without one).' },
  rtoMax: { name: 'site.<site>.rto.max', unit: 'seconds', better: 'lower', range: TIME, doc: 'Longest recovery time over those disasters.' },
  rtoMet: { name: 'site.<site>.rto_met', label: '<site> recovered within RTO', unit: 'fraction', better: 'higher', flag: true, range: SHARE, doc: 'With a recovery `targets.rto`: 1 when every disaster of the measured period was recovered within it, 0 when one was not; null without disasters.' },
  rpo: { name: 'site.<site>.rpo', label: '<site> RPO achieved', key: 8, unit: 'seconds', better: 'lower', range: TIME, doc: 'Recovery point achieved: the span of data lost (replication lag at the disaster, or the age of the restored backup), mean over the disasters of the measured period.' },
  rpoMax: { name: 'site.<site>.rpo.max', unit: 'seconds', better: 'lower', range: TIME, doc: 'Largest recovery point over those disasters.' },
  rpoMet: { name: 'site.<site>.rpo_met', label: '<site> data loss within RPO', unit: 'fraction', better: 'higher', flag: true, range: SHARE, doc: 'With a recovery `targets.rpo`: 1 when every disaster lost no more than it, 0 when one lost more; null without disasters.' },
  transactionsLost: { name: 'site.<site>.transactions_lost', label: '<site> transactions lost', key: 9, unit: 'count', better: 'lower', range: COUNT, doc: "Data loss: requests that succeeded at the site's paired services inside the lost span (recovery point to disaster) and after the end of warm-up, summed over the disasters (from per-minute counts, interpolated)." },
  downtime: { name: 'site.<site>.downtime', label: '<site> downtime', key: 10, unit: 'minutes', better: 'lower', range: COUNT, doc: 'Minutes of the measured period during which the site was struck and its load not yet restored.' },
  failback: { name: 'site.<site>.failback.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'From the site working again (or the failover ending, if later) to the load back home, mean over the failbacks that ended in the measured period.' },
} as const satisfies Record<string, MetricSpec>;

/** What the recovery plans cost (with the capacity costs, a part of cost.total). */
export const RECOVERY_COST_METRICS = {
  cost: {
    name: 'cost.recovery',
    label: 'Recovery site cost',
    unit: 'currency',
    better: 'lower',
    range: { lo: 0 },
    doc: "What the recovery plans cost over the measured period: each standby server running (standing, or brought up until it stands down) at its plan's costPerHour, each kept in reserve at its reserveCostPerHour, the plan's feePerMonth pro rata (730 hours a month), and its invocationFee per failover that took up a bring-up, restore or switch step or its switch at the end (part of cost.total). Only when some recovery plan has a price above 0.",
  },
} as const satisfies Record<string, MetricSpec>;
