/**
 * The scenario fragment written by `opsim fit incidents`: YAML that validates against the
 * scenario schema, with a comment on every fitted value giving its source, sample size and
 * 95 % interval. It is a runnable scenario (the incident flow as an M_t/G/∞ station) and a
 * source of pieces to paste: incident types with fitted times to resolve, and the arrival profile.
 */
import { FAMILY, type DistSpec } from './families.js';
import type { DurationFit } from './durations.js';
import type { IncidentFit } from './incident-fit.js';
import type { Priority } from './incident-export.js';
import { PRIORITY_LIST } from './escalation.js';
import type { Estimate } from './mle.js';
import { duration, durationRange, pct, range, sig } from './format.js';

/** Impact and urgency on opsim's default matrix that give each priority (its diagonal). */
const DIAGONAL: Record<Priority, { impact: string; urgency: string }> = {
  P1: { impact: 'extensive', urgency: 'critical' },
  P2: { impact: 'significant', urgency: 'high' },
  P3: { impact: 'moderate', urgency: 'medium' },
  P4: { impact: 'minor', urgency: 'low' },
};

/** Name of the station that stands for the incident flow in the runnable fragment. */
export const RESOLUTION_SERVICE = 'incident-resolution';
/** Name of the load class of incident arrivals. */
export const ARRIVAL_CLASS = 'incidents';
/** Tier of the fitted incident types' one-step path: a scenario with operators needs a team at it. */
export const FLOW_TIER = 'L1';
/** Name of the file with the incident flow for a scenario with operators (written next to fitted-incidents.yaml). */
export const FLOW_FILE = 'fitted-incident-flow.yaml';

/** Options of incidentFragment. */
export interface FragmentOptions {
  /** Scenario name (default "fitted-incidents"). */
  name?: string;
  /** Horizon and warm-up of the runnable fragment in seconds (defaults: fragmentWarmup, and 30 days measured after it). */
  horizon?: number;
  warmup?: number;
  /** Command line that produced it, for the header. */
  command?: string;
}

const lines = (xs: (string | null)[]): string => xs.filter((x): x is string => x !== null).join('\n');

/** The fitted distribution as YAML lines at `indent`, each numeric field commented. */
export function distYaml(key: string, fit: DurationFit, indent: string, source: string, what = 'time to resolve'): string {
  const spec = fit.spec;
  const best = fit.fits[0];
  const head = `${indent}${key}:   # ${source}: ${what}, n = ${fit.n} (${fit.censored} censored); ${fit.chosen === 'empirical' ? fit.reason : `${fit.chosen} by maximum likelihood, ${fit.reason}`}`;
  if (spec.dist === 'empirical') {
    return lines([head, `${indent}  dist: empirical`, `${indent}  samples: [${spec.samples.map((s) => sig(s, 6)).join(', ')}]   # seconds; Kaplan–Meier median ${fit.median !== null ? duration(fit.median) : 'not reached'}`]);
  }
  const iv = best?.specIntervals ?? {};
  const field = (name: string, value: number, isDuration: boolean): string => {
    const e: Estimate | undefined = iv[name];
    const ci = e === undefined ? '' : `95 % CI ${isDuration ? durationRange(e) : range(e)}`;
    return `${indent}  ${name}: ${isDuration ? duration(value) : sig(value)}   # ${ci}; n = ${fit.n}`;
  };
  const body = specFields(spec).map(([name, value, isDuration]) => field(name, value, isDuration));
  return lines([head, `${indent}  dist: ${spec.dist}`, ...body]);
}

function specFields(spec: Exclude<DistSpec, { dist: 'empirical' }>): [string, number, boolean][] {
  switch (spec.dist) {
    case 'exponential':
      return [['mean', spec.mean, true]];
    case 'lognormal':
      return [['mean', spec.mean, true], ['sd', spec.sd, true]];
    case 'weibull':
      return [['shape', spec.shape, false], ['scale', spec.scale, true]];
    case 'gamma':
      return [['shape', spec.shape, false], ['mean', spec.mean, true]];
  }
}

/** How much the load may be scaled (--set load.incidents.scale=...) before the station could queue. */
export const STATION_HEADROOM = 4;

/**
 * Servers enough that the station never queues: its capacity (servers / mean time to resolve)
 * is STATION_HEADROOM times the peak arrival rate, so what-ifs that scale the load up to that
 * factor still see the time to resolve, not a queue (availability.capacity stays 1).
 */
