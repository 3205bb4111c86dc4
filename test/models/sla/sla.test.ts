/** SLA attainment and error budget on small constructed cases with known answers. */
import { describe, expect, it } from 'vitest';
import { incidentTargets, compileSla } from '../../../src/models/sla/compile.js';
import { attainment, errorBudgetUsed, summariseWindows, windowMeetsObjective, MONTH_SECONDS, buildSla, slaBases, slaVerdict } from '../../../src/models/sla/runtime.js';
import { FakeService, fakeWorld } from '../fakes.js';
import { IncidentTargets, ServiceSla } from '../../../src/models/sla/schema.js';
import { withDefaults } from '../../../src/scenario/validate.js';

describe('SLA arithmetic', () => {
  it('attainment is good time over observed time', () => {
    expect(attainment(90, 100)).toBe(0.9);
    expect(attainment(0, 0)).toBeNaN();
  });

  it('error budget: 99.9 % allows 43.2 min a month', () => {
    expect((1 - 0.999) * MONTH_SECONDS).toBeCloseTo(43.2 * 60, 6);
    expect(errorBudgetUsed(21.6 * 60, 0.999)).toBeCloseTo(0.5, 9);
    expect(errorBudgetUsed(43.2 * 60, 0.999)).toBeCloseTo(1, 9);
    expect(errorBudgetUsed(0, 0.999)).toBe(0);
    expect(errorBudgetUsed(60, 1)).toBe(Infinity);
    // 99 % over one day allows 14.4 min.
    expect(errorBudgetUsed(14.4 * 60, 0.99, 86400)).toBeCloseTo(1, 9);
  });

  it('a window meets a 99 % objective with 1 bad request in 100, not with 2', () => {
    expect(windowMeetsObjective(100, 0, 1, 0.99)).toBe(true);
    expect(windowMeetsObjective(100, 1, 1, 0.99)).toBe(false);
    expect(windowMeetsObjective(0, 0, 0, 0.99)).toBe(true);
  });

  it('windows: breach episodes, breach time and first breach', () => {
    // 12 five-minute windows: bad at 2, 3, 4 and 9.
    const flags = [true, true, false, false, false, true, true, true, true, false, true, true];
    const s = summariseWindows(flags, 300, 3600);
    expect(s.attainment).toBeCloseTo(8 / 12, 12);
    expect(s.breaches).toBe(2);
    expect(s.breachSeconds).toBe(4 * 300);
    expect(s.firstBreach).toBe(3600 + 2 * 300);
    expect(summariseWindows([true, true], 300).firstBreach).toBeNaN();
  });

  it('default incident targets from the university IT example', () => {
    const t = incidentTargets(undefined);
    expect([t.P1.response, t.P1.resolution]).toEqual([900, 7200]);
    expect([t.P2.response, t.P2.resolution]).toEqual([1800, 14400]);
    expect([t.P3.response, t.P3.resolution]).toEqual([4 * 3600, 3 * 86400]);
    expect([t.P4.response, t.P4.resolution]).toEqual([86400, 5 * 86400]);
    expect(incidentTargets(withDefaults(IncidentTargets, { P1: { response: 300, resolution: 3600 } })).P1.response).toBe(300);
  });
});

