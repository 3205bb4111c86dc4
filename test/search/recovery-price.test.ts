/**
 * A recovery plan's variables in a search are priced (docs/search.md, "Cost"): a standing
 * standby server costs the plan's costPerHour per hour of the horizon, one kept in reserve its
 * reserveCostPerHour — the known part of cost.recovery (checked against a replication without a
 * disaster, where cost.recovery is nothing else) — so the cheaper of two feasible plans wins.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFile, loadScenarioText, ScenarioLoadError, type Scenario } from '../../src/scenario/index.js';
import { buildVariables, costOf } from '../../src/search/space.js';
import { runReplication } from '../../src/models/replication.js';
import { runSearch, searchSummary, SearchDocumentSchema } from '../../src/search/index.js';
import { searchSectionHtml } from '../../src/report/search.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(here, 'fixtures/dr-plan-search.yaml');

function input(overrides: Record<string, unknown> = {}): { raw: unknown; file: string; hash: string } {
  const r = loadScenarioFile(FIXTURE, { overrides });
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return { raw: r.raw, file: r.file!, hash: r.hash };
}

/** The DR scenario without its search and (by default) without its disaster: cost.recovery is then only the standing and reserve servers. */
function plan(extra: string[] = [], disaster = false): Scenario {
  const lines = [
    'name: dr-price',
    'horizon: 4h',
    'load: [{ name: shoppers, service: web, rate: 2/s }]',
    'services:',
    '  - { name: web, servers: 4, serviceTime: 100ms }',
    '  - { name: web-dr, servers: 6, serviceTime: 100ms, costPerHour: 0.5 }',
    'teams: [{ name: ops, costPerHour: 40, onCallPayFraction: 0.25, roster: { shifts: [{ name: day, start: 0h, length: 8h, headcount: 1 }, { name: pager, start: 0h, length: 24h, headcount: 1, onCall: true, responseLatency: 10m }] } }]',
    'sites:',
    '  - name: east',
    '    services: [web]',
    ...(disaster ? ['    disasters: [{ kind: power, at: 1h, duration: 1h }]'] : []),
    '    recovery:',
    '      site: west',
    '      mode: warm',
    '      pairs: [{ service: web, standby: web-dr }]',
    '      costPerHour: 10',
    '      reserveCostPerHour: 1',
    '      replication: { lag: 0 }',
    '      failover: [{ name: switch, action: switch, duration: 5m }]',
    ...extra,
    '  - { name: west, services: [web-dr] }',
    '',
  ];
  const r = loadScenarioText(lines.join('\n'), { file: 'dr-price.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

/** cost.recovery of one replication of the scenario with `set` applied. */
function recoveryCost(s: Scenario, set: (s: Scenario) => void): number {
  const copy = structuredClone(s);
  set(copy);
  return runReplication(copy, { seed: 'dr-price', replication: 0 }).metrics['cost.recovery']!;
}

describe("a recovery plan's search variables are priced", () => {
  const scenario = plan();
  const site = (s: Scenario) => s.sites![0]!.recovery!;

  it("prices the standing share at what cost.recovery charges without a disaster, and says the bring-up is left to it", () => {
    const [standing] = buildVariables([{ path: 'sites.east.recovery.standing', values: [0, '25%', '50%', 1] }], scenario);
    // 6 standby servers over 4 h: ⌊6 × share⌋ stand at 10/h, the rest wait at 1/h.
    expect(standing!.costs).toEqual([24, 60, 132, 240]);
    expect(standing!.priceNote).toMatch(/bring-up's running cost during a disaster is random: it is in cost\.recovery/);
    [0, 0.25, 0.5, 1].forEach((share, i) => expect(standing!.costs[i]).toBeCloseTo(recoveryCost(scenario, (s) => (site(s).standing = share)), 9));
  });

  it("prices the mode by the standing share it sets (hot 100 %, warm 25 %, cold 0), and alike when the plan gives its own share", () => {
    const [mode] = buildVariables([{ path: 'sites.east.recovery.mode', values: ['cold', 'warm', 'hot'] }], scenario);
    expect(mode!.costs).toEqual([24, 24 + 9 * 4, 240]);
    (['cold', 'warm', 'hot'] as const).forEach((m, i) => expect(mode!.costs[i]).toBeCloseTo(recoveryCost(scenario, (s) => (site(s).mode = m)), 9));
    const [fixed] = buildVariables([{ path: 'sites.east.recovery.mode', values: ['cold', 'hot'] }], plan(['      standing: 50%']));
    expect(fixed!.costs).toEqual([132, 132]);
    expect(fixed!.priceNote).toMatch(/changes only the bring-up time/);
  });

  it("leaves the contract's fees out of a variable's cost (the monthly fee is the same for every value, the invocation fee random) and says so", () => {
    const withFees = plan(['      feePerMonth: 730', '      invocationFee: 500']);
    const [standing] = buildVariables([{ path: 'sites.east.recovery.standing', values: [0, 1] }], withFees);
    expect(standing!.costs).toEqual([24, 240]);
    expect(standing!.priceNote).toContain("the contract's feePerMonth (730, the same for every value) and invocationFee (500 per failover, random) are not in it");
    // cost.recovery without a disaster: the variable's cost plus the fee pro rata (730 a month = 1 an hour, 4 h).
    expect(recoveryCost(withFees, (s) => (site(s).standing = 1))).toBeCloseTo(240 + 4, 9);
  });

  it("prices a standby's servers with its plan's part on top of its own costPerHour", () => {
    const [servers] = buildVariables([{ path: 'services.web-dr.servers', range: { from: 4, to: 8, step: 4 } }], scenario);
    // warm: 25 % stand. 4 servers: 1 standing, 3 in reserve; 8: 2 and 6; plus 0.5/h each as a service.
    expect(servers!.costs).toEqual([(4 * 0.5 + 10 + 3) * 4, (8 * 0.5 + 20 + 6) * 4]);
    for (const [i, n] of [4, 8].entries()) {
      const m = runReplication(Object.assign(structuredClone(scenario), { services: scenario.services!.map((x) => (x.name === 'web-dr' ? { ...x, servers: n } : x)) }), { seed: 'dr-price', replication: 0 }).metrics;
      expect(costOf([servers!], [i])).toBeCloseTo(m['cost.recovery']! + m['cost.servers']!, 9);
    }
  });

  it("prices a plan's standing share and its standby's servers together: a candidate's known cost is what cost.recovery and cost.servers charge for the combination", () => {
    const vars = buildVariables(
      [
        { path: 'sites.east.recovery.standing', values: [0, '25%', '50%', 1] },
        { path: 'services.web-dr.servers', range: { from: 2, to: 8, step: 3 } },
      ],
      scenario,
    );
    // Before, each was priced at the other's value as written (6 servers; warm's 25 %): 50 % of 2 servers was charged as 50 % of 6 plus 2 at 25 %.
    for (const [i, share] of [0, 0.25, 0.5, 1].entries()) {
      for (const [j, n] of [2, 5, 8].entries()) {
        const m = runReplication(
          Object.assign(structuredClone(scenario), {
            services: scenario.services!.map((x) => (x.name === 'web-dr' ? { ...x, servers: n } : x)),
            sites: scenario.sites!.map((x) => (x.recovery !== undefined ? { ...x, recovery: { ...x.recovery, standing: share } } : x)),
          }),
          { seed: 'dr-price', replication: 0 },
        ).metrics;
        expect(costOf(vars, [i, j]), `standing ${share}, ${n} servers`).toBeCloseTo(m['cost.recovery']! + m['cost.servers']!, 9);
      }
    }
    expect(vars[0]!.priceNote).toContain("a candidate's known cost prices it together with services.web-dr.servers, at the candidate's values");
    // With a warm-up, over the measured period as cost.recovery (before: the whole horizon).
    const warm = Object.assign(structuredClone(scenario), { warmup: 3600 });
    const [standing] = buildVariables([{ path: 'sites.east.recovery.standing', values: [0, 1] }], warm);
    expect(standing!.costs[1]).toBe(6 * 10 * 3);
    expect(standing!.costs[1]).toBeCloseTo(recoveryCost(warm, (s) => (site(s).standing = 1)), 9);
    // The mode sets the share when the search does not give one: cold 0 with 8 servers, hot with 2.
    const modes = buildVariables([{ path: 'sites.east.recovery.mode', values: ['cold', 'hot'] }, { path: 'services.web-dr.servers', values: [2, 8] }], scenario);
    expect(costOf(modes, [0, 1])).toBeCloseTo((8 * 0.5 + 8 * 1) * 4, 9);
    expect(costOf(modes, [1, 0])).toBeCloseTo((2 * 0.5 + 2 * 10) * 4, 9);
  });

  it("prices an on-call shift's headcount at the team's on-call share, as the staffing cost does", () => {
    const [pager] = buildVariables([{ path: 'teams.ops.roster.shifts.pager.headcount', range: { from: 1, to: 2 } }], scenario);
    expect(pager!.costs).toEqual([40, 80]);
    const m = runReplication(scenario, { seed: 'dr-price', replication: 0 }).metrics;
    // The day shift (1 × 4 h × 40) and the pager (1 × 4 h × 40 × 0.25).
    expect(m['cost.staffing']).toBeCloseTo(160 + pager!.costs[0]!, 9);
  });

  it('the cheaper of two feasible plans wins: a fast bring-up with nothing standing, not a standing server; priced at 0 the search kept the dearer plan', async () => {
    const priced = await runSearch(input(), { workers: 0 });
    expect(priced.status).toBe('certified');
    expect(priced.answer).toMatchObject({ candidate: 'bring-up=20m,standing=0', cost: 16 });
    // Both plans meet the RTO; 25 % standing costs 52 (1 server at 10/h, 3 at 1/h, 4 h).
    expect(priced.candidates.find((c) => c.name === 'bring-up=20m,standing=25%')).toMatchObject({ decision: 'feasible', cost: 52 });
    // The known cost leaves the bring-up to the simulation, and the document, the CLI and the report say so.
    expect(priced.costNotes).toEqual([
      "standing: 10/h per standing standby server, 1/h per one in reserve, × 4 h, over web-dr's 4 servers; the bring-up's running cost during a disaster is random: it is in cost.recovery, not in this known cost",
    ]);
    expect(searchSummary(priced)).toContain(`known cost:\n  ${priced.costNotes![0]}\n`);
    expect(searchSectionHtml(priced)).toContain('Known cost: standing: 10/h per standing standby server');
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ allErrors: true }).compile(SearchDocumentSchema);
    expect(validate(JSON.parse(JSON.stringify(priced))), JSON.stringify(validate.errors)).toBe(true);
    const free = await runSearch(input({ 'search.variables.standing.price': 0 }), { workers: 0 });
    expect(free.answer?.candidate).toBe('bring-up=2h,standing=25%');
    // A price given says nothing of a random part: no note.
    expect(free.costNotes).toBeUndefined();
  }, 30_000);

  it('refuses randomCost cost.recovery beside a recovery variable priced by default (it would count the standing servers twice)', () => {
    expect(() => input({ 'search.objective': 'expected', 'search.costTolerance': 5, 'search.randomCost': 'cost.recovery' })).not.toThrow();
    return expect(runSearch(input({ 'search.objective': 'expected', 'search.costTolerance': 5, 'search.randomCost': 'cost.recovery' }), { workers: 0 })).rejects.toThrow(/randomCost "cost\.recovery" counts too: give this variable `price: 0`/);
  });
});