export function stationServers(fit: IncidentFit): number {
  const peak = Math.max(...fit.arrivals.daily.map((d) => d.value), 1) * Math.max(...(fit.arrivals.weekly ?? []).map((w) => w.value), 1);
  return Math.ceil(STATION_HEADROOM * (fit.arrivals.ratePerHour.value / 3600) * peak * meanOf(fit.overall)) + 50;
}

/** Mean of the chosen distribution (seconds). */
export function meanOf(fit: DurationFit): number {
  const s = fit.spec;
  switch (s.dist) {
    case 'exponential':
    case 'lognormal':
    case 'gamma':
      return s.mean;
    case 'weibull':
      return fit.fits[0]!.mean.value;
    case 'empirical':
      return s.samples.reduce((a, b) => a + b, 0) / s.samples.length;
  }
}

const DAY = 86_400;

/**
 * The runnable fragment's warm-up: its station starts empty, so an incident finishing at time
 * t has a time to resolve below t; with a warm-up shorter than the tail the measured times are
 * cut short (90 days read the ServiceNow sample's p95 of 59.8 days as 46). It is at least
 * 90 days and at least the longest time the fit gives weight to (the largest empirical sample,
 * or the family's 99.9th percentile), in whole days, at most 2 years.
 */
export function fragmentWarmup(fit: DurationFit): number {
  const s = fit.spec;
  const family = fit.fits.find((f) => f.family === fit.chosen);
  const tail = s.dist === 'empirical' ? Math.max(...s.samples) : family !== undefined ? FAMILY[family.family].quantile(0.999, family.phi) : 0;
  return Math.min(730, Math.max(90, Math.ceil(tail / DAY))) * DAY;
}

/** The YAML fragment of an incident fit. */
export function incidentFragment(fit: IncidentFit, opts: FragmentOptions = {}): string {
  const src = fit.file.replace(/[\r\n]/g, ' ');
  const a = fit.arrivals;
  const warmup = opts.warmup ?? fragmentWarmup(fit.overall);
  const horizon = opts.horizon ?? warmup + 30 * DAY;
  const window = `${new Date(a.start).toISOString().slice(0, 16)}Z to ${new Date(a.end).toISOString().slice(0, 16)}Z`;
  const out: (string | null)[] = [
    `# Fitted by opsim fit incidents from ${src}${opts.command !== undefined ? ` (${opts.command.replace(/[\r\n]/g, ' ')})` : ''}.`,
    `# ${fit.incidents} incidents from ${fit.rows} rows; arrivals counted over ${a.hours} hours, ${window}; open incidents censored at ${new Date(fit.asOf).toISOString()}.`,
    `# Intervals are 95 %: Wald on the log scale for fitted parameters, exact Poisson for rates, Wilson for shares.`,
    ...[...fit.notes, ...a.notes].map((n) => `# Note: ${n}`),
    `# The runnable part models the incident flow as an M_t/G/inf station: each open incident holds one of`,
    `# ${RESOLUTION_SERVICE}'s servers for its time to resolve, so response_time there is the time to resolve.`,
    `# For a scenario with operators, extend ${FLOW_FILE} (written next to this file): the same types and`,
    `# one incidents.reported stream per priority. Their fix time is the export's elapsed time to resolve`,
    `# (waiting included), a first estimate until handling times are measured.`,
    `name: ${opts.name ?? 'fitted-incidents'}`,
    `description: Incident flow fitted from ${JSON.stringify(src.split('/').pop() ?? src)}.`,
    `horizon: ${duration(horizon)}   # the warm-up and ${duration(horizon - warmup)} measured`,
    `warmup: ${duration(warmup)}   # at least the longest time to resolve fitted (at most 2 years): what finishes after it has the whole tail`,
    `interval: 1h`,
    `load:`,
    `  - name: ${ARRIVAL_CLASS}`,
    `    service: ${RESOLUTION_SERVICE}`,
    `    rate: ${sig(a.ratePerHour.value)}/h   # ${src}: ${a.count} arrivals in ${a.hours} h; 95 % CI ${range(a.ratePerHour)}/h`,
    `    daily:   # hour-of-day multipliers of the mean rate${a.block > 1 ? ` (${a.block}-hour blocks)` : ''}; dispersion χ²/df ${a.dispersion.ratio.toFixed(2)}`,
    ...a.daily.map((d, h) => `      - ${sig(d.value, 3)}   # ${String(h).padStart(2, '0')}:00, ${a.byHourOfDay[h]!.count} arrivals in ${a.byHourOfDay[h]!.exposure} h; 95 % CI ${range(d)}`),
    a.weekly === null ? `    # weekly: not fitted (${a.notes.find((n) => n.startsWith('weekly')) ?? 'too few days'})` : `    weekly:   # day-of-week multipliers, Monday first`,
    ...(a.weekly ?? []).map((w, d) => `      - ${sig(w.value, 3)}   # ${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d]}; 95 % CI ${range(w)}`),
    `services:`,
    `  - name: ${RESOLUTION_SERVICE}`,
    `    servers: ${stationServers(fit)}   # ${STATION_HEADROOM}× what the peak rate needs: no incident waits, even with the load scaled up to ${STATION_HEADROOM}×`,
    distYaml('serviceTime', fit.overall, '    ', `all priorities`),
    `teams:   # incidents.types route to a team at their tier; nothing raises incidents in this fragment, so it idles`,
    `  - name: resolvers`,
    `    tier: L1`,
    `    headcount: 0   # operators work the flow in a scenario that extends ${FLOW_FILE}`,
    `incidents:`,
    `  types:`,
    ...typesYaml(fit),
    ...escalationComments(fit),
  ];
  return lines(out) + '\n';
}

