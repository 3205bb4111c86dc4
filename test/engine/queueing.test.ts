/**
 * Queueing validation: simulated means against closed forms, with a confidence interval over
 * independent replications (|mean − theory| < 3·SE). No seeded pins here.
 */
import { describe, expect, it } from 'vitest';
import {
  Interrupt,
  Preempted,
  RandomStreams,
  Resource,
  Simulation,
  Tally,
  TimeWeighted,
  deterministic,
  exponential,
  lognormal,
  spawn,
  uniform,
  type ProcessBody,
  type Process,
} from '../../src/engine/index.js';
import { expectNear, replicate } from './ci.js';
import { cobhamWq, erlangC, mmcWq, pollaczekKhinchineWq, preemptiveResumeW } from '../../src/theory/queueing.js';
import { runStation } from './station.js';

const SEED = 'validation';

describe('M/M/1 (λ = 16/h, μ = 20/h)', () => {
  const runs = replicate(30, (r) =>
    runStation({ servers: 1, classes: [{ lambda: 16, service: exponential(20) }], warmup: 50, horizon: 1500 }, SEED, r),
  );
  it('Wq = 12 min and W = 15 min', () => {
    expectNear('Wq (min)', runs.map((x) => x.wq * 60), 12);
    expectNear('W (min)', runs.map((x) => x.w * 60), 15);
  });
  it('P(wait) = ρ = 0.8, utilisation = 0.8', () => {
    expectNear('P(wait)', runs.map((x) => x.pWait), 0.8);
    expectNear('utilisation', runs.map((x) => x.utilisation), 0.8);
  });
  it("L = λW = 4 and Lq = λWq = 3.2 (Little's law against theory)", () => {
    expectNear('L', runs.map((x) => x.l), 4);
    expectNear('Lq', runs.map((x) => x.lq), 3.2);
  });
});

describe('M/M/c against Erlang C', () => {
  for (const [c, lambda, reps, horizon] of [
    [3, 2.4, 20, 8000],
    [10, 9, 20, 4000],
  ] as const) {
    it(`c = ${c}, λ = ${lambda}, μ = 1: P(wait) and Wq`, () => {
      const runs = replicate(reps, (r) => runStation({ servers: c, classes: [{ lambda, service: exponential(1) }], warmup: 100, horizon }, `${SEED}:mmc${c}`, r));
      expectNear('P(wait)', runs.map((x) => x.pWait), erlangC(c, lambda, 1));
      expectNear('Wq', runs.map((x) => x.wq), mmcWq(c, lambda, 1));
      expectNear('utilisation', runs.map((x) => x.utilisation), lambda / c);
    });
  }
});

describe('M/G/1 against Pollaczek–Khinchine', () => {
  const cases = [
    { name: 'M/D/1, D = 1, λ = 0.8', lambda: 0.8, service: deterministic(1) },
    { name: 'M/G/1, Uniform(0.5, 1.5), λ = 0.8', lambda: 0.8, service: uniform(0.5, 1.5) },
    { name: 'M/G/1, lognormal(mean 1, sd 1.5), λ = 0.6', lambda: 0.6, service: lognormal(1, 1.5) },
  ];
  for (const k of cases) {
    it(k.name, () => {
      const runs = replicate(25, (r) => runStation({ servers: 1, classes: [{ lambda: k.lambda, service: k.service }], warmup: 200, horizon: 20000 }, `${SEED}:${k.name}`, r));
      expectNear('Wq', runs.map((x) => x.wq), pollaczekKhinchineWq(k.lambda, k.service.mean, k.service.variance));
    });
  }
});

describe('two-class non-preemptive priority M/M/1 against Cobham', () => {
  it("class waits match Cobham's formula (discipline 'priority', class 0 first)", () => {
    const classes = [
      { lambda: 0.3, service: exponential(1) },
      { lambda: 0.5, service: exponential(1.25) },
    ];
    const theory = cobhamWq(classes.map((k) => ({ lambda: k.lambda, serviceMean: k.service.mean, serviceVariance: k.service.variance })));
    const runs = replicate(25, (r) => runStation({ servers: 1, classes, discipline: 'priority', warmup: 200, horizon: 20000 }, SEED, r));
    expectNear('Wq class 0', runs.map((x) => x.wqByClass[0]!), theory[0]!);
    expectNear('Wq class 1', runs.map((x) => x.wqByClass[1]!), theory[1]!);
  });
});

