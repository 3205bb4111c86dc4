/**
 * Sites and disaster recovery (Facilities Management's data centers and recovery sites,
 * Operations Control's disaster-recovery procedures). A site groups rooms and services by
 * name; a site may name a recovery site that takes its services' load over after a disaster,
 * by a failover runbook of steps that rostered teams execute, and hands it back by a failback
 * runbook. Owned by the sites model (runtime.ts here).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DurationDist } from '../../scenario/schema/distribution.js';
import { Duration, Fraction } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';

/** The shared random-duration schema with a field-specific description. */
const randomDuration = (description: string): typeof DurationDist => ({ ...DurationDist, description });

export const RunbookStep = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the step, e.g. "declare-disaster" (unique in its runbook).' }),
    team: Type.Optional(Type.String({ minLength: 1, description: 'Team one of whose operators does the step (it waits for a free one; an operator on call starts after the response latency, paid once per team and runbook). Default: no one, the step being automated or outside the model.' })),
    action: Defaulted(
      Type.Union([Type.Literal('work'), Type.Literal('bring-up'), Type.Literal('restore'), Type.Literal('switch')], {
        description:
          'What finishing the step does: "work" nothing but take time; "bring-up" starts the recovery site\'s servers that were not standing; "restore" restores the data from `backup` (its copy sets the recovery point); "switch" moves the load (to the recovery site in a failover, back home in a failback). A runbook without a switch step switches when its last step ends.',
      }),
      'work',
    ),
    duration: Type.Optional(randomDuration('Time the step takes once an operator is on it. Default: the recovery site\'s `bringUp` for bring-up, the backup\'s `restoreTime` for restore, 0 for switch; required for work steps.')),
    backup: Type.Optional(Type.String({ minLength: 1, description: 'Restore steps: the backup job (in `backups`) restored from.' })),
    after: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Steps of the same runbook that must end before this one starts (default: the step before it; [] starts at once).' })),
  },
  { additionalProperties: false, description: 'One step of a failover or failback runbook.' },
);
export type RunbookStepSpec = Static<typeof RunbookStep>;

export const StandbyPair = Type.Object(
  {
    service: Type.String({ minLength: 1, description: 'A service of this site.' }),
    standby: Type.String({ minLength: 1, description: 'The service of the recovery site that takes its load over.' }),
  },
  { additionalProperties: false, description: 'A service and its standby at the recovery site.' },
);

