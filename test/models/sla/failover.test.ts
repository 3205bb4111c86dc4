/**
 * SLA windows across a failover: a window judges what the service's customers get, so the
 * requests diverted to the standby count where they are served, and the service is down only
 * from the disaster to the switch (or for as long as the standby cannot meet the objective).
 * The fixture (failover.yaml) strikes at a window's edge at 4 h, switches 5 min later,
 * has power back at 8 h and fails back 10 min later; its SLA's windows are 1 minute long and
 * 9 h are observed (after a 1-h warm-up). A refused or timed-out request, or one slower than
 * 2 s, is bad; a window is good when 99 % of its requests are good.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../../src/models/replication.js';
import { formatScenarioError, loadScenarioText } from '../../../src/scenario/index.js';
import { load } from '../helpers.js';

const FIXTURE = 'test/models/sla/failover.yaml';
const M = 60;
const H = 3600;
const STRUCK = 4 * H;
const SWITCHED = STRUCK + 5 * M;
const FAILED_BACK = 8 * H + 10 * M;
const OBSERVED_MINUTES = 9 * 60;

const run = (overrides: Record<string, unknown> = {}, replication = 0): Record<string, number> => runReplication(load(FIXTURE, overrides), { seed: 'slafail', replication }).metrics;

/** The SLA's downtime metrics, with what they must read for `minutes` of breach in one episode. */
function expectBreach(m: Record<string, number>, minutes: number): void {
  expect(m['sla.shop.breach_minutes']).toBe(minutes);
  expect(m['sla.shop.breaches']).toBe(1);
  // The first bad window starts at the window's end just before the strike.
  expect(m['sla.shop.first_breach']).toBe(STRUCK);
  expect(m['sla.shop.observed_attainment']).toBeCloseTo(1 - minutes / OBSERVED_MINUTES, 12);
  // 9 h observed against a 30-day period, budget pro-rated: 0.1 % of 540 min = 0.54 min.
  expect(m['sla.shop.attainment']).toBeCloseTo(1 - minutes / OBSERVED_MINUTES, 12);
  expect(m['sla.shop.error_budget_used']).toBeCloseTo(minutes / 0.54, 6);
  expect(m['sla.shop.met']).toBe(0);
  // 10 per breach minute: the penalty is charged for the downtime customers saw, no more.
  expect(m['sla.shop.penalty']).toBeCloseTo(10 * minutes, 9);
  expect(m['cost.penalties']).toBeCloseTo(10 * minutes, 9);
  expect(m['cost.total']).toBeCloseTo(10 * minutes, 9);
}

describe('an SLA across a failover judges the service its customers get', () => {
  it('a hot plan: down from the strike to the switch (its RTO), then served at the standby, where its requests are recorded', () => {
    for (const replication of [0, 1, 2]) {
      const m = run({}, replication);
      expect(m['site.east.rto']).toBe(SWITCHED - STRUCK);
      expectBreach(m, (SWITCHED - STRUCK) / M);
      // The diverted requests are recorded under the standby's name: λ × the time diverted (± 5 σ, Poisson).
      const diverted = 2 * (FAILED_BACK - SWITCHED);
      expect(Math.abs(m['service.shop-dr.requests']! - diverted)).toBeLessThan(5 * Math.sqrt(diverted));
    }
  });

  it('a later switch: the breach grows with it, minute for minute', () => {
    const m = run({ 'sites.east.recovery.failover.switch-dns.duration': '30m' });
    expect(m['site.east.rto']).toBe(30 * M);
    expectBreach(m, 30);
  });

  it("a warm plan whose 2 standing servers refuse a fifth of the load (Erlang B(2, 1) = 1/5): down until the bring-up, though the site's RTO ends at the switch", () => {
    // The standby without a waiting room, like the primary: refusals fall in their own window.
    const m = run({ 'sites.east.recovery.mode': 'warm', 'sites.east.recovery.standing': 0.25, 'services.shop-dr.queueCapacity': 0 });
    expect(m['site.east.rto']).toBe(5 * M);
    expectBreach(m, 20);
  });

  it("a standby without a timeout still draining shop's backlog after the failback stays counted until it has: breached to the horizon", () => {
    // One 1-s server for 2 req/s from 4:05 to 8:10: about 4 h × 1 req/s queue up there, and
    // drain at 1 req/s after the failback, past the 10-h horizon, each far slower than 2 s.
    const m = run({ 'services.shop-dr.servers': 1, 'services.shop-dr.serviceTime': '1s', 'services.shop-dr.timeout': '100h' });
    expect(m['site.east.failback.mean']).toBe(10 * M);
    expectBreach(m, (10 * H - STRUCK) / M);
  });

  it('a standby too small for the load (one 1-s server for 2 req/s) is breached for the whole failover, honestly', () => {
    // From the strike to the failback switch, plus the window after it: the standby's backlog
    // (up to 30 s of requests) still ends there slowly or by timeout, and they are the service's.
    const m = run({ 'services.shop-dr.servers': 1, 'services.shop-dr.serviceTime': '1s' });
    expect(m['site.east.rto']).toBe(5 * M);
    expect(m['site.east.failback.mean']).toBe(10 * M);
    expectBreach(m, (FAILED_BACK - STRUCK) / M + 1);
  });
});

