/**
 * Backups and batch windows (Operations Control's scheduled jobs): a job that holds part of a
 * service's capacity while it runs, due to finish inside its window. Owned by the backups
 * model (runtime.ts here).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DurationDist } from '../../scenario/schema/distribution.js';
import { Duration, Fraction } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

/** The shared random-duration schema with a field-specific description. */
const randomDuration = (description: string): typeof DurationDist => ({ ...DurationDist, description });

export const BackupJob = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the job, e.g. "nightly-db-backup".' }),
    kind: Defaulted(
      Type.Union([Type.Literal('backup'), Type.Literal('batch')], {
        description: '"backup": a copy a disaster-recovery runbook can restore from; "batch": a batch run (reports, reconciliations) nothing restores from.',
      }),
      'backup',
    ),
    service: Type.String({ minLength: 1, description: 'Service whose capacity the job uses while it runs (the database it reads, the storage it writes).' }),
    at: Duration({ description: 'Start of the first run, from time 0 (Monday 00:00 UTC), e.g. "1h" for 01:00 on the first day.' }),
    every: Defaulted(Duration({ exclusiveMinimum: true, description: 'Time between starts ("1d": a nightly job).' }), '1d'),
    window: Duration({ exclusiveMinimum: true, description: 'The batch window: a run still going this long after its start has overrun (e.g. "5h" for a 01:00 job due by the 06:00 peak).' }),
    duration: randomDuration('How long one run takes, e.g. { dist: lognormal, mean: 4h, sd: 1h }.'),
    share: Defaulted(Fraction({ description: 'Share of every server\'s capacity the job holds while it runs (I/O, CPU): service times stretch by 1 ÷ (1 − share). Below 1.' }), 0),
    servers: Defaulted(Type.Integer({ minimum: 0, maximum: 100_000, description: 'Servers taken out of the pool while it runs.' }), 0),
    restoreTime: Type.Optional(randomDuration('Backups only: how long restoring from this backup takes; a disaster-recovery runbook step with `action: restore` naming it takes this long unless it gives its own duration.')),
  },
  { additionalProperties: false, description: 'A scheduled backup or batch job with its window.' },
);
export type BackupJobSpec = Static<typeof BackupJob>;

export const BackupsFields = {
  backups: Type.Optional(Type.Array(BackupJob, { description: 'Backups and batch jobs that hold service capacity over their windows.' })),
};
