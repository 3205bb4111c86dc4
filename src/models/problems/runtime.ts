/**
 * Problem management (ITIL). Incidents whose cause matches a problem's (a failure class, a
 * service, an incident type) are its recurrences. At the threshold-th recurrence the problem
 * is opened and queued to its team like scheduled work; an operator's root-cause analysis
 * ends in a known error, whose workaround shortens the work of every later recurring
 * incident. A permanent fix, ready some time after the known error and optionally delivered
 * as a change through the change calendar, ends the failures of the cause: the failures model
 * keeps their clocks running but no longer fails them, and counts each one avoided.
 *
 * A "problem" here is the ITIL record; the kernel's Problem (kernel/problems.ts) is one broken
 * thing on the board, i.e. one occurrence of a cause.
 */
import type { Distribution, Rng } from '../../engine/index.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { IncidentDesk, IncidentRequest } from '../incidents/desk.js';
import { DEFAULT_WORK_PRIORITY } from '../incidents/routing.js';
import type { Team } from '../staffing/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';
import type { ChangesPort } from '../changes/ports.js';
import { PROBLEM_METRICS } from './metrics.js';
import type { RecurrencePort } from './ports.js';
import type { ProblemSpecT } from './schema.js';

// The threshold, analysis work and workaround share default in the schema (schema.ts); the
// analysis time and workaround share are [U] placeholders.

/** One problem record and where it stands. */
export class ProblemRecord {
  /** Recurrences since the start (they decide when the problem opens). */
  seen = 0;
  /** Recurrences in the measured period. */
  recurrences = 0;
  /** Failures the permanent fix avoided in the measured period. */
  avoided = 0;
  openedAt: number | null = null;
  knownErrorAt: number | null = null;
  fixedAt: number | null = null;
  readonly analysisRng: Rng;
  readonly fixRng: Rng;
  readonly analysis: Distribution;
  readonly fixAfter: Distribution | null;

  constructor(readonly spec: ProblemSpecT, world: World, readonly team: Team) {
    this.analysisRng = world.streams.stream(`problems/${spec.name}/analysis`);
    this.fixRng = world.streams.stream(`problems/${spec.name}/fix`);
    this.analysis = durationDist(spec.analysis);
    const fix = spec.permanentFix;
    this.fixAfter = fix === undefined ? null : durationDist(fix.after);
  }

  /** True when an incident of type `type` about `req` is a recurrence of this problem. */
  matches(type: string, req: IncidentRequest): boolean {
    const c = this.spec.cause;
    if (c.class !== undefined && req.problem?.kind !== `${c.class}-failure`) return false;
    if (c.service !== undefined && req.problem?.service !== c.service) return false;
    if (c.incidentType !== undefined && type !== c.incidentType) return false;
    return c.class !== undefined || c.incidentType !== undefined;
  }

  /** Open and not yet permanently fixed. */
  get inBacklog(): boolean {
    return this.openedAt !== null && this.fixedAt === null;
  }
}

/** Builds problem management (after the incident desk, the teams and change management). */
export function buildProblems(world: World, desk: IncidentDesk, teams: TeamsPort, changes: ChangesPort, recurrence: RecurrencePort, specs: readonly ProblemSpecT[]): ProblemRecord[] {
  const sim = world.sim;
  const records: ProblemRecord[] = [];
  for (const spec of specs) {
    const team = teams.get(spec.team);
    if (team === undefined) throw new Error(`problems.${spec.name}.team: no team named "${spec.team}"`);
    records.push(new ProblemRecord(spec, world, team));
  }
  if (records.length === 0) return records;
  sim.onReset(() => {
    for (const r of records) r.recurrences = r.avoided = 0;
  });

  const fixed = (r: ProblemRecord): void => {
    r.fixedAt = sim.now;
    const cls = r.spec.cause.class;
    if (cls === undefined) return;
    const kind = `${cls}-failure`;
    const service = r.spec.cause.service;
    recurrence.stopRecurrence({
      matches: (k, s) => k === kind && (service === undefined || s === service),
      avoided: () => void r.avoided++,
    });
  };

  const deliver = (r: ProblemRecord): void => {
    const via = r.spec.permanentFix?.change;
    if (via === undefined) {
      fixed(r);
      return;
    }
    // A failed fix is rolled back or repaired through the incident path; the fix is requested again.
    const attempt = (): void => changes.request(via, (failed) => (failed ? attempt() : fixed(r)));
    attempt();
  };

  const knownError = (r: ProblemRecord): void => {
    r.knownErrorAt = sim.now;
    if (r.fixAfter !== null) sim.post(r.fixAfter.sample(r.fixRng), deliver, r);
  };

  const open = (r: ProblemRecord): void => {
    r.openedAt = sim.now;
    const res = r.team.resource;
    const work = r.analysis.sample(r.analysisRng);
    const start = (rec: ProblemRecord): void => {
      sim.post(rec.team.startLatency() + work, (done: ProblemRecord) => {
        res.release();
        knownError(done);
      }, rec);
    };
    if (res.seize(start, r, DEFAULT_WORK_PRIORITY) < 0) start(r);
  };

  desk.openHooks.push((type, req) => {
    let factor = 1;
    for (const r of records) {
      if (!r.matches(type, req)) continue;
      r.seen++;
      r.recurrences++;
      if (r.knownErrorAt !== null) factor *= r.spec.workaround;
      if (r.openedAt === null && r.seen >= r.spec.threshold) open(r);
    }
    return factor;
  });

  const rec = world.recorder;
  const M = PROBLEM_METRICS;
  for (const r of records) {
    const labels = { problem: r.spec.name };
    rec.metric(M.recurrences, labels, () => r.recurrences);
    rec.metric(M.avoided, labels, () => r.avoided);
    rec.metric(M.timeToKnownError, labels, () => (r.knownErrorAt === null || r.openedAt === null ? NaN : r.knownErrorAt - r.openedAt));
    rec.metric(M.fixedAt, labels, () => r.fixedAt ?? NaN);
  }
  rec.metric(M.backlog, {}, () => records.filter((r) => r.inBacklog).length);
  return records;
}