describe("revenue at risk and latency attainment count the service's requests wherever they finished", () => {
  it('a standby too small for the load: the failures and slow requests at the standby are the primary SLA\'s, and the standby SLA has none of its own', () => {
    // shop-dr has no load of its own: every request finished there is one of shop's. Its own SLA
    // judges its own requests: none.
    const text = `${readFileSync(FIXTURE, 'utf8')}    - { name: standby, service: shop-dr, availabilityTarget: 99.9%, window: 1m, revenuePerTransaction: 2 }\n`;
    const r = loadScenarioText(text, { file: 'two-slas.yaml', overrides: { 'services.shop-dr.servers': 1, 'services.shop-dr.serviceTime': '1s', 'sla.services.shop.revenuePerTransaction': 2 } });
    if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
    const m = runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
    expect(m['sla.standby.revenue_at_risk']).toBe(0);
    expect(m['sla.standby.latency_attainment']).toBeNaN();
    const failed = m['transactions.failed']!;
    const delayed = m['transactions.delayed']!;
    // Both services' objective is the SLA's (2 s), so transactions.* count exactly what the SLA does, at both.
    expect(m['service.shop-dr.timed_out']).toBeGreaterThan(1000);
    expect(m['sla.shop.revenue_at_risk']).toBeCloseTo(2 * (failed + 0.1 * delayed), 6);
    // Finished requests per service: successes (throughput × the observed span) ÷ (1 − failed share).
    const finished = (s: string): number => (m[`service.${s}.throughput`]! * OBSERVED_MINUTES * M) / (1 - m[`service.${s}.failed_fraction`]!);
    const good = (s: string): number => m[`service.${s}.latency_objective_met`]! * finished(s);
    expect(m['sla.shop.latency_attainment']).toBeCloseTo((good('shop') + good('shop-dr')) / (finished('shop') + finished('shop-dr')), 9);
    expect(m['sla.shop.latency_attainment']).toBeLessThan(m['service.shop.latency_objective_met']! - 0.1);
  });
});

describe('an SLA without a latency objective: a window with any time of nothing serving is bad', () => {
  // The fixture without latency objectives: only the servers of the service serving decide.
  const text = readFileSync(FIXTURE, 'utf8').replace(/, latencyObjective: \{ threshold: 2s, target: 99% \}/g, '');
  const runText = (overrides: Record<string, unknown>): Record<string, number> => {
    const r = loadScenarioText(text, { file: 'noobj.yaml', overrides });
    if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
    return runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
  };

  it('the switch 7 min after the strike inside a window: 1-min windows read 7 bad minutes, 5-min 10, 15-min 15, 1-h 60', () => {
    expect(text).not.toContain('latencyObjective');
    // Judged only at each window's end, the last three read 5, 0 and 0: the outage ended inside the window.
    for (const [window, minutes] of [['1m', 7], ['5m', 10], ['15m', 15], ['1h', 60]] as const) {
      const m = runText({ 'sites.east.recovery.failover.switch-dns.duration': '7m', 'sla.services.shop.window': window });
      expect(m['site.east.rto'], window).toBe(7 * M);
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes);
      expect(m['sla.shop.breaches'], window).toBe(1);
      expect(m['sla.shop.first_breach'], window).toBe(STRUCK);
    }
  });
});