/** Name of the one incident type written when the export gives no priorities. */
const UNPRIORITISED = 'incident';

/** "15 of 880 incidents, 1.7 % (95 % CI 1.0–2.8 %)": a priority's share of the incidents with a known priority. */
function shareText(fit: IncidentFit, s: IncidentFit['mix']['priority'][number]): string {
  return `${s.count} of ${fit.incidents - fit.mix.unknownPriority} incidents, ${pct(s.share.value)} (95 % CI ${pct(s.share.lower)}–${pct(s.share.upper)})`;
}

/**
 * The incident types P1–P4 (each priority seen in the export), as YAML list items under
 * `incidents.types`: impact and urgency on the default matrix's diagonal, and a one-tier path
 * whose fix is the priority's fitted time to resolve. A priority none of whose incidents was
 * resolved has no time of its own: it takes the all-priorities fit, and says so.
 */
function typesYaml(fit: IncidentFit): string[] {
  if (fit.byPriority.length === 0) {
    return [
      `    - name: ${UNPRIORITISED}   # no incident in the export has a known priority: one type for all`,
      `      impact: moderate   # with urgency, gives P3 on the default matrix`,
      `      urgency: medium`,
      `      path:`,
      `        - tier: ${FLOW_TIER}`,
      `          diagnosis: 0s`,
      distYaml('fix', fit.overall, '          ', 'all incidents'),
    ];
  }
  return fit.byPriority.flatMap(({ priority, fit: d }) => {
    const share = fit.mix.priority.find((p) => p.priority === priority);
    const own = d.events > 0;
    return [
      `    - name: ${priority}   # ${share !== undefined ? shareText(fit, share) : ''}`,
      `      impact: ${DIAGONAL[priority].impact}   # with urgency, gives ${priority} on the default matrix`,
      `      urgency: ${DIAGONAL[priority].urgency}`,
      `      path:`,
      `        - tier: ${FLOW_TIER}`,
      `          diagnosis: 0s`,
      own ? distYaml('fix', d, '          ', `priority ${priority}`) : null,
      own ? null : distYaml('fix', fit.overall, '          ', `all priorities (none of the ${d.n} ${priority} incidents was resolved)`),
    ].filter((x): x is string => x !== null);
  });
}

/** Operators the flow keeps busy on average: Σ over priorities of rate × share × mean fix (the fix each type is written with). */
export function offeredOperators(fit: IncidentFit): number {
  const rate = fit.arrivals.ratePerHour.value / 3600;
  if (fit.mix.priority.length === 0) return rate * meanOf(fit.overall);
  return fit.mix.priority.reduce((sum, k) => {
    const d = fit.byPriority.find((p) => p.priority === k.priority)?.fit;
    return sum + rate * k.share.value * meanOf(d !== undefined && d.events > 0 ? d : fit.overall);
  }, 0);
}

/**
 * The incident flow for a scenario with operators, as a base to `extends`: the incident types
 * P1–P4 and one `incidents.reported` stream per priority seen in the export, at the fitted rate
 * × the priority's share, with the fitted daily (and weekly) profile, each worked as its own
 * type (`type: Pn`, so every priority has its own time to resolve) and held at its priority
 * (`priorities: { Pn: 1 }`, whatever the scenario's priority matrix). Incidents without a known
 * priority are spread over the priorities in proportion to the shares, so the streams sum to the
 * fitted rate. A priority with no incident in the export has no stream (share 0).
 */