describe('buildSla on a constructed day', () => {
  it('30 bad minutes out of 24 h against 99.9 %: attainment, budget, breaches, penalties', () => {
    const world = fakeWorld({
      horizon: 86400,
      sla: { services: [withDefaults(ServiceSla, { name: 'inv', service: 'inventory', availabilityTarget: 0.999, latency: { threshold: 2, target: 0.99 }, penaltyPerBreach: 1000, penaltyPerBreachMinute: 10 })] },
    });
    const svc = new FakeService('inventory', 4, world.sim);
    svc.latencyObjective = { threshold: 2, target: 0.99 };
    world.services.set('inventory', svc);
    buildSla(world, new Map(), [], compileSla(world.scenario));
    // 100 requests per minute; from 10:00 to 10:30, 5 % of them are slow.
    const tick = (): void => {
      const t = world.sim.now;
      svc.counts.finished += 100;
      if (t > 10 * 3600 && t <= 10.5 * 3600) svc.counts.slow += 5;
      if (t + 60 <= 86400) world.sim.schedule(60, tick, null);
    };
    world.sim.schedule(60, tick, null, -1);
    world.recorder.start();
    world.sim.run({ until: 86400 });
    const { metrics } = world.recorder.finish();
    expect(metrics['sla.inv.breach_minutes']).toBeCloseTo(30, 9);
    expect(metrics['sla.inv.breaches']).toBe(1);
    expect(metrics['sla.inv.first_breach']).toBe(10 * 3600);
    // Default reading: the month is like this day, so the budget is pro-rated to the day
    // (1.44 min) and 30 bad minutes overspend it about 21-fold.
    expect(metrics['sla.inv.attainment']).toBeCloseTo(1 - 30 / 1440, 12);
    expect(metrics['sla.inv.observed_attainment']).toBeCloseTo(1 - 30 / 1440, 12);
    expect(metrics['sla.inv.budget_minutes']).toBeCloseTo(1.44, 9);
    expect(metrics['sla.inv.error_budget_used']).toBeCloseTo(30 / 1.44, 9);
    expect(metrics['sla.inv.met']).toBe(0);
    expect(metrics['sla.inv.penalty']).toBeCloseTo(1000 + 300, 9);
    expect(metrics['cost.penalties']).toBeCloseTo(1300, 9);
    expect(metrics['transactions.delayed']).toBe(150);
  });
});

describe('SLA thresholds of their own', () => {
  // Every minute 100 requests finish: 6 fail and 5 succeed slower than 1.5 s (none slower
  // than the service's 10 s objective); the quantile of successes is fast (0.1 s).
  function day(slas: object[]): { metrics: Record<string, number>; svc: FakeService } {
    const world = fakeWorld({ horizon: 3600, sla: { services: slas } } as never);
    const svc = new FakeService('inventory', 4, world.sim);
    svc.latencyObjective = { threshold: 10, target: 0.99 };
    svc.errorRate = 0.06;
    world.services.set('inventory', svc);
    buildSla(world, new Map(), [], compileSla(world.scenario));
    const tick = (): void => {
      svc.counts.finished += 100;
      svc.counts.failed += 6;
      svc.slowAt.set(1.5, (svc.slowAt.get(1.5) ?? 0) + 5);
      if (world.sim.now + 60 <= 3600) world.sim.schedule(60, tick, null);
    };
    world.sim.schedule(60, tick, null, -1);
    world.recorder.start();
    world.sim.run({ until: 3600 });
    return { metrics: world.recorder.finish().metrics, svc };
  }

  it('a window is judged by the share neither slower than the SLA threshold nor failed (89 % < 90 %)', () => {
    const { metrics } = day([{ name: 'gold', service: 'inventory', availabilityTarget: 0.999, latency: { threshold: 1.5, target: 0.9 }, revenuePerTransaction: 10 }]);
    expect(metrics['sla.gold.attainment']).toBe(0);
    expect(metrics['sla.gold.latency_attainment']).toBeCloseTo(0.89, 12);
    // 60 × 6 failed + 0.1 × 60 × 5 delayed (slower than 1.5 s), at $10.
    expect(metrics['sla.gold.revenue_at_risk']).toBeCloseTo(10 * (360 + 0.1 * 300), 9);
  });

  it('two SLAs on one service count its revenue at risk once (the larger)', () => {
    const { metrics } = day([
      { name: 'gold', service: 'inventory', availabilityTarget: 0.999, latency: { threshold: 1.5, target: 0.9 }, revenuePerTransaction: 10 },
      { name: 'base', service: 'inventory', availabilityTarget: 0.99, revenuePerTransaction: 10 },
    ]);
    expect(metrics['sla.base.revenue_at_risk']).toBeCloseTo(3600, 9);
    expect(metrics['sla.base.attainment']).toBe(0);
    expect(metrics['cost.revenue_at_risk']).toBeCloseTo(3900, 9);
  });
});

