/**
 * The failure-targets port: the models that own components offer them as failure targets
 * (services: servers, disks, power supplies, load balancers; cooling: CRAC units; network:
 * switches, routers, firewalls, links), and the failures model gives each target its
 * failures and repairs. A new model offers targets by registering here in its build, without
 * touching the failures model. The registry is given by the `failure-targets` plug-in, first
 * in the catalog, so that every model built before `failures` can register into it.
 */
import type { FailureClassSpec } from './schema.js';

/** One component instance that can fail: what it is and what its failure does. */
export interface FailureTarget {
  /** Unique in the replication, e.g. "web/3", "web/3/disk-1", "hall-a/crac-2", "fw-a"; names its random streams and its problem's target. */
  readonly id: string;
  /** Service the failure affects, if one (goes on the Problem). */
  readonly service: string | null;
  /** Room the component stands in, if known (goes on the Problem). */
  readonly room: string | null;
  /** Applies (down = true) or removes the failure's effect. */
  readonly effect: (down: boolean) => void;
}

/** A component class a model offers. */
export interface FailureTargetOffer {
  /** The class name as written in `failures.classes[].class`. */
  readonly cls: string;
  /**
   * The targets one `failures.classes` entry of this class applies to (honouring its
   * selectors such as `services`, `rooms`, `perServer`), in a fixed order. Called once per
   * entry at build time.
   */
  targets(entry: FailureClassSpec): FailureTarget[];
}

/** The registry of offers of one replication. */
export interface FailureTargetsPort {
  /** Offers a class of targets (registered in catalog order). */
  offer(offer: FailureTargetOffer): void;
  /** Every offer, in registration order. */
  offers(): readonly FailureTargetOffer[];
}

/** A fresh registry. */
export function failureTargetRegistry(): FailureTargetsPort {
  const list: FailureTargetOffer[] = [];
  return {
    offer: (o) => void list.push(o),
    offers: () => list,
  };
}

declare module '../kernel/plugin.js' {
  interface Ports {
    failureTargets: FailureTargetsPort;
  }
}