export const Recovery = Type.Object(
  {
    site: Type.String({ minLength: 1, description: 'The recovery site (another entry of `sites`).' }),
    mode: Type.Union([Type.Literal('hot'), Type.Literal('warm'), Type.Literal('cold')], {
      description: 'Readiness of the recovery site (NIST SP 800-34): "hot" runs all its standby servers (defaults: standing 100 %, bringUp 0); "warm" runs some (standing 25 %, bringUp 4h); "cold" has space and power only (standing 0, bringUp 48h). The numbers are assumptions; give your own.',
    }),
    standing: Type.Optional(Fraction({ description: 'Share of every standby service\'s servers running before a disaster (rounded down); the rest start when a bring-up step ends. Default by mode.' })),
    bringUp: Type.Optional(randomDuration('Time a bring-up step takes to start the standby servers that were not standing, unless the step gives its own duration. Default by mode.')),
    pairs: Type.Array(StandbyPair, { description: 'Each service of this site that fails over, and its standby.' }),
    costPerHour: Defaulted(
      Type.Number({
        minimum: 0,
        description:
          'What one standby server costs per hour while it runs at the recovery site: standing before a disaster, or brought up until it stands down again (hosting, power, licences, or a DR provider\'s running rate). Summed into cost.recovery and cost.total; on top of the standby service\'s own `costPerHour`, if it has one.',
      }),
      0,
    ),
    reserveCostPerHour: Defaulted(
      Type.Number({
        minimum: 0,
        description:
          'What one standby server not standing costs per hour while it is kept in reserve (warm: provisioned and powered down; cold: the space and the contract for it); from its bring-up it pays `costPerHour`. Summed into cost.recovery and cost.total.',
      }),
      0,
    ),
    feePerMonth: Defaulted(
      Type.Number({
        minimum: 0,
        description:
          'The DR contract\'s subscription: what keeping the plan costs per month whatever happens (a hot-site contract\'s or a DRaaS service\'s monthly fee), paid pro rata over the measured period, a month being 730 hours (8760 ÷ 12). Summed into cost.recovery and cost.total, on top of the per-server prices.',
      }),
      0,
    ),
    invocationFee: Defaulted(
      Type.Number({
        minimum: 0,
        description:
          'What the DR contract charges each time the plan is invoked (a declaration or invocation fee): paid once per failover, when its first bring-up, restore or switch step is taken up by an operator (or begins, without a team) in the measured period, or, with no such step, when its runbook ends and the load moves; a failover called off before then pays nothing. Summed into cost.recovery and cost.total.',
      }),
      0,
    ),
    replication: Type.Optional(
      Type.Object(
        { lag: randomDuration('How far the recovery site\'s copy of the data trails the site, drawn at each disaster ("0": synchronous replication).') },
        { additionalProperties: false, description: 'Data replication to the recovery site; without it the data comes from a restore step.' },
      ),
    ),
    targets: Type.Optional(
      Type.Object(
        {
          rto: Type.Optional(Duration({ description: 'Recovery time objective: longest acceptable time from a disaster to the service restored.' })),
          rpo: Type.Optional(Duration({ description: 'Recovery point objective: longest acceptable span of data lost.' })),
        },
        { additionalProperties: false, description: 'Recovery objectives the verdicts judge.' },
      ),
    ),
    failover: Type.Array(RunbookStep, { minItems: 1, description: 'The failover runbook, started at the disaster.' }),
    failback: Type.Optional(Type.Array(RunbookStep, { description: 'The failback runbook, started when the site works again and the failover has ended; without it the load stays at the recovery site.' })),
  },
  { additionalProperties: false, description: 'Where and how the site\'s services recover after a disaster.' },
);
export type RecoverySpec = Static<typeof Recovery>;

export const Disaster = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Label (names its random streams; default its position).' })),
    kind: Type.Union([Type.Literal('power'), Type.Literal('cooling'), Type.Literal('network')], {
      description: '"power": every server of the site loses power (work in progress is lost); "cooling": every cooling unit of the site\'s rooms stops, so the rooms heat until their servers shut down; "network": the site is cut off (its servers leave service, work in progress ends).',
    }),
    at: Type.Optional(Duration({ description: 'Strike once at this time.' })),
    every: Type.Optional(Duration({ exclusiveMinimum: true, description: 'Strike at random, exponential times between disasters of this mean (e.g. "3650d").' })),
    duration: randomDuration('How long the site stays down (power restored, cooling repaired, link back).'),
  },
  { additionalProperties: false, description: 'A site-level disaster, scripted or at random (give `at` or `every`).' },
);
export type DisasterSpec = Static<typeof Disaster>;

export const Site = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the site, e.g. "dc-east".' }),
    rooms: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Rooms of the site; the services standing in them belong to it.' })),
    services: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Further services of the site (those without a room, or in a room of no site).' })),
    recovery: Type.Optional(Recovery),
    disasters: Type.Optional(Type.Array(Disaster, { description: 'Disasters that strike the whole site.' })),
  },
  { additionalProperties: false, description: 'A site (data center): rooms and services by name, its recovery plan and its disasters.' },
);
export type SiteSpec = Static<typeof Site>;

export const SitesFields = {
  sites: Type.Optional(Type.Array(Site, { description: 'Sites (data centers and recovery sites) grouping rooms and services.' })),
};
