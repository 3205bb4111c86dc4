/**
 * Incident life cycle on a fake infrastructure: a fault opens a problem that takes servers
 * away; a monitor sees it; event management correlates; operators escalate and fix it; the
 * fix restores the capacity the problem names.
 */
import { describe, expect, it } from 'vitest';
import { targetsMet, withinTarget } from '../../../src/models/incidents/desk.js';
import { priorityOf } from '../../../src/models/incidents/compile.js';
import type { IncidentRecord } from '../../../src/results/format.js';
import { buildModels, type Ports } from '../../../src/models/kernel/plugin.js';
import { staffing } from '../../../src/models/staffing/index.js';
import { incidents } from '../../../src/models/incidents/index.js';
import { monitoring } from '../../../src/models/monitoring/index.js';
import type { Scenario } from '../../../src/scenario/index.js';
import type { World } from '../../../src/models/kernel/world.js';
import { FakeService, fakeWorld, type ScenarioDraft } from '../fakes.js';

const H = 3600;

function baseScenario(extra: ScenarioDraft = {}): ScenarioDraft & { horizon: number } {
  return {
    horizon: 12 * H,
    teams: [
      { name: 'ops-l1', tier: 'L1', headcount: 1 },
      { name: 'ops-l2', tier: 'L2', skills: ['network'], headcount: 1 },
    ],
    incidents: {
      types: [
        {
          name: 'lb-misconfiguration',
          problemKinds: ['lb-misweight'],
          impact: 'extensive',
          urgency: 'critical',
          skill: 'network',
          path: [
            { tier: 'L1', diagnosis: 600, fix: 600, resolveProbability: 0, escalateAfter: 1800 },
            { tier: 'L2', diagnosis: 900, fix: 600 },
          ],
        },
      ],
    },
    monitoring: {
      interval: 60,
      monitors: [{ name: 'inv-p95', metric: 'latency', service: 'inventory', exception: 2, detectionDelay: 120 }],
    },
    ...extra,
  };
}

/** Builds the ops models around a fake service; a fault at `faultAt` takes 3 of 4 servers and slows it. */
function setup(scenario: ScenarioDraft & { horizon: number }, faultAt = 2 * H): { world: World; svc: FakeService; ports: Partial<Ports> } {
  const world = fakeWorld(scenario);
  const svc = new FakeService('inventory', 4, world.sim);
  world.services.set('inventory', svc);
  const ports = buildModels(world, [staffing, incidents, monitoring]);
  world.sim.scheduleAt(faultAt, () => {
    svc.servers -= 3;
    svc.latency = 5;
    world.problems.open({
      kind: 'lb-misweight',
      target: 'inventory/lb',
      service: 'inventory',
      fix: () => {
        svc.servers += 3;
        svc.latency = 0.1;
      },
    });
  }, null);
  world.recorder.start();
  return { world, svc, ports };
}

