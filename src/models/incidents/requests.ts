/**
 * Request fulfilment: service requests (calls, access requests) that compete with incidents
 * for the operators of a team, with their service level against an answer target. Callers
 * may hang up after their patience (Erlang A, M/M/c+M) and the queue may have a finite
 * room (trunk lines: blocked calls are lost, Erlang B and M/M/c/K); both only when the
 * scenario asks, so a request class without them runs exactly as before.
 */
import { exponential, Tally } from '../../engine/index.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { TeamsPort } from '../staffing/ports.js';
import { REQUEST_METRICS } from './metrics.js';
import { teamNamed } from './routing.js';
import type { ServiceRequestSpec } from './schema.js';

interface RequestJob {
  arrivedAt: number;
  /** The team queue's handle while waiting (-1 when answered or gone). */
  queueHandle: number;
  /** The caller's hang-up event while waiting (-1: none or done). */
  hangUp: number;
}

/** Builds every request class (after the teams). */
export function buildRequests(world: World, teams: TeamsPort, requests: readonly ServiceRequestSpec[]): void {
  const sim = world.sim;
  for (const spec of requests) {
    const team = teamNamed(teams, spec.team, `requests.${spec.name}`);
    const res = team.resource;
    const arrivals = world.streams.stream(`incidents/requests/${spec.name}/arrivals`);
    const handleRng = world.streams.stream(`incidents/requests/${spec.name}/handle`);
    const handle = durationDist(spec.handleTime);
    const target = spec.answerTarget ?? 0;
    const prio = spec.priority;
    // Patience is drawn for every call at arrival, answered at once or not, so the draws
    // follow the arrivals and not the staffing (common random numbers across policies).
    const patience = spec.patience === undefined ? null : durationDist(spec.patience);
    const patienceRng = patience === null ? null : world.streams.stream(`incidents/requests/${spec.name}/patience`);
    const room = spec.queueCapacity ?? Infinity;
    const waits = new Tally();
    // Service level over every offered call, Erlang C's P(wait ≤ target): a call's outcome is
    // decided when it is answered within the target (a hit) or when it has waited the target
    // without an answer (a miss, at arrival + target, whether it is answered later or is
    // still waiting at the horizon). Outcomes decided in the measured period are counted;
    // calls still inside their target at the horizon are undecided and left out.
    let withinTarget = 0;
    let missed = 0;
    let arrived = 0;
    let abandoned = 0;
    let blocked = 0;
    let admitted = 0;
    let queued = 0;
    let statsFrom = sim.now;
    const waiting = new Set<RequestJob>();
    sim.onReset(() => {
      waits.reset();
      withinTarget = 0;
      missed = 0;
      arrived = 0;
      abandoned = 0;
      blocked = 0;
      admitted = 0;
      queued = 0;
      statsFrom = sim.now;
    });
    const done = (): void => res.release();
    const start = (job: RequestJob): void => {
      waiting.delete(job);
      job.queueHandle = -1;
      if (job.hangUp >= 0) {
        sim.cancel(job.hangUp);
        job.hangUp = -1;
      }
      const w = sim.now - job.arrivedAt;
      // Waits are counted when answered, so a call answered after warm-up counts whole.
      waits.add(w);
      if (w <= target) withinTarget++;
      else if (job.arrivedAt + target >= statsFrom) missed++;
      // Requests that (in odd cases) start after the on-call latency are delayed as well.
      sim.post(team.startLatency() + handle.sample(handleRng), done, undefined);
    };
    /** Misses among the calls still waiting now (decided in the measured period). */
    const missedWaiting = (): number => {
      let n = 0;
      for (const job of waiting) if (sim.now - job.arrivedAt > target && job.arrivedAt + target >= statsFrom) n++;
      return n;
    };
    /** The caller's patience ran out before an answer: leave the queue; a miss of the service level. */
    const hangUp = (job: RequestJob): void => {
      job.hangUp = -1;
      if (!res.withdraw(job.queueHandle)) return;
      job.queueHandle = -1;
      waiting.delete(job);
      abandoned++;
      // Decided now when within the target, else at arrival + target (like a late answer).
      if (sim.now - job.arrivedAt <= target || job.arrivedAt + target >= statsFrom) missed++;
    };
    const rate = spec.rate;
    if (rate > 0) {
      const gap = exponential(rate);
      const arrive = (): void => {
        arrived++;
        const job: RequestJob = { arrivedAt: sim.now, queueHandle: -1, hangUp: -1 };
        const wait = patience === null ? 0 : patience.sample(patienceRng!);
        // No free agent (or others queued first) and the class's waiting room full: blocked, lost.
        if (waiting.size >= room && (res.free === 0 || res.waiting > 0)) {
          blocked++;
          missed++;
        } else {
          admitted++;
          const h = res.seize(start, job, prio);
          if (h < 0) start(job);
          else {
            queued++;
            job.queueHandle = h;
            waiting.add(job);
            if (patience !== null) job.hangUp = sim.schedule(wait, hangUp, job);
          }
        }
        const next = gap.sample(arrivals);
        if (sim.now + next <= world.horizon) sim.schedule(next, arrive, undefined);
      };
      const first = gap.sample(arrivals);
      if (first <= world.horizon) sim.schedule(first, arrive, undefined);
    }
    const n = spec.name;
    world.recorder.metric(REQUEST_METRICS.arrived, { request: n }, () => arrived);
    world.recorder.metric(REQUEST_METRICS.answered, { request: n }, () => waits.count);
    world.recorder.metric(REQUEST_METRICS.waitMean, { request: n }, () => waits.mean);
    if (patience !== null) {
      world.recorder.metric(REQUEST_METRICS.abandoned, { request: n }, () => abandoned);
      world.recorder.metric(REQUEST_METRICS.abandonedFraction, { request: n }, () => (waits.count + abandoned > 0 ? abandoned / (waits.count + abandoned) : NaN));
    }
    if (spec.queueCapacity !== undefined) {
      world.recorder.metric(REQUEST_METRICS.blocked, { request: n }, () => blocked);
      world.recorder.metric(REQUEST_METRICS.blockedFraction, { request: n }, () => (arrived > 0 ? blocked / arrived : NaN));
    }
    if (patience !== null || spec.queueCapacity !== undefined) {
      world.recorder.metric(REQUEST_METRICS.waitProbability, { request: n }, () => (admitted > 0 ? queued / admitted : NaN));
    }
    if (spec.answerTarget !== undefined) {
      const serviceLevel = (): number => {
        const decided = withinTarget + missed + missedWaiting();
        return decided > 0 ? withinTarget / decided : NaN;
      };
      world.recorder.metric(REQUEST_METRICS.serviceLevel, { request: n }, serviceLevel);
      const goal = spec.serviceLevelTarget;
      // The period's verdict against the target; undecided (NaN) when no call was decided.
      if (goal !== undefined) {
        world.recorder.metric(REQUEST_METRICS.serviceLevelMet, { sla: n }, () => {
          const level = serviceLevel();
          return Number.isNaN(level) ? NaN : level >= goal ? 1 : 0;
        });
      }
    }
  }
}
