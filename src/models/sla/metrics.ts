/**
 * What the SLA and cost model measures. Cost and `transactions.*` metrics appear when a
 * scenario has `sla`, `teams` or `incidents`, so infrastructure-only scenarios stay free of them.
 */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

const SHARE = { lo: 0, hi: 1 } as const;
const MONEY = { lo: 0 } as const;

export const SLA_METRICS = {
  attainment: { name: 'sla.<sla>.attainment', label: '<sla> SLA attainment', unit: 'fraction', better: 'higher', range: SHARE, key: 1, chart: 'sla_attainment', doc: 'Share of the judged span (the SLA period, or the observed time with the budget pro-rated; see "SLA verdicts") meeting the objective.' },
  met: { name: 'sla.<sla>.met', label: '<sla> SLA met', unit: 'fraction', better: 'higher', flag: true, range: SHARE, sla: 'met', doc: '1 when the error budget used is ≤ 100 % (equivalently attainment ≥ the availability target), else 0 (aggregated as the probability of meeting the SLA).' },
  breaches: { name: 'sla.<sla>.breaches', unit: 'count', better: 'lower', range: { lo: 0 }, doc: 'Breach episodes (runs of consecutive bad windows).' },
  breachMinutes: { name: 'sla.<sla>.breach_minutes', label: '<sla> SLA breach minutes', unit: 'minutes', better: 'lower', range: { lo: 0 }, key: 3, sla: 'breach_minutes', doc: 'Minutes in windows that missed the objective (across a failover, judged where the requests are served).' },
  firstBreach: { name: 'sla.<sla>.first_breach', label: '<sla> SLA first breach', unit: 'clock_seconds', better: 'higher', range: { lo: 0, loAtWarmup: true, hiAtHorizon: true }, key: 2, sla: 'first_breach', doc: 'Simulated time (s) at which the first bad window starts; null if none (later is better).' },
  errorBudget: { name: 'sla.<sla>.error_budget_used', label: '<sla> SLA error budget used', unit: 'fraction', better: 'lower', range: { lo: 0 }, sla: 'error_budget_used', doc: 'Breach minutes ÷ budget minutes (above 1 when overspent).' },
  budgetMinutes: { name: 'sla.<sla>.budget_minutes', unit: 'minutes', better: 'neutral', range: { lo: 0 }, doc: 'Downtime the verdict allows: (1 − availability target) × the judged span.' },
  observedAttainment: { name: 'sla.<sla>.observed_attainment', unit: 'fraction', better: 'higher', range: SHARE, doc: 'Share of the observed time (horizon after warm-up) in windows meeting the objective.' },
  penalty: { name: 'sla.<sla>.penalty', label: '<sla> SLA penalties', unit: 'currency', better: 'lower', range: MONEY, doc: 'Penalties of the SLA: per breach and per breach minute.' },
  latencyAttainment: { name: 'sla.<sla>.latency_attainment', label: '<sla> requests within latency threshold', unit: 'fraction', better: 'higher', range: SHARE, doc: "Share of the service's own requests within the SLA's latency threshold (its own, else the service's objective) and not failed, wherever they finished (those a failover diverted to a standby included; a standby's SLA counts only its own requests)." },
  revenueAtRisk: { name: 'sla.<sla>.revenue_at_risk', label: '<sla> SLA revenue at risk', unit: 'currency', better: 'lower', range: MONEY, doc: 'Revenue of failed transactions plus the lost share of delayed ones (slower than the SLA’s threshold), of the service’s own requests wherever they finished (those a failover diverted to a standby included; a standby’s SLA counts only its own requests).' },
  penalties: { name: 'cost.penalties', label: 'Penalties', unit: 'currency', better: 'lower', range: MONEY, doc: 'All SLA penalties, incident-target penalties included.' },
  revenue: { name: 'cost.revenue_at_risk', label: 'Revenue at risk', unit: 'currency', better: 'lower', range: MONEY, doc: 'Revenue at risk, each service counted once, at the largest of its SLAs’ figures.' },
  total: { name: 'cost.total', label: 'Total cost', unit: 'currency', better: 'lower', range: MONEY, key: 6, doc: 'Staffing cost + server cost + network cost + recovery site cost + penalties + revenue at risk (cost.servers, cost.network and cost.recovery count 0 where absent).' },
  delayed: { name: 'transactions.delayed', label: 'Delayed transactions', unit: 'count', better: 'lower', range: { lo: 0 }, key: 4, doc: "Requests slower than their service's latency objective (all services)." },
  failed: { name: 'transactions.failed', label: 'Failed transactions', unit: 'count', better: 'lower', range: { lo: 0 }, key: 5, doc: 'Failed requests (all services).' },
} as const satisfies Record<string, MetricSpec>;

export const SLA_COLUMNS = {
  attainment: { name: '<sla>.attainment', unit: 'fraction', better: 'higher', range: SHARE, chart: 'sla_windows', doc: "Share of the interval's SLA windows that met the objective." },
} as const satisfies Record<string, ColumnSpec>;