export function incidentFlowFragment(fit: IncidentFit, opts: { command?: string } = {}): string {
  const src = fit.file.replace(/[\r\n]/g, ' ');
  const a = fit.arrivals;
  const rate = a.ratePerHour.value;
  const profile = [
    `      daily: [${a.daily.map((d) => sig(d.value, 3)).join(', ')}]   # hour-of-day multipliers${a.block > 1 ? ` (${a.block}-hour blocks)` : ''}, as the load class in fitted-incidents.yaml`,
    a.weekly === null ? null : `      weekly: [${a.weekly.map((w) => sig(w.value, 3)).join(', ')}]   # Monday first`,
  ];
  const known = fit.mix.priority;
  const offered = offeredOperators(fit);
  const out: (string | null)[] = [
    `# Fitted by opsim fit incidents from ${src}${opts.command !== undefined ? ` (${opts.command.replace(/[\r\n]/g, ' ')})` : ''}: the incident flow for a scenario`,
    `# with operators. Take it as the base of your scenario and add a team at tier ${FLOW_TIER}, e.g.`,
    `#   extends: ${FLOW_FILE}`,
    `#   name: my-desk`,
    `#   horizon: 7d`,
    `#   teams:`,
    `#     - { name: resolvers, tier: ${FLOW_TIER}, headcount: ${Math.max(1, Math.ceil(1.25 * offered))} }   # a quarter above the offered work below`,
    `# One incidents.reported stream per priority: ${sig(rate)}/h (${a.count} arrivals in ${a.hours} h) × the priority's share of the`,
    `# ${fit.incidents - fit.mix.unknownPriority} incidents with a known priority${fit.mix.unknownPriority > 0 ? ` (the ${fit.mix.unknownPriority} without one are spread in proportion)` : ''}, with the fitted daily${a.weekly === null ? '' : ' and weekly'} profile; time 0 is Monday 00:00`,
    `# on the export's clock. Each is worked as the type of its priority, whose fix is that priority's time to resolve.`,
    `# That time is the export's elapsed time to resolve, waiting included: an operator holding an incident`,
    `# for all of it overstates the work (read the operators' utilisation with that in mind) until handling`,
    `# times are measured; replace the fix of each type with them. Offered work at these rates and times:`,
    `# ${sig(offered, 3)} operators busy on average (Σ rate × mean fix over the priorities); a team no larger queues without bound.`,
    ...PRIORITY_LIST.filter((p) => known.length > 0 && !known.some((k) => k.priority === p)).map((p) => `# ${p}: no incident in the export: no stream.`),
    `incidents:`,
    `  types:`,
    ...typesYaml(fit),
    `  reported:`,
    ...(known.length === 0 ? [`    - name: incidents   # no incident in the export has a known priority: one stream at the whole rate`, `      type: ${UNPRIORITISED}`, `      rate: ${sig(rate, 6)}/h`, ...profile] : []),
    ...known.flatMap((k) => [
      `    - name: ${k.priority}   # ${shareText(fit, k)}`,
      `      type: ${k.priority}`,
      `      priorities: { ${k.priority}: 1 }`,
      `      rate: ${sig(rate * k.share.value, 6)}/h   # ${sig(rate)}/h × ${pct(k.share.value)}`,
      ...profile,
    ]),
  ];
  return lines(out) + '\n';
}

/** The mix that has no scenario field yet, as comments a planner can use when writing paths. */
function escalationComments(fit: IncidentFit): string[] {
  const m = fit.mix;
  const out = [`# Escalation proxy (reassignments per incident, ${m.reassignmentKnown} incidents):`];
  for (const r of m.reassignments) out.push(`#   ${r.label}: ${r.count} (${pct(r.share.value)}, 95 % CI ${pct(r.share.lower)}–${pct(r.share.upper)})`);
  out.push(`#   read as: resolved where first assigned ≈ share with 0; reaching L2 ≈ 1 or more; L3 ≈ 2 or more (resolveProbability of each tier).`);
  if (m.reopenRate !== null) out.push(`# Reopened at least once: ${pct(m.reopenRate.value)} of ${m.reopenKnown} (95 % CI ${pct(m.reopenRate.lower)}–${pct(m.reopenRate.upper)}).`);
  if (m.impactUrgency.length > 0) out.push(`# Impact × urgency in the export: ${m.impactUrgency.map((c) => `${c.impact} / ${c.urgency}: ${c.count}`).join('; ')}.`);
  return out;
}