describe('an outage the sites do not report: every server of a service failed', () => {
  // The fixture without latency objectives (only the servers decide), with every server of one
  // service failing for 7 min from a window's 2nd minute: the failures model's, not a disaster.
  const text = readFileSync(FIXTURE, 'utf8').replace(/, latencyObjective: \{ threshold: 2s, target: 99% \}/g, '');
  const runFailing = (service: string, at: string, window: string): Record<string, number> => {
    const failing = `${text}\nfailures:\n  classes: [{ class: server, services: [${service}], scripted: [{ at: ${at}, target: ${service}, duration: 7m }] }]\n`;
    const r = loadScenarioText(failing, { file: 'failing.yaml', overrides: { 'sla.services.shop.window': window } });
    if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
    return runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
  };
  // The disaster at 4 h, switched after 5 min, is bad for 5, 5, 15 and 60 minutes in these windows.
  const disaster = { '1m': 5, '5m': 5, '15m': 15, '1h': 60 } as const;

  it("shop's servers all down from 2:02 to 2:09: 1-min windows read 7 bad minutes, 5-min 10, 15-min 15, 1-h 60", () => {
    // Judged at each window's end only, the 5-min windows read 5 and the longer ones 0: the servers were back.
    for (const [window, minutes] of [['1m', 7], ['5m', 10], ['15m', 15], ['1h', 60]] as const) {
      const m = runFailing('shop', '2h 2m', window);
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes + disaster[window]);
      expect(m['sla.shop.breaches'], window).toBe(2);
      // The first bad window is the one holding 2:02: [2:02, 2:03) for 1-min windows, else from 2:00.
      expect(m['sla.shop.first_breach'], window).toBe(window === '1m' ? 2 * H + 2 * M : 2 * H);
    }
  });

  it("the standby's servers all down from 5:02 to 5:09, while it serves shop's requests: bad for shop alike", () => {
    for (const [window, minutes] of [['1m', 7], ['5m', 10], ['15m', 15], ['1h', 60]] as const) {
      const m = runFailing('shop-dr', '5h 2m', window);
      expect(m['site.east.rto'], window).toBe(5 * M);
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes + disaster[window]);
      // The 1-h windows [4 h, 5 h) and [5 h, 6 h) are one episode.
      expect(m['sla.shop.breaches'], window).toBe(window === '1h' ? 1 : 2);
      expect(m['sla.shop.first_breach'], window).toBe(STRUCK);
    }
  });

  it("shop's single load balancer down from 2:02 to 2:09 (its servers up): the same", () => {
    const balanced = text.replace('{ name: shop, servers: 8,', '{ name: shop, servers: 8, balancer: { policy: round-robin },');
    expect(balanced).toContain('balancer');
    for (const [window, minutes] of [['1m', 7], ['5m', 10], ['15m', 15], ['1h', 60]] as const) {
      const failing = `${balanced}\nfailures:\n  classes: [{ class: load-balancer, services: [shop], scripted: [{ at: 2h 2m, target: shop/lb, duration: 7m }] }]\n`;
      const r = loadScenarioText(failing, { file: 'lb.yaml', overrides: { 'sla.services.shop.window': window } });
      if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
      const m = runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes + disaster[window]);
      expect(m['sla.shop.first_breach'], window).toBe(window === '1m' ? 2 * H + 2 * M : 2 * H);
    }
  });

  it("the standby's servers down before the disaster, while it serves none of shop's requests: nothing for shop", () => {
    for (const window of ['1m', '1h'] as const) {
      const m = runFailing('shop-dr', '2h 2m', window);
      expect(m['sla.shop.breach_minutes'], window).toBe(disaster[window]);
      expect(m['sla.shop.first_breach'], window).toBe(STRUCK);
    }
  });
});

