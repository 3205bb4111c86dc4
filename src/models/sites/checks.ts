/**
 * Checks of the sites section: names resolve (rooms, services, recovery site, teams,
 * backups), each service belongs to one site, the recovery site has capacity and a copy of
 * the data, and runbook steps are complete and ordered.
 */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';
import { MODE_DEFAULTS, siteServices, standingServers } from './membership.js';
import type { RunbookStepSpec } from './schema.js';
import { fidelityOf } from '../services/flow/index.js';

export function checkSites(s: Scenario, report: ScenarioReport): void {
  const sites = s.sites ?? [];
  if (sites.length === 0) return;
  const rooms = (s.rooms ?? []).map((r) => r.name);
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const members = new Map<string, string[]>();
  const owner = new Map<string, string>();
  sites.forEach((site, i) => {
    (site.rooms ?? []).forEach((r, j) => {
      if (!rooms.includes(r)) report(['sites', i, 'rooms', j], unknownName('room', r, rooms));
    });
    (site.services ?? []).forEach((v, j) => {
      if (!services.has(v)) report(['sites', i, 'services', j], unknownName('service', v, services.keys()));
    });
    const mine = siteServices(site, s);
    members.set(site.name, mine);
    for (const v of mine) {
      const other = owner.get(v);
      if (other !== undefined) report(['sites', i, 'name'], `service "${v}" already belongs to site "${other}" (a service stands at one site)`);
      else owner.set(v, site.name);
    }
  });
  // Which site's plan first names each standby: two plans with their own standing shares and
  // stand-downs cannot share one set of servers (the runtime would price and idle it twice).
  const standbyOf = new Map<string, string>();
  sites.forEach((site, i) => {
    const at = ['sites', i];
    (site.disasters ?? []).forEach((d, j) => {
      if (d.at === undefined && d.every === undefined) report([...at, 'disasters', j], 'give "at" or "every"');
      if (d.kind === 'cooling' && (site.rooms ?? []).length === 0) report([...at, 'disasters', j, 'kind'], `a cooling disaster needs the site's rooms, and site "${site.name}" lists none`);
      if ((d.kind === 'power' || d.kind === 'network') && (members.get(site.name) ?? []).length === 0) report([...at, 'disasters', j, 'kind'], `site "${site.name}" has no services for a ${d.kind} disaster to take down`);
    });
    const rec = site.recovery;
    if (rec === undefined) return;
    const rat = [...at, 'recovery'];
    const target = sites.find((x) => x.name === rec.site);
    if (rec.site === site.name) report([...rat, 'site'], 'a site cannot be its own recovery site');
    else if (target === undefined) report([...rat, 'site'], unknownName('site', rec.site, sites.map((x) => x.name)));
    const mine = members.get(site.name) ?? [];
    const theirs = target === undefined ? [] : (members.get(target.name) ?? []);
    const standing = rec.standing ?? MODE_DEFAULTS[rec.mode].standing;
    const bringsUp = rec.failover.some((st) => st.action === 'bring-up');
    if (rec.pairs.length === 0) report([...rat, 'pairs'], `the recovery site has no capacity for ${site.name}: name at least one service and its standby`);
    const seen = new Set<string>();
    rec.pairs.forEach((p, j) => {
      const pat = [...rat, 'pairs', j];
      if (seen.has(p.service)) report([...pat, 'service'], `"${p.service}" is paired twice`);
      seen.add(p.service);
      if (!mine.includes(p.service)) report([...pat, 'service'], services.has(p.service) ? `service "${p.service}" does not belong to site "${site.name}" (its services: ${mine.join(', ') || 'none'})` : unknownName('service', p.service, services.keys()));
      const primary = services.get(p.service);
      const standby = services.get(p.standby);
      // Diverting requests is a request-level operation: a flow-level service takes rate profiles, not requests.
      if (primary !== undefined && fidelityOf(s, primary) === 'flow') report([...pat, 'service'], `"${p.service}" runs at flow fidelity; failover diverts requests, so give it fidelity: request`);
      if (standby !== undefined && fidelityOf(s, standby) === 'flow') report([...pat, 'standby'], `"${p.standby}" runs at flow fidelity; failover diverts requests, so give it fidelity: request`);
      const sharer = standbyOf.get(p.standby);
      if (sharer !== undefined && sharer !== site.name) report([...pat, 'standby'], `"${p.standby}" is already the standby in site "${sharer}"'s recovery plan; two plans cannot share a standby (each keeps its own standing share and stands it down on its own failback): give site "${site.name}" its own standby service`);
      else if (sharer === undefined) standbyOf.set(p.standby, site.name);
      if (standby === undefined) report([...pat, 'standby'], unknownName('service', p.standby, services.keys()));
      else if (target !== undefined && !theirs.includes(p.standby)) report([...pat, 'standby'], `service "${p.standby}" does not belong to the recovery site "${target.name}" (its services: ${theirs.join(', ') || 'none'})`);
      else if (standingServers(standby.servers, standing) === 0 && !bringsUp) {
        report([...pat, 'standby'], `the recovery site has no capacity for "${p.service}": ${standby.servers} × standing ${Math.round(standing * 1000) / 10} % rounds down to 0 running servers and the failover runbook has no bring-up step`);
      }
    });
    const restores = rec.failover.some((st) => st.action === 'restore');
    if (rec.replication === undefined && !restores) report(rat, 'the recovery site has no copy of the data: give `replication` or a failover step with action: restore');
    checkRunbook(s, rec.failover, [...rat, 'failover'], report, true);
    if (rec.failback !== undefined) checkRunbook(s, rec.failback, [...rat, 'failback'], report, false);
  });
}

function checkRunbook(s: Scenario, steps: readonly RunbookStepSpec[], at: (string | number)[], report: ScenarioReport, failover: boolean): void {
  const teams = (s.teams ?? []).map((t) => t.name);
  const backups = new Map((s.backups ?? []).map((b) => [b.name, b]));
  const earlier = new Set<string>();
  steps.forEach((st, j) => {
    const sat = [...at, j];
    if (st.team !== undefined && !teams.includes(st.team)) report([...sat, 'team'], unknownName('team', st.team, teams));
    const action = st.action;
    if (action === 'work' && st.duration === undefined) report([...sat, 'duration'], 'a work step needs a duration');
    if (action === 'bring-up' && !failover) report([...sat, 'action'], 'bring-up belongs to the failover runbook (failback stands the extra servers down by itself)');
    if (action === 'restore') {
      const b = st.backup === undefined ? undefined : backups.get(st.backup);
      if (st.backup === undefined) report([...sat, 'backup'], 'a restore step names the backup it restores from');
      else if (b === undefined) report([...sat, 'backup'], unknownName('backup', st.backup, backups.keys()));
      else if (b.kind === 'batch') report([...sat, 'backup'], `"${b.name}" is a batch job, not a backup`);
      else if (st.duration === undefined && b.restoreTime === undefined) report([...sat, 'duration'], `give a duration, or a restoreTime on backup "${b.name}"`);
    } else if (st.backup !== undefined) report([...sat, 'backup'], 'only restore steps name a backup');
    (st.after ?? []).forEach((a, k) => {
      if (!earlier.has(a)) report([...sat, 'after', k], steps.some((x) => x.name === a) ? `"${a}" is not an earlier step (steps wait only for steps listed before them)` : unknownName('step', a, steps.map((x) => x.name)));
    });
    earlier.add(st.name);
  });
}