describe('SLA verdict over its period', () => {
  it('pro-rated (default): 30 bad minutes in a day against 99.9 % uses 30 / 1.44 of the day’s budget, not met', () => {
    const v = slaVerdict(86400 - 1800, 86400, 0.999);
    expect(v.budgetSeconds).toBeCloseTo(86.4, 9);
    expect(v.used).toBeCloseTo(1800 / 86.4, 9);
    expect(v.attainment).toBeCloseTo(1 - 1800 / 86400, 12);
    expect(v.met).toBe(0);
  });

  it('rest of the month met: the same day uses 30 / 43.2 of the month’s budget and is met', () => {
    const v = slaVerdict(86400 - 1800, 86400, 0.999, MONTH_SECONDS, 'met');
    expect(v.budgetSeconds).toBeCloseTo(43.2 * 60, 9);
    expect(v.used).toBeCloseTo(30 / 43.2, 9);
    expect(v.attainment).toBeCloseTo(1 - 1800 / MONTH_SECONDS, 12);
    expect(v.met).toBe(1);
  });

  it('met ⇔ used ≤ 1 ⇔ attainment ≥ target, on both sides of the edge and for a 100 % target', () => {
    for (const rest of ['like-horizon', 'met'] as const) {
      for (const bad of [0, 1, 86.4, 86.5, 2592, 2593, 10_000]) {
        for (const target of [0.99, 0.999, 1]) {
          const v = slaVerdict(86400 - bad, 86400, target, MONTH_SECONDS, rest);
          expect(v.met === 1, `${rest} ${bad} ${target}`).toBe(v.used <= 1 + 1e-12);
          expect(v.met === 1).toBe(v.attainment >= target - 1e-12);
        }
      }
    }
    expect(slaVerdict(0, 0, 0.999).met).toBeNaN();
  });

  it('a horizon longer than the period is judged as a whole; the basis says so', () => {
    const sla = withDefaults(ServiceSla, { name: 's', service: 'x', availabilityTarget: 0.999 });
    expect(slaBases([sla], 86400)[0]).toMatchObject({ basis: 'pro-rated', budgetMinutes: expect.closeTo(1.44, 9) });
    expect(slaBases([{ ...sla, restOfPeriod: 'met' as const }], 86400)[0]).toMatchObject({ basis: 'rest-of-period-met', budgetMinutes: expect.closeTo(43.2, 9) });
    expect(slaBases([{ ...sla, period: 86400 }], 7 * 86400)[0]).toMatchObject({ basis: 'whole-horizon', budgetMinutes: expect.closeTo(7 * 1.44, 9) });
    expect(slaBases([sla], 86400)[0]!.statement).toContain('pro-rated');
  });
});