describe('the network cuts the service off (its servers up)', () => {
  it("shop's firewall down from 2:02 to 2:09: nothing can reach shop, so the same bad windows as its servers all down", () => {
    // The fixture without latency objectives (only the servers decide), shop behind one firewall.
    const text = readFileSync(FIXTURE, 'utf8').replace(/, latencyObjective: \{ threshold: 2s, target: 99% \}/g, '');
    const disaster = { '1m': 5, '5m': 5, '15m': 15, '1h': 60 } as const;
    for (const [window, minutes] of [['1m', 7], ['5m', 10], ['15m', 15], ['1h', 60]] as const) {
      const cut = `${text}\nnetwork:\n  devices: [{ name: fw, kind: firewall }]\n  services: [{ name: shop, dependsOn: [fw] }]\nfailures:\n  classes: [{ class: firewall, scripted: [{ at: 2h 2m, target: fw, duration: 7m }] }]\n`;
      const r = loadScenarioText(cut, { file: 'cut.yaml', overrides: { 'sla.services.shop.window': window } });
      if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
      const m = runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
      expect(m['network.service.shop.outage_minutes'], window).toBeCloseTo(7, 9);
      // No server failed (only the disaster's power cut took them): the cut-off alone makes the window bad.
      expect(m['failures.firewall.count'], window).toBe(1);
      expect(m['failures.server.count'], window).toBeUndefined();
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes + disaster[window]);
      expect(m['sla.shop.first_breach'], window).toBe(window === '1m' ? 2 * H + 2 * M : 2 * H);
    }
  });
});

describe('a disaster at a site without a recovery plan', () => {
  it('a power cut of 10 min inside a 1-h window makes that window bad, though the servers are back at its end', () => {
    // East without its recovery plan or latency objectives (only the servers decide); the cut from 4:20 to 4:30.
    const full = readFileSync(FIXTURE, 'utf8').replace(/, latencyObjective: \{ threshold: 2s, target: 99% \}/g, '');
    const text = full.slice(0, full.indexOf('    recovery:\n')) + full.slice(full.indexOf('  - name: west')).replace('at: 4h, duration: 4h', '');
    const plain = (text.slice(0, text.indexOf('    disasters:')) + "    disasters: [{ name: power-cut, kind: power, at: 4h 20m, duration: 10m }]\n" + text.slice(text.indexOf('  - name: west')));
    for (const [window, minutes] of [['1h', 60], ['1m', 10]] as const) {
      const r = loadScenarioText(plain, { file: 'norecovery.yaml', overrides: { 'sla.services.shop.window': window } });
      if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
      const m = runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
      expect((r.scenario.services ?? []).some((x) => x.latencyObjective !== undefined)).toBe(false);
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes);
      expect(m['sla.shop.first_breach'], window).toBe(window === '1h' ? STRUCK : STRUCK + 20 * M);
    }
  });
});

