/**
 * What the incident desk, request fulfilment and scheduled work measure. Incident metrics
 * appear when a scenario has an `incidents` or `monitoring` section; they count the incidents
 * detected after warm-up, false alarms excluded.
 */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

const TIME = { lo: 0 } as const;
const COUNT = { lo: 0 } as const;

export const INCIDENT_METRICS = {
  count: { name: 'incidents.<priority>.count', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents of the priority detected after warm-up (false alarms excluded).' },
  mtta: { name: 'incidents.<priority>.mtta', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean time to acknowledge, from detection, over the incidents of the priority detected after warm-up.' },
  mttr: { name: 'incidents.<priority>.mttr', label: '<priority> mean time to resolve', unit: 'seconds', better: 'lower', range: TIME, key: 16, chart: 'mttr', doc: 'Mean time to resolve, from detection, over the same incidents resolved by the horizon: those still open are not in it (incidents.<priority>.unresolved), so an overloaded desk that leaves many open can read a short one.' },
  unresolved: { name: 'incidents.<priority>.unresolved', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents of the priority detected after warm-up still open at the horizon: what incidents.<priority>.mttr leaves out (a few are always open at the end; many more than the priority\'s rate × its mean time to resolve means a backlog).' },
  mttd: { name: 'incidents.<priority>.mttd', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean time to detect (problem start → incident opened) over the same incidents.' },
  responseWithinTarget: { name: 'incidents.<priority>.response_within_target', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, doc: 'Share of the incidents of the priority whose response is decided (acknowledged, or the target fell due) that were acknowledged within the response target; null when there were none.' },
  resolutionWithinTarget: { name: 'incidents.<priority>.resolution_within_target', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, doc: 'Share of the incidents of the priority whose resolution is decided (resolved, or the target fell due) that were resolved within the resolution target; null when there were none.' },
  targetsMet: { name: 'incidents.<priority>.targets_met', label: '<priority> incident targets met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, doc: '1 when every decided incident of the priority met its response and resolution targets, 0 when one missed; null without any (aggregated as the probability that the period meets the targets).' },
  responseBreaches: { name: 'incidents.response_breaches', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents that missed their response target.' },
  resolutionBreaches: { name: 'incidents.resolution_breaches', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents that missed their resolution target.' },
  unresolvedTotal: { name: 'incidents.unresolved', unit: 'count', better: 'lower', range: COUNT, doc: 'Incidents still open at the horizon.' },
  autoRemediated: { name: 'incidents.auto_remediated', unit: 'count', better: 'higher', range: COUNT, doc: 'Incidents closed by auto-remediation (each one an incident no operator had to fix).' },
} as const satisfies Record<string, MetricSpec>;

export const INCIDENT_COLUMNS = {
  open: { name: 'incidents.open.<priority>', unit: 'count', better: 'lower', range: COUNT, chart: 'open_incidents', sampled: 'at-end', doc: 'Open incidents of the priority at the interval end (false alarms excluded).' },
} as const satisfies Record<string, ColumnSpec>;

export const REQUEST_METRICS = {
  arrived: { name: 'requests.<request>.arrived', unit: 'count', better: 'neutral', range: COUNT, doc: 'Service requests (calls) that arrived.' },
  answered: { name: 'requests.<request>.answered', unit: 'count', better: 'higher', range: COUNT, doc: 'Service requests an operator picked up.' },
  waitMean: { name: 'requests.<request>.wait.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean wait of the answered requests.' },
  serviceLevel: { name: 'requests.<request>.service_level', label: '<request> answered within target', unit: 'fraction', better: 'higher', range: { lo: 0, hi: 1 }, key: 15, doc: 'Only with `answerTarget`: calls answered within the target ÷ offered calls whose outcome is decided (answered within the target, or waited past it: answered late or still waiting at the horizon; with `patience` or `queueCapacity`, a call that hung up or was blocked is a miss too).' },
  // The template names the request class under the `<sla>` label: the decision report finds SLA verdicts by that label (see SLA_ROLES), so a request class's target sits beside the SLAs with its P(met).
  serviceLevelMet: { name: 'requests.<sla>.service_level_met', label: '<sla> service-level target met', unit: 'fraction', better: 'higher', flag: true, range: { lo: 0, hi: 1 }, sla: 'met', doc: 'Only with `serviceLevelTarget` (here `<sla>` is the request class\'s name, the label the decision report finds verdicts by): 1 when the replication\'s service level (requests.<request>.service_level) reached the target, else 0; null when no call was decided (aggregated as the probability that the period meets the target).' },
  abandoned: { name: 'requests.<request>.abandoned', unit: 'count', better: 'lower', range: COUNT, doc: 'Only with `patience`: callers who hung up before an agent answered.' },
  abandonedFraction: { name: 'requests.<request>.abandoned_fraction', unit: 'fraction', better: 'lower', range: { lo: 0, hi: 1 }, doc: 'Only with `patience`: abandoned ÷ (answered + abandoned), over the calls whose wait ended in the measured period; Erlang A\'s P(abandon) in steady state without blocking.' },
  blocked: { name: 'requests.<request>.blocked', unit: 'count', better: 'lower', range: COUNT, doc: 'Only with `queueCapacity`: calls that found no free agent and the queue full, and were lost.' },
  blockedFraction: { name: 'requests.<request>.blocked_fraction', unit: 'fraction', better: 'lower', range: { lo: 0, hi: 1 }, doc: 'Only with `queueCapacity`: blocked ÷ arrived; Erlang B (queueCapacity 0) or M/M/c/K blocking in steady state when the class has its agents to itself.' },
  waitProbability: { name: 'requests.<request>.wait_probability', unit: 'fraction', better: 'lower', range: { lo: 0, hi: 1 }, doc: 'Only with `patience` or `queueCapacity`: share of the admitted (not blocked) calls that found no free agent and had to wait (Erlang C / Erlang A P(wait)).' },
} as const satisfies Record<string, MetricSpec>;

export const REPORTED_METRICS = {
  arrived: { name: 'incidents.reported.<stream>.arrived', unit: 'count', better: 'neutral', range: COUNT, doc: 'Incidents reported by users on the stream (incidents.reported) after warm-up; they are also counted, by priority, in incidents.<priority>.*.' },
} as const satisfies Record<string, MetricSpec>;

export const SCHEDULED_METRICS = {
  done: { name: 'scheduled.<job>.done', unit: 'count', better: 'higher', range: COUNT, doc: 'Runs of the scheduled job that an operator started.' },
  missed: { name: 'scheduled.<job>.missed', unit: 'count', better: 'lower', range: COUNT, doc: 'Runs not started by their deadline.' },
  startDelay: { name: 'scheduled.<job>.start_delay.mean', unit: 'seconds', better: 'lower', range: TIME, doc: 'Mean delay from the due time to the start of the run.' },
} as const satisfies Record<string, MetricSpec>;