describe('incident life cycle', () => {
  it('timestamps are ordered, it escalates L1 → L2 and the fix restores the capacity', () => {
    const { world, svc, ports } = setup(baseScenario(), 2 * H + 30);
    world.sim.run({ until: world.horizon });
    expect(world.incidents).toHaveLength(1);
    const r = world.incidents[0]!;
    expect(r.priority).toBe('P1');
    expect(r.cause).toBe('lb-misweight');
    expect(r.raisedAt).toBe(2 * H + 30);
    expect(r.raisedAt).toBeLessThanOrEqual(r.detectedAt);
    expect(r.detectedAt).toBeLessThanOrEqual(r.acknowledgedAt!);
    expect(r.acknowledgedAt!).toBeLessThanOrEqual(r.resolvedAt!);
    // Detected at the first evaluation after the fault (2h + 60 s) plus the 120 s delay.
    expect(r.detectedAt).toBe(2 * H + 60 + 120);
    expect(r.acknowledgedAt).toBe(r.detectedAt);
    // L1 diagnoses for 600 s, cannot fix, escalates; L2 takes 900 + 600 s.
    expect(r.resolvedBy).toBe('L2');
    expect(r.resolvedAt).toBe(r.detectedAt + 600 + 1500);
    expect(svc.servers).toBe(4);
    expect(world.problems.history()[0]!.resolvedBy).toBe('L2');
    // The monitor kept seeing the fault while the incident was open: counted, not re-raised.
    expect(ports.events!.counts.deduplicated).toBeGreaterThan(10);
    expect(r.responseBreached).toBe(false);
    expect(r.resolutionBreached).toBe(false);
  });

  it('an escalation time-out moves a stuck incident on while L1 is busy', () => {
    // L1 can fix it but is tied up for 4 h by a request; after 30 min the incident goes to L2.
    const { world } = setup(
      baseScenario({
        requests: [{ name: 'big-job', team: 'ops-l1', rate: 0, handleTime: 4 * H }],
        scheduledWork: [{ name: 'patching', team: 'ops-l1', at: 1.9 * H, duration: 4 * H, service: 'inventory', serversOffline: 0 }],
      }),
    );
    world.sim.run({ until: world.horizon });
    const r = world.incidents[0]!;
    expect(r.resolvedBy).toBe('L2');
    expect(r.acknowledgedAt).toBe(r.detectedAt + 1800);
  });

  it('auto-remediation that succeeds resolves the problem without an operator', () => {
    const s = baseScenario();
    s.monitoring!.autoRemediation = [{ name: 'revert-lb', problemKinds: ['lb-misweight'], delay: 60, successProbability: 1 }];
    s.teams = [{ name: 'ops-l1', tier: 'L1', headcount: 0 }, { name: 'ops-l2', tier: 'L2', skills: ['network'], headcount: 0 }];
    const { world, svc } = setup(s);
    world.sim.run({ until: world.horizon });
    const r = world.incidents[0]!;
    expect(r.resolvedBy).toBe('auto-remediation');
    expect(r.resolvedAt).toBe(r.detectedAt + 60);
    expect(r.acknowledgedAt).toBeNull();
    expect(svc.servers).toBe(4);
    expect(r.responseBreached).toBe(false);
  });

  it('on-call operators start only after their response latency', () => {
    const s = baseScenario();
    s.teams = [
      { name: 'ops-l1', tier: 'L1', roster: { shifts: [{ name: 'night-on-call', start: 0, length: 8 * H, headcount: 1, onCall: true, responseLatency: 1200 }, { name: 'day', start: 8 * H, length: 16 * H, headcount: 1 }] } },
      { name: 'ops-l2', tier: 'L2', skills: ['network'], headcount: 1 },
    ];
    s.incidents!.types![0]!.path = [{ tier: 'L1', diagnosis: 600, fix: 600 }];
    const { world } = setup(s);
    world.sim.run({ until: world.horizon });
    const r = world.incidents[0]!;
    expect(r.acknowledgedAt! - r.detectedAt).toBe(1200);
    expect(r.responseBreached).toBe(true); // 20 min > the 15 min P1 response target
    expect(r.resolvedBy).toBe('L1');
  });

  it('no problem behind an alarm: one symptom incident, false alarms cost triage time', () => {
    const s = baseScenario({
      monitoring: {
        triageTime: 300,
        monitors: [{ name: 'inv-p95', metric: 'latency', service: 'inventory', exception: 2, falseAlarmRate: 6 / H, incidentType: 'lb-misconfiguration' }],
      },
    });
    const world = fakeWorld(s);
    const svc = new FakeService('inventory', 4, world.sim);
    world.services.set('inventory', svc);
    const ports = buildModels(world, [staffing, incidents, monitoring]);
    world.sim.scheduleAt(H, () => (svc.latency = 3), null);
    world.sim.scheduleAt(1.5 * H, () => (svc.latency = 0.1), null);
    world.sim.run({ until: world.horizon });
    const real = world.incidents.filter((r) => r.cause !== 'false-alarm');
    const fake = world.incidents.filter((r) => r.cause === 'false-alarm');
    expect(real).toHaveLength(1);
    expect(real[0]!.cause).toBe('monitor:inv-p95');
    expect(fake.length).toBeGreaterThan(40); // ≈ 72 expected in 12 h
    expect(fake.length).toBeLessThan(110);
    for (const f of fake.filter((x) => x.resolvedAt !== null)) expect(f.resolvedAt! - f.acknowledgedAt!).toBeCloseTo(300, 6);
    expect(ports.teams!.get('ops-l1')!.resource.busy.integral(world.sim.now)).toBeGreaterThan(30 * 300);
  });

  it('incidents are served before service requests in a team queue', () => {
    const s = baseScenario();
    s.requests = [{ name: 'access', team: 'ops-l1', rate: 20 / H, handleTime: 600 }];
    s.incidents!.types![0]!.path = [{ tier: 'L1', diagnosis: 60, fix: 60 }];
    const { world, ports } = setup(s);
    world.sim.run({ until: world.horizon });
    const r = world.incidents[0]!;
    // The operator finishes the request in hand (≤ 600 s) and then takes the P1 first.
    expect(r.acknowledgedAt! - r.detectedAt).toBeLessThanOrEqual(600);
    expect(ports.desk!.openIncidents().size).toBe(0);
  });

  it('scheduled maintenance takes servers offline for its duration', () => {
    const s = baseScenario({ scheduledWork: [{ name: 'patching', team: 'ops-l1', at: 8 * H, duration: H, service: 'inventory', serversOffline: 1 }] });
    const { world, svc } = setup(s, 20 * H);
    world.sim.run({ until: 8.5 * H });
    expect(svc.servers).toBe(3);
    world.sim.run({ until: 9.5 * H });
    expect(svc.servers).toBe(4);
  });

  it('priority matrix: sourced corners and overrides', () => {
    expect(priorityOf('extensive', 'critical')).toBe('P1');
    expect(priorityOf('minor', 'low')).toBe('P4');
    expect(priorityOf('minor', 'low', { minor: { low: 'P3' } })).toBe('P3');
  });
});

