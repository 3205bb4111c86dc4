/**
 * Backups and batch windows. Each job starts at `at` and every `every` after; while a run is
 * going it holds `share` of every server of its service (service times stretch by
 * 1 ÷ (1 − share), through the services port's holdShare) and takes `servers` out of the pool.
 * A run still going `window` after its start has overrun: it eats into the hours the window
 * protects (the peak), which shows in the service's latency and in the overrun metrics.
 * A start while the previous run is still going is skipped (backup schedulers do not stack
 * runs of one job).
 *
 * A backup's recovery point is the start of its latest completed run (the copy holds the data
 * as of its start); before the first run completes, the previous cycle's start (`at − every`),
 * i.e. yesterday's copy is assumed to exist. Disaster-recovery runbooks restore from it.
 */
import { Tally, type Distribution, type Rng } from '../../engine/index.js';
import { distributionFromSpec } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { ServicesPort } from '../services/ports.js';
import type { BackupJobSpec } from './schema.js';
import { BACKUP_COLUMNS, BACKUP_METRICS } from './metrics.js';

export const DAY = 86400;

/** One job at run time: its schedule, its run in progress and its statistics. */
export class BackupJob {
  readonly name: string;
  readonly isBackup: boolean;
  /** Time to restore from this backup (null: not given). */
  readonly restoreTime: Distribution | null;
  /** Start of the run in progress (NaN when idle). */
  private runningSince = NaN;
  private lastCompletedStart: number;
  private readonly window: number;
  // Statistics since the end of warm-up.
  private runs = 0;
  private overruns = 0;
  private overrunSeconds = 0;
  private skipped = 0;
  private readonly durations = new Tally();

  constructor(readonly spec: BackupJobSpec) {
    this.name = spec.name;
    this.isBackup = spec.kind === 'backup';
    this.restoreTime = spec.restoreTime === undefined ? null : distributionFromSpec(spec.restoreTime);
    this.window = spec.window;
    this.lastCompletedStart = spec.at - spec.every;
  }

  /** Start of the latest run that completed (the data a restore brings back is as of then). */
  recoveryPoint(): number {
    return this.lastCompletedStart;
  }

  /** True while a run is going. */
  get running(): boolean {
    return !Number.isNaN(this.runningSince);
  }

  /** Starts a run now unless one is going; false when the start is skipped. */
  begin(now: number): boolean {
    if (this.running) {
      this.skipped++;
      return false;
    }
    this.runningSince = now;
    return true;
  }

  /** The run in progress ends now. */
  end(now: number): void {
    const start = this.runningSince;
    this.runningSince = NaN;
    this.lastCompletedStart = start;
    this.runs++;
    this.durations.add(now - start);
    const over = now - (start + this.window);
    if (over > 0) {
      this.overruns++;
      this.overrunSeconds += over;
    }
  }

  /** Overrun so far of the run in progress (0 when idle or inside its window). */
  private ongoingOverrun(now: number): number {
    return this.running ? Math.max(0, now - (this.runningSince + this.window)) : 0;
  }

  reset(): void {
    this.runs = 0;
    this.overruns = 0;
    this.overrunSeconds = 0;
    this.skipped = 0;
    this.durations.reset();
  }

  /** Registers the job's metrics and series column. */
  register(world: World): void {
    const rec = world.recorder;
    const now = (): number => world.sim.now;
    const labels = { job: this.name };
    rec.metric(BACKUP_METRICS.runs, labels, () => this.runs);
    rec.metric(BACKUP_METRICS.overruns, labels, () => this.overruns + (this.ongoingOverrun(now()) > 0 ? 1 : 0));
    rec.metric(BACKUP_METRICS.overrunMinutes, labels, () => (this.overrunSeconds + this.ongoingOverrun(now())) / 60);
    rec.metric(BACKUP_METRICS.windowMet, labels, () => {
      const over = this.overruns + (this.ongoingOverrun(now()) > 0 ? 1 : 0);
      if (over > 0) return 0;
      return this.runs > 0 ? 1 : NaN;
    });
    rec.metric(BACKUP_METRICS.duration, labels, () => this.durations.mean);
    rec.metric(BACKUP_METRICS.skipped, labels, () => this.skipped);
    rec.column(BACKUP_COLUMNS.running, labels, () => (this.running ? 1 : 0));
  }
}

/** Builds every job (after the services it loads); returns them by name (the backups port). */
export function buildBackups(world: World, services: ServicesPort, config: readonly BackupJobSpec[]): ReadonlyMap<string, BackupJob> {
  const sim = world.sim;
  const jobs = new Map<string, BackupJob>();
  for (const spec of config) {
    const where = `backups.${spec.name}`;
    if (jobs.has(spec.name)) throw new Error(`${where}: the name is used twice`);
    const pool = services.pools.get(spec.service);
    if (pool === undefined) throw new Error(`${where}.service: no service named "${spec.service}"`);
    const job = new BackupJob(spec);
    jobs.set(spec.name, job);
    const duration = distributionFromSpec(spec.duration);
    const rng: Rng = world.streams.stream(`backups/${spec.name}/duration`);
    const share = spec.share;
    const servers = spec.servers;
    let release: (() => void)[] = [];
    const finish = (): void => {
      for (const r of release) r();
      release = [];
      job.end(sim.now);
    };
    const every = spec.every;
    const start = (): void => {
      // The next start is scheduled now, one pending event per job whatever the horizon.
      if (sim.now + every < world.horizon) sim.post(every, start, undefined);
      if (!job.begin(sim.now)) return;
      if (share > 0) release.push(pool.holdShare(share));
      if (servers > 0) release.push(pool.takeOffline(servers, `backup ${spec.name}`));
      sim.post(duration.sample(rng), finish, undefined);
    };
    if (spec.at < world.horizon) sim.scheduleAt(Math.max(spec.at, sim.now), start, undefined);
    sim.onReset(() => job.reset());
    job.register(world);
  }
  return jobs;
}
