/** Checks of the backups section: the service exists, the job fits it, the window fits the period. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';
import { fidelityOf } from '../services/flow/index.js';

export function checkBackups(s: Scenario, report: ScenarioReport): void {
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  (s.backups ?? []).forEach((b, i) => {
    const at = ['backups', i];
    const service = services.get(b.service);
    if (service === undefined) report([...at, 'service'], unknownName('service', b.service, services.keys()));
    else if (b.share > 0 && fidelityOf(s, service) === 'flow') report([...at, 'share'], `"${service.name}" runs at flow fidelity, where a job's share of the servers is not modelled; give it fidelity: request (or use \`servers\`)`);
    if (b.share >= 1) report([...at, 'share'], 'must be below 100 % (a job holding the whole server: use `servers`)');
    if (service !== undefined && b.servers > service.servers) report([...at, 'servers'], `exceeds the ${service.servers} servers of ${service.name}`);
    const every = b.every;
    if (b.window > every) report([...at, 'window'], `is longer than the time between starts (${every} s): runs would overlap inside one window`);
    if (b.kind === 'batch' && b.restoreTime !== undefined) report([...at, 'restoreTime'], 'a batch job is not a backup: nothing restores from it (set kind: backup)');
  });
}