describe('per-priority incident targets', () => {
  const inc = (id: number, p: 'P1' | 'P2', ack: number | null, res: number | null, respB: boolean, resB: boolean): IncidentRecord => ({ id, type: 't', cause: 'fault', priority: p, raisedAt: 0, detectedAt: 0, acknowledgedAt: ack, resolvedAt: res, resolvedBy: res === null ? null : 'L1', responseBreached: respB, resolutionBreached: resB });
  const records = [
    inc(1, 'P1', 60, 3000, false, false),
    inc(2, 'P1', 1200, 9000, true, true),
    inc(3, 'P1', 100, null, false, false), // open, resolution target not yet due: undecided
    inc(4, 'P2', 60, 600, false, false),
  ];
  it('shares within target count only decided incidents', () => {
    expect(withinTarget(records, 'P1', 'response')).toBeCloseTo(2 / 3, 12);
    expect(withinTarget(records, 'P1', 'resolution')).toBeCloseTo(1 / 2, 12);
    expect(withinTarget(records, 'P2', 'resolution')).toBe(1);
  });
  it('the period meets a priority’s targets only when every decided incident did; no incident is no answer', () => {
    expect(targetsMet(records, 'P1')).toBe(0);
    expect(targetsMet(records, 'P2')).toBe(1);
    expect(targetsMet([], 'P2')).toBeNaN();
  });
});

describe('random streams per purpose', () => {
  // Six short latency episodes, each raising one symptom incident with random diagnosis and fix
  // times; with false alarms on, operators also triage alarms (random triage times).
  const run = (falseAlarmRate: number): { real: { ack: number | null; work: number | null }[]; fake: number } => {
    const s = baseScenario({
      horizon: 24 * H,
      teams: [{ name: 'ops-l1', tier: 'L1', headcount: 4 }],
      incidents: {
        types: [{ name: 'slow', impact: 'significant', urgency: 'high', path: [{ tier: 'L1', diagnosis: { dist: 'exponential', mean: 600 }, fix: { dist: 'exponential', mean: 900 } }] }],
      },
      monitoring: {
        interval: 60,
        triageTime: { dist: 'exponential', mean: 300 },
        monitors: [{ name: 'inv-p95', metric: 'latency', service: 'inventory', exception: 2, falseAlarmRate }],
      },
    });
    const world = fakeWorld(s);
    const svc = new FakeService('inventory', 4, world.sim);
    world.services.set('inventory', svc);
    buildModels(world, [staffing, incidents, monitoring]);
    for (let k = 0; k < 6; k++) {
      world.sim.scheduleAt((1 + 3 * k) * H, () => (svc.latency = 3), null);
      world.sim.scheduleAt((1 + 3 * k) * H + 300, () => (svc.latency = 0.1), null);
    }
    world.sim.run({ until: world.horizon });
    const real = world.incidents.filter((r) => r.cause !== 'false-alarm');
    return {
      real: real.map((r) => ({ ack: r.acknowledgedAt, work: r.resolvedAt === null || r.acknowledgedAt === null ? null : r.resolvedAt - r.acknowledgedAt })),
      fake: world.incidents.length - real.length,
    };
  };

  it("enabling false alarms leaves every real incident's diagnosis and fix durations identical", () => {
    const quiet = run(0);
    const noisy = run(12 / H);
    expect(quiet.fake).toBe(0);
    expect(noisy.fake).toBeGreaterThan(100); // ≈ 288 in 24 h: operators are busy triaging
    expect(quiet.real).toHaveLength(6);
    expect(noisy.real.map((r) => r.work)).toEqual(quiet.real.map((r) => r.work));
    // The durations are random (not constants that any stream layout would reproduce).
    expect(new Set(quiet.real.map((r) => Math.round(r.work!))).size).toBe(6);
  });
});