describe('SLA windows across a constructed failover (the diversions port)', () => {
  // Five-minute windows over an hour; 100 requests finish each minute at the service serving
  // then. shop loses its servers at 15:30 and is diverted to dr at 20:30; dr has no server
  // from 25:30 to 30:30 and serves 10 % slow requests from 30:00 to 35:00; shop is back at 40:00
  // and the load comes home at 40:30, after which 20 of shop's requests left at dr end slowly at
  // 41:00, and 20 of dr's own at 46:00. dr counts shop's requests apart (divertedFrom).
  it("counts the requests where they are served, judges the servers of the service serving, and the service's leftovers too; the standby's SLA its own", () => {
    const world = fakeWorld({
      horizon: 3600,
      // One series row per window: its attainment column reads 1 (good) or 0 (bad).
      interval: 300,
      sla: {
        services: [
          withDefaults(ServiceSla, { name: 'shop', service: 'shop', availabilityTarget: 0.999, latency: { threshold: 2, target: 0.99 }, revenuePerTransaction: 10 }),
          withDefaults(ServiceSla, { name: 'dr', service: 'dr', availabilityTarget: 0.999, latency: { threshold: 2, target: 0.99 }, revenuePerTransaction: 10 }),
        ],
      },
    });
    const objective = { threshold: 2, target: 0.99 };
    const shop = new FakeService('shop', 4, world.sim);
    const dr = new FakeService('dr', 4, world.sim);
    shop.latencyObjective = objective;
    dr.latencyObjective = objective;
    world.services.set('shop', shop);
    world.services.set('dr', dr);
    let serving: FakeService = shop;
    const listeners: (() => void)[] = [];
    const switchTo = (to: FakeService): void => {
      serving = to;
      for (const l of listeners) l();
    };
    buildSla(world, new Map(), [], compileSla(world.scenario), {
      servedAt: (name) => (name === 'shop' ? serving : world.services.get(name)!),
      standbysOf: (name) => (name === 'shop' ? [dr] : []),
      onChange: (l) => void listeners.push(l),
    });
    /** `n` requests of shop's finish at dr now, `slow` of them slow. */
    const atDr = (n: number, slow: number): void => {
      const c = dr.divertedFrom('shop');
      for (const x of [dr.counts, c]) {
        x.finished += n;
        x.slow += slow;
      }
    };
    const at = (t: number, f: () => void): void => void world.sim.scheduleAt(t, f, null, -1);
    const tick = (): void => {
      const t = world.sim.now;
      if (serving.servers > 0) {
        if (serving === dr) atDr(100, t > 1800 && t <= 2100 ? 10 : 0);
        else shop.counts.finished += 100;
      }
      if (t + 60 <= 3600) world.sim.schedule(60, tick, null, -1);
    };
    at(60, tick);
    at(930, () => (shop.servers = 0));
    at(1230, () => switchTo(dr));
    // Requests queued at shop before the switch time out there after it: shop's leftovers.
    at(1260, () => {
      shop.counts.finished += 50;
      shop.counts.failed += 50;
    });
    at(1530, () => (dr.servers = 0));
    at(1830, () => (dr.servers = 4));
    at(2400, () => (shop.servers = 4));
    at(2430, () => switchTo(shop));
    at(2460, () => atDr(20, 20));
    at(2760, () => {
      dr.counts.finished += 20;
      dr.counts.slow += 20;
    });
    world.recorder.start();
    world.sim.run({ until: 3600 });
    const { metrics, series } = world.recorder.finish();
    const column = series.columns.indexOf('shop.attainment');
    expect(series.rows.map((r) => r[column])).toEqual([1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1]);
    // Bad: [15, 20) shop without a server, not yet switched; [20, 25) shop's timeouts; [25, 30)
    // dr serving without a server (no request failed); [30, 35) dr's slow requests; [40, 45)
    // shop's leftovers at dr after the switch home. Good: [35, 40) served at dr; [45, 50) dr's own load.
    expect(metrics['sla.shop.breach_minutes']).toBe(25);
    expect(metrics['sla.shop.breaches']).toBe(2);
    expect(metrics['sla.shop.first_breach']).toBe(900);
    // Revenue at risk and latency attainment count shop's requests wherever they finished: 50
    // failed at shop, 5 × 10 + 20 slow at dr (a tenth of each at risk); 15 minutes served there.
    expect(metrics['sla.shop.revenue_at_risk']).toBeCloseTo(10 * (50 + 0.1 * 70), 9);
    expect(dr.divertedFrom('shop').finished).toBe(100 * 15 + 20);
    expect(metrics['sla.shop.latency_attainment']).toBeCloseTo(1 - 120 / (shop.counts.finished + 100 * 15 + 20), 12);
    // dr's own SLA judges dr's own requests: bad only while dr had no server ([25, 35)) and for
    // its own slow ones ([45, 50)), not for shop's slow ones at [30, 35) or [40, 45).
    const own = series.columns.indexOf('dr.attainment');
    expect(series.rows.map((r) => r[own])).toEqual([1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1]);
    expect(metrics['sla.dr.breach_minutes']).toBe(15);
    expect(metrics['sla.dr.revenue_at_risk']).toBeCloseTo(10 * 0.1 * 20, 9);
    expect(metrics['sla.dr.latency_attainment']).toBe(0);
  });
});
