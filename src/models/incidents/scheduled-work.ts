/** Scheduled work (backups, patching, maintenance windows) that needs an operator and may take servers offline. */
import { Tally } from '../../engine/index.js';
import { distributionFromSpec as durationDist } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { TeamsPort } from '../staffing/ports.js';
import { SCHEDULED_METRICS } from './metrics.js';
import { teamNamed } from './routing.js';
import type { ScheduledWorkSpec } from './schema.js';

interface ScheduledJob {
  dueAt: number;
  queueHandle: number;
  started: boolean;
}

/** Builds every scheduled job (after the teams). */
export function buildScheduledWork(world: World, teams: TeamsPort, jobs: readonly ScheduledWorkSpec[]): void {
  const sim = world.sim;
  for (const spec of jobs) {
    const where = `scheduledWork.${spec.name}`;
    const team = teamNamed(teams, spec.team, where);
    const res = team.resource;
    const service = spec.service === undefined ? null : world.services.get(spec.service);
    if (service === undefined) throw new Error(`${where}: no service named "${String(spec.service)}"`);
    const rng = world.streams.stream(`incidents/scheduled/${spec.name}/duration`);
    const duration = durationDist(spec.duration);
    const prio = spec.priority;
    let done = 0;
    let missed = 0;
    const delay = new Tally();
    sim.onReset(() => {
      done = 0;
      missed = 0;
      delay.reset();
    });
    const start = (job: ScheduledJob): void => {
      job.started = true;
      job.queueHandle = -1;
      delay.add(sim.now - job.dueAt);
      const putBack = service !== null && spec.serversOffline > 0 ? service.takeOffline(spec.serversOffline, `scheduled work ${spec.name}`) : null;
      sim.post(duration.sample(rng), () => {
        putBack?.();
        done++;
        res.release();
      }, undefined);
    };
    const due = (): void => {
      const job: ScheduledJob = { dueAt: sim.now, queueHandle: -1, started: false };
      const h = res.seize(start, job, prio);
      if (h < 0) start(job);
      else {
        job.queueHandle = h;
        if (spec.deadline !== undefined) {
          sim.post(spec.deadline, (j: ScheduledJob) => {
            if (!j.started && res.withdraw(j.queueHandle)) missed++;
          }, job);
        }
      }
    };
    for (let t = spec.at; t <= world.horizon; t += spec.every ?? Infinity) {
      if (t >= sim.now) sim.scheduleAt(t, due, undefined);
    }
    world.recorder.metric(SCHEDULED_METRICS.done, { job: spec.name }, () => done);
    world.recorder.metric(SCHEDULED_METRICS.missed, { job: spec.name }, () => missed);
    world.recorder.metric(SCHEDULED_METRICS.startDelay, { job: spec.name }, () => delay.mean);
  }
}