describe('a failover of the standby itself', () => {
  it("follows the chain: shop's requests served at the standby's standby count, and its servers decide", () => {
    // West, holding shop's standby, loses power at 5 h for 1 h and fails shop-dr over to north
    // after 5 min (back 10 min after its power returns): shop is down twice.
    const text = readFileSync(FIXTURE, 'utf8')
      .replace('  - { name: shop-dr, servers: 8,', '  - { name: shop-dr2, servers: 8, serviceTime: 500ms, timeout: 30s }\n  - { name: shop-dr, servers: 8,')
      .replace(
        '  - name: west\n    services: [shop-dr]\n',
        [
          '  - name: west',
          '    services: [shop-dr]',
          '    disasters: [{ name: power-cut, kind: power, at: 5h, duration: 1h }]',
          '    recovery:',
          '      site: north',
          '      mode: hot',
          '      pairs: [{ service: shop-dr, standby: shop-dr2 }]',
          '      replication: { lag: 0 }',
          '      failover: [{ name: switch-dns, action: switch, duration: 5m }]',
          '      failback: [{ name: switch-back, action: switch, duration: 10m }]',
          '  - name: north',
          '    services: [shop-dr2]',
          '',
        ].join('\n'),
      );
    const r = loadScenarioText(text, { file: 'chain.yaml' });
    if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
    const m = runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
    expect(m['site.west.rto']).toBe(5 * M);
    // Served at north from 5:05 to 6:10 (λ × 65 min ± 5 σ).
    const atNorth = 2 * 65 * M;
    expect(Math.abs(m['service.shop-dr2.requests']! - atNorth)).toBeLessThan(5 * Math.sqrt(atNorth));
    // 5 min at east's strike; 5 min at west's plus the minute after its switch: shop-dr, unlike
    // shop, queues, and what queued there in the 30 s before the switch times out after it.
    expect(m['sla.shop.breach_minutes']).toBe(5 + 5 + 1);
    expect(m['sla.shop.breaches']).toBe(2);
    expect(m['sla.shop.first_breach']).toBe(STRUCK);
  });
});

describe('the edges of the observed span: the end of the warm-up, and a horizon off the windows’ grid', () => {
  // The fixture without latency objectives (only the servers decide). Its 9 h observed (1 h to
  // 10 h) are 540 minutes; 7-min windows end at 7-min multiples from 0, the last whole one at
  // 595 min, so the 5 min from there to the horizon are a window of their own.
  const text = readFileSync(FIXTURE, 'utf8').replace(/, latencyObjective: \{ threshold: 2s, target: 99% \}/g, '');
  const runText = (extra: string, window: string): Record<string, number> => {
    const r = loadScenarioText(text + extra, { file: 'offgrid.yaml', overrides: { 'sla.services.shop.window': window } });
    if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
    return runReplication(r.scenario, { seed: 'slafail', replication: 0 }).metrics;
  };

  it("7-min windows: shop's servers all down from 9:57 to the horizon make the last 5 minutes bad; the verdict covers all 540 minutes", () => {
    const m = runText('\nfailures:\n  classes: [{ class: server, services: [shop], scripted: [{ at: 9h 57m, target: shop, duration: 1h }] }]\n', '7m');
    // The disaster's [238, 245) and the last window [595, 600).
    expect(m['sla.shop.breach_minutes']).toBe(7 + 5);
    expect(m['sla.shop.breaches']).toBe(2);
    expect(m['sla.shop.first_breach']).toBe(238 * M);
    expect(m['sla.shop.budget_minutes']).toBeCloseTo(0.54, 9);
    expect(m['sla.shop.observed_attainment']).toBeCloseTo(1 - 12 / OBSERVED_MINUTES, 12);
  });

  it("a spell across the end of the warm-up (shop's servers down 0:55 to 1:05) counts from the warm-up's end: 5 bad minutes in 1-min windows, the first (partial) 3 and the next 7 in 7-min ones", () => {
    const extra = '\nfailures:\n  classes: [{ class: server, services: [shop], scripted: [{ at: 55m, target: shop, duration: 10m }] }]\n';
    // Beside the disaster's 5 (1-min windows), 7 ([238, 245)) and 60 (1-h windows) minutes.
    for (const [window, minutes] of [['1m', 5 + 5], ['7m', 3 + 7 + 7], ['1h', 60 + 60]] as const) {
      const m = runText(extra, window);
      expect(m['sla.shop.breach_minutes'], window).toBe(minutes);
      expect(m['sla.shop.breaches'], window).toBe(2);
      expect(m['sla.shop.first_breach'], window).toBe(H);
    }
  });

  it('a window longer than the run: the observed span is one window, judged at the horizon', () => {
    const m = runText('', '12h');
    expect(m['sla.shop.breach_minutes']).toBe(OBSERVED_MINUTES);
    expect(m['sla.shop.breaches']).toBe(1);
    expect(m['sla.shop.first_breach']).toBe(H);
    expect(m['sla.shop.budget_minutes']).toBeCloseTo(0.54, 9);
  });
});