describe('two-class preemptive-resume priority M/M/1 (process API)', () => {
  it('time in system of each class matches the preemptive-resume formula', () => {
    const lambdas = [0.3, 0.5];
    const mu = 1;
    const theory = preemptiveResumeW(lambdas.map((lambda) => ({ lambda, serviceMean: 1 / mu, serviceVariance: 1 / mu ** 2 })));
    const warmup = 200;
    const horizon = 8000;
    const runs = replicate(20, (rep) => {
      const streams = new RandomStreams(SEED, rep);
      const sim = new Simulation();
      const server = new Resource(sim, { capacity: 1, discipline: 'preemptive' });
      const sojourn = lambdas.map(() => new Tally());
      const customer = (k: number, work: number, self: () => Process): ProcessBody<void> =>
        (function* () {
          const arrived = sim.now;
          let remaining = work;
          while (remaining > 0) {
            const req = self().request(server, k);
            try {
              yield req;
              yield remaining;
              remaining = 0;
              self().release(req);
            } catch (e) {
              if (!(e instanceof Interrupt && e.cause instanceof Preempted)) throw e;
              remaining -= sim.now - e.cause.usageSince; // resume: keep the work already done
            }
          }
          if (arrived >= warmup) sojourn[k]!.add(sim.now - arrived);
        })();
      lambdas.forEach((lambda, k) => {
        const gaps = streams.stream(`arrivals-${k}`);
        const work = streams.stream(`service-${k}`);
        const gap = exponential(lambda);
        const svc = exponential(mu);
        spawn(
          sim,
          (function* (): ProcessBody<void> {
            for (;;) {
              yield gap.sample(gaps);
              let p: Process | undefined;
              p = spawn(sim, customer(k, svc.sample(work), () => p!));
            }
          })(),
        );
      });
      sim.run({ until: warmup + horizon });
      return sojourn.map((t) => t.mean);
    });
    expectNear('W class 0', runs.map((x) => x[0]!), theory[0]!);
    expectNear('W class 1', runs.map((x) => x[1]!), theory[1]!);
  });
});

describe("Little's law on a two-station tandem (M/M/2 → M/M/1)", () => {
  it('time-average number in system equals observed throughput × mean time in system', () => {
    const runs = replicate(20, (rep) => {
      const streams = new RandomStreams(SEED, rep);
      const sim = new Simulation();
      const a = new Resource(sim, { capacity: 2, name: 'a' });
      const b = new Resource(sim, { capacity: 1, name: 'b' });
      const gaps = streams.stream('arrivals');
      const sa = streams.stream('service-a');
      const sb = streams.stream('service-b');
      const inSystem = new TimeWeighted(0, 0);
      let n = 0;
      const arrivedAt = new Map<number, number>();
      const sojourn = new Tally();
      let nextId = 0;
      let arrivals = 0;
      const warmup = 100;
      const leaveB = (id: number): void => {
        b.release();
        inSystem.update(sim.now, --n);
        sojourn.add(sim.now - arrivedAt.get(id)!);
        arrivedAt.delete(id);
      };
      const startB = (id: number): void => void sim.schedule(-Math.log(1 - sb.next()) / 1.25, leaveB, id);
      const leaveA = (id: number): void => {
        a.release();
        if (b.seize(startB, id) < 0) startB(id);
      };
      const startA = (id: number): void => void sim.schedule(-Math.log(1 - sa.next()) / 0.6, leaveA, id);
      const arrive = (): void => {
        const id = nextId++;
        arrivedAt.set(id, sim.now);
        arrivals++;
        inSystem.update(sim.now, ++n);
        if (a.seize(startA, id) < 0) startA(id);
        sim.schedule(-Math.log(1 - gaps.next()), arrive, undefined);
      };
      sim.schedule(0, arrive, undefined);
      sim.run({ until: warmup });
      inSystem.reset(warmup);
      sojourn.reset();
      arrivals = 0;
      const horizon = 5000;
      sim.run({ until: warmup + horizon });
      const l = inSystem.mean(warmup + horizon);
      const littleL = (arrivals / horizon) * sojourn.mean;
      return { l, littleL, diff: l - littleL };
    });
    // The two sides differ only by edge effects, so their difference has mean 0.
    expectNear('L − λW', runs.map((x) => x.diff), 0);
    // And both agree with the product-form answer: M/M/2 (λ = 1, μ = 0.6) then M/M/1 (μ = 1.25).
    const lTheory = (1 * (mmcWq(2, 1, 0.6) + 1 / 0.6)) + 1 / (1.25 - 1);
    expectNear('L', runs.map((x) => x.l), lTheory);
  });

  it('M/M/3: resource time-weighted queue length equals λ·Wq', () => {
    const runs = replicate(20, (r) => runStation({ servers: 3, classes: [{ lambda: 2.4, service: exponential(1) }], warmup: 100, horizon: 5000 }, SEED, r));
    expectNear('Lq − λWq', runs.map((x) => x.lq - x.throughput * x.wq), 0);
    expect(Math.abs(runs[0]!.lq - 2.4 * mmcWq(3, 2.4, 1))).toBeLessThan(1); // loose sanity on one run
  });
});
