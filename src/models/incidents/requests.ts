/**
 * Request fulfilment: service requests (calls, access requests) that compete with incidents
 * for the operators of a team, with their service level against an answer target.
 */
import { exponential, Tally } from '../../engine/index.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { TeamsPort } from '../staffing/ports.js';
import { REQUEST_METRICS } from './metrics.js';
import { DEFAULT_WORK_PRIORITY, teamNamed } from './routing.js';

interface RequestJob {
  arrivedAt: number;
}

/** Builds every request class (after the teams). */
export function buildRequests(world: World, teams: TeamsPort): void {
  const sim = world.sim;
  for (const spec of world.scenario.requests ?? []) {
    const team = teamNamed(teams, spec.team, `requests.${spec.name}`);
    const res = team.resource;
    const arrivals = world.streams.stream(`incidents/requests/${spec.name}/arrivals`);
    const handleRng = world.streams.stream(`incidents/requests/${spec.name}/handle`);
    const handle = durationDist(spec.handleTime);
    const target = spec.answerTarget ?? 0;
    const prio = spec.priority ?? DEFAULT_WORK_PRIORITY;
    const waits = new Tally();
    // Service level over every offered call, Erlang C's P(wait ≤ target): a call's outcome is
    // decided when it is answered within the target (a hit) or when it has waited the target
    // without an answer (a miss, at arrival + target, whether it is answered later or is
    // still waiting at the horizon). Outcomes decided in the measured period are counted;
    // calls still inside their target at the horizon are undecided and left out.
    let withinTarget = 0;
    let missed = 0;
    let arrived = 0;
    let statsFrom = sim.now;
    const waiting = new Set<RequestJob>();
    sim.onReset(() => {
      waits.reset();
      withinTarget = 0;
      missed = 0;
      arrived = 0;
      statsFrom = sim.now;
    });
    const done = (): void => res.release();
    const start = (job: RequestJob): void => {
      waiting.delete(job);
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
    const rate = spec.rate;
    if (rate > 0) {
      const gap = exponential(rate);
      const arrive = (): void => {
        arrived++;
        const job: RequestJob = { arrivedAt: sim.now };
        if (res.seize(start, job, prio) < 0) start(job);
        else waiting.add(job);
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
    if (spec.answerTarget !== undefined) {
      world.recorder.metric(REQUEST_METRICS.serviceLevel, { request: n }, () => {
        const decided = withinTarget + missed + missedWaiting();
        return decided > 0 ? withinTarget / decided : NaN;
      });
    }
  }
}
