/**
 * The components of services offered as failure targets (the failure-targets port): servers,
 * their disks and power supplies, and load-balancer units. The failures model draws when
 * they fail and are repaired; what a failure does to the pool is decided here.
 */
import type { World } from '../kernel/world.js';
import type { FailureTarget, FailureTargetsPort } from '../failures/ports.js';
import type { FailureClassInfo } from '../failures/schema.js';
import type { ServicesRegistry } from './pool.js';

/** The failure classes the services offer (composed into the schema's `failures.classes[].class`). */
export const SERVICE_FAILURE_CLASSES: readonly FailureClassInfo[] = [
  { name: 'server', doc: 'every server of the listed services' },
  { name: 'disk', doc: 'perServer per server' },
  { name: 'power-supply', doc: 'perServer per server' },
  { name: 'load-balancer', doc: 'one unit per balanced service, two with standby' },
];

/** Registers the services' failure targets. */
export function offerServiceTargets(world: World, site: ServicesRegistry, registry: FailureTargetsPort): void {
  const sim = world.sim;
  const applies = (services: readonly string[] | undefined, name: string): boolean => services === undefined || services.includes(name);

  registry.offer({
    cls: 'server',
    targets: (entry) => {
      const out: FailureTarget[] = [];
      for (const pool of site.poolList) {
        if (!applies(entry.services, pool.name)) continue;
        for (let s = 0; s < pool.servers; s++) {
          out.push({ id: `${pool.name}/${s}`, service: pool.name, room: pool.room?.name ?? null, effect: (down) => (down ? pool.failServer(s) : pool.repairServer(s)) });
        }
      }
      return out;
    },
  });

  for (const cls of ['disk', 'power-supply'] as const) {
    registry.offer({
      cls,
      targets: (entry) => {
        const k = entry.perServer;
        const needed = entry.needed ?? k;
        if (needed > k) throw new Error(`failures: ${cls} needs ${needed} of ${k} per server`);
        // The server goes down when more than k − needed of its parts are down.
        const tolerance = k - needed;
        const out: FailureTarget[] = [];
        for (const pool of site.poolList) {
          if (!applies(entry.services, pool.name)) continue;
          const partsDown = new Uint16Array(pool.servers);
          for (let s = 0; s < pool.servers; s++) {
            for (let j = 0; j < k; j++) {
              out.push({
                id: `${pool.name}/${s}/${cls}-${j}`,
                service: pool.name,
                room: pool.room?.name ?? null,
                effect: (down) => {
                  if (down) {
                    partsDown[s]++;
                    if (needed > 0 && partsDown[s] === tolerance + 1) pool.failServer(s);
                  } else {
                    if (needed > 0 && partsDown[s] === tolerance + 1) pool.repairServer(s);
                    partsDown[s]--;
                  }
                },
              });
            }
          }
        }
        return out;
      },
    });
  }

  registry.offer({
    cls: 'load-balancer',
    targets: (entry) => {
      const out: FailureTarget[] = [];
      for (const pool of site.poolList) {
        const lb = pool.balancer;
        if (lb === null || !applies(entry.services, pool.name)) continue;
        const units = lb.standby ? 2 : 1;
        const unitDown = [false, false];
        let active = 0;
        let outage = false;
        const failover = world.streams.stream(`failures/load-balancer/${pool.name}/failover`);
        for (let u = 0; u < units; u++) {
          const id = units === 1 ? `${pool.name}/lb` : `${pool.name}/lb-${u + 1}`;
          out.push({
            id,
            service: pool.name,
            room: pool.room?.name ?? null,
            effect: (down) => {
              unitDown[u] = down;
              if (down) {
                if (u !== active || outage) return; // the standby broke: redundancy lost, traffic unaffected
                const other = 1 - u;
                if (units === 2 && !unitDown[other] && failover.next() < lb.failoverSuccess) {
                  // Failover works: a short interruption, then the standby carries the traffic.
                  active = other;
                  pool.lbOutage(1);
                  sim.post(lb.failoverTime, () => pool.lbOutage(-1), undefined);
                  return;
                }
                outage = true;
                pool.lbOutage(1);
              } else if (outage) {
                // Whichever unit comes back first takes the traffic.
                outage = false;
                active = u;
                pool.lbOutage(-1);
              }
            },
          });
        }
      }
      return out;
    },
  });
}
