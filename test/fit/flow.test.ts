/**
 * `opsim fit incidents` writes fitted-incident-flow.yaml: incident types P1–P4 and one
 * incidents.reported stream per priority (fitted rate × share, the fitted daily and weekly
 * profile, `type: Pn`). A scenario that extends it and adds an operator team validates and runs,
 * each priority's incidents arrive at its stream's rate and keep its priority. A priority with
 * no incident has no stream; one whose incidents are all still open takes the all-priorities
 * time to resolve; an export without priorities gives one type and one stream.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/index.js';
import { readIncidents } from '../../src/fit/incident-export.js';
import { fitIncidents, type IncidentFit } from '../../src/fit/incident-fit.js';
import { distYaml, FLOW_FILE, incidentFlowFragment, offeredOperators } from '../../src/fit/fragment.js';
import { sig } from '../../src/fit/format.js';
import { formatScenarioError, loadScenarioFile } from '../../src/scenario/index.js';
import type { Scenario } from '../../src/scenario/schema/index.js';
import { syntheticExport, tempDir } from './helpers.js';

const tmp = tempDir('opsim-fit-flow-');
afterAll(() => tmp.remove());
const JIRA = { id: 'key', openedAt: 'created', resolvedAt: 'resolutiondate' };
const HORIZON_DAYS = 14;

/** Fits `csv`, writes the flow and a desk scenario extending it into `dir`; returns the fit and the loaded desk. */
async function fitAndExtend(name: string, csv: string, headcount: number): Promise<{ fit: IncidentFit; flow: string; desk: Scenario; raw: unknown; file: string; hash: string }> {
  const dir = path.join(tmp.dir, name);
  const file = tmp.file(`${name}.csv`, csv);
  const exp = await readIncidents(file, { columns: JIRA });
  const fit = fitIncidents(exp);
  const flow = incidentFlowFragment(fit);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, FLOW_FILE), flow);
  const deskFile = path.join(dir, 'desk.yaml');
  writeFileSync(deskFile, `extends: ${FLOW_FILE}\nname: ${name}-desk\nseed: 3\nhorizon: ${HORIZON_DAYS}d\nteams:\n  - { name: resolvers, tier: L1, headcount: ${headcount} }\n`);
  const r = loadScenarioFile(deskFile);
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n') + '\n' + flow);
  return { fit, flow, desk: r.scenario, raw: r.raw, file: r.file ?? deskFile, hash: r.hash };
}

describe('the fitted incident flow', () => {
  let base: Awaited<ReturnType<typeof fitAndExtend>>;
  beforeAll(async () => {
    // 28 days, 2/h by day and a fifth of it at night, Weibull times to resolve of about 30 min.
    base = await fitAndExtend('base', syntheticExport(28, 2, 1.2, 1800, 'flow'), 4);
  });

  it('has one stream per priority at the fitted rate × its share, with the fitted profile, worked as its own type', () => {
    const { fit, desk } = base;
    const streams = desk.incidents!.reported!;
    expect(streams.map((s) => s.name)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(desk.incidents!.types!.map((t) => t.name)).toEqual(['P1', 'P2', 'P3', 'P4']);
    const rate = fit.arrivals.ratePerHour.value;
    for (const s of streams) {
      const share = fit.mix.priority.find((p) => p.priority === s.name)!.share.value;
      expect(s.type).toBe(s.name);
      expect(s.priorities).toEqual({ [s.name]: 1 });
      // Loaded rates are per second; written with 6 significant digits.
      expect(Math.abs((s.rate * 3600) / (rate * share) - 1)).toBeLessThan(1e-5);
      expect(s.daily).toEqual(fit.arrivals.daily.map((d) => Number(sig(d.value, 3))));
      expect(s.weekly).toEqual(fit.arrivals.weekly!.map((w) => Number(sig(w.value, 3))));
    }
    // No export priority is unknown here, so the streams add up to the fitted rate.
    expect(Math.abs(streams.reduce((a, s) => a + s.rate * 3600, 0) / rate - 1)).toBeLessThan(1e-5);
  });

  it('runs with the operator team: each priority arrives at its stream\'s rate and keeps its priority', async () => {
    const { desk, raw, file, hash } = base;
    const replications = 8;
    const doc = await runExperiment({ raw, file, hash }, { workers: 1, replications });
    expect(doc.failures).toEqual([]);
    const m = doc.variants[0]!.metrics;
    for (const s of desk.incidents!.reported!) {
      const arrived = m[`incidents.reported.${s.name}.arrived`]!;
      // Whole weeks of the profile average to the base rate: Poisson count over the replications.
      const expected = s.rate * HORIZON_DAYS * 86_400 * replications;
      const total = arrived.mean * replications;
      expect(Math.abs(total - expected), `${s.name}: ${total} arrivals against ${expected.toFixed(0)}`).toBeLessThan(4 * Math.sqrt(expected));
      expect(m[`incidents.${s.name}.count`]!.mean).toBe(arrived.mean);
    }
    // The offered work the header states: the team's utilisation is it ÷ the headcount
    // (|mean − theory| < 4 SE over the replications, with the SE floored at 1 % of the theory).
    const offered = offeredOperators(base.fit);
    expect(base.flow).toContain(`# ${sig(offered, 3)} operators busy on average`);
    const u = m['staffing.resolvers.utilisation']!;
    const se = Math.max(u.sd / Math.sqrt(u.n), 0.01 * (offered / 4));
    expect(Math.abs(u.mean - offered / 4), `utilisation ${u.mean} against ${offered / 4}`).toBeLessThan(4 * se);
  }, 60_000);

  it('leaves out a priority with no incident and gives a priority with none resolved the all-priorities time', async () => {
    // Of P1 keep three incidents, all still open; P4 becomes P3.
    let p1 = 0;
    const rows = syntheticExport(28, 2, 1.2, 1800, 'flow-few').trimEnd().split('\n');
    const csv = [rows[0], ...rows.slice(1).flatMap((line) => {
      const f = line.split(',');
      if (f[3] === 'P4') f[3] = 'P3';
      if (f[3] === 'P1') {
        if (++p1 > 3) return [];
        f[2] = '';
      }
      return [f.join(',')];
    })].join('\n') + '\n';
    const { fit, flow, desk } = await fitAndExtend('few', csv, 4);
    expect(desk.incidents!.reported!.map((s) => s.name)).toEqual(['P1', 'P2', 'P3']);
    expect(flow).toMatch(/^# P4: no incident in the export: no stream\.$/m);
    expect(fit.byPriority.find((p) => p.priority === 'P1')!.fit.events).toBe(0);
    expect(flow).toContain(distYaml('fix', fit.overall, '          ', 'all priorities (none of the 3 P1 incidents was resolved)'));
    // P2 (a fifth of the incidents) keeps its own fit.
    expect(flow).toContain(distYaml('fix', fit.byPriority.find((p) => p.priority === 'P2')!.fit, '          ', 'priority P2'));
  });

  it('without priorities in the export: one type and one stream at the whole rate', async () => {
    const csv = syntheticExport(28, 2, 1.2, 1800, 'flow-none').replace('key,created,resolutiondate,priority', 'key,created,resolutiondate,severity');
    const { fit, desk } = await fitAndExtend('none', csv, 4);
    expect(desk.incidents!.types!.map((t) => t.name)).toEqual(['incident']);
    const streams = desk.incidents!.reported!;
    expect(streams.map((s) => [s.name, s.type])).toEqual([['incidents', 'incident']]);
    expect(Math.abs((streams[0]!.rate * 3600) / fit.arrivals.ratePerHour.value - 1)).toBeLessThan(1e-5);
  });
});
