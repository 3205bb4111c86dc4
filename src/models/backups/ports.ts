/** The port the backups model gives: its jobs, which disaster-recovery runbooks restore from. */
import type { BackupJob } from './runtime.js';

/** Backup and batch jobs by name (empty when the scenario declares none). */
export type BackupsPort = ReadonlyMap<string, BackupJob>;

declare module '../kernel/plugin.js' {
  interface Ports {
    backups: BackupsPort;
  }
}
