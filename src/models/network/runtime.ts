/**
 * Network devices of one replication: switches, routers, firewalls and links, redundant pairs
 * and the services behind them.
 *
 *  - Availability: a device works while it has not failed and every device or pair it
 *    depends on works; a pair works while either member works. A service is cut off while any device or
 *    pair it depends on is down: its request attempts are refused at once (they fail, and
 *    retry if the service retries). Device failures come from the failures model: every
 *    device is offered as a failure target of its kind through the failure-targets port.
 *  - Capacity: a device with a `capacity` is an M/M/1/K queue (queue.ts) at the offered
 *    rate of the moment — the rate profiles of the load sent to the services whose current
 *    path crosses it (retries not counted), following failovers: while a recovery site's
 *    standby serves a service's new requests, they are offered to the standby's devices, not
 *    to the primary's (ServicePool.arrivalRate). Each attempt crossing it draws the number of
 *    requests it finds there from the queue's stationary distribution (PASTA): finding the
 *    buffer full it is dropped, else it spends an Erlang(n + 1, capacity) time in the device;
 *    the times of the devices on the path add up. Draws come from the device's own streams.
 *  - Pairs: a standby pair sends every attempt through its first working member (else its
 *    first). A shared pair whose members both work splits the attempts between them in
 *    proportion to their capacities (equally when either has none) by smooth weighted
 *    round-robin — deterministic, no draws — so each member's offered rate is its share of
 *    the pair's; with one member down the other carries everything. The model keeps no queue
 *    state (see queue.ts), so a member cannot be chosen by the length of its queue: each is an
 *    M/M/1/K at its share of the offered rate, the figure of a random (Poisson) split, which
 *    is conservative for a balancer that alternates or joins the shorter queue.
 *  - Cost: every device costs its `costPerHour` over the measured period, failed or not
 *    (cost.network, and through the networkCost port in cost.total).
 *
 * State changes only when a device fails or comes back, so availability and paths are
 * recomputed then, and an attempt only reads them.
 */
import { erlang, type Distribution, type RateProfile, type Rng } from '../../engine/index.js';
import type { FailureTarget, FailureTargetsPort } from '../failures/ports.js';
import type { ServicesPort } from '../services/ports.js';
import type { FlowPath, NetworkDelay } from '../services/request-path.js';
import { deviceDelay, mixDelays, NO_DELAY, sumDelays } from './delay.js';
import type { ServicePool } from '../services/pool.js';
import type { World } from '../kernel/world.js';
import { NETWORK_METRICS } from './metrics.js';
import type { NetworkCostPort } from './ports.js';
import { flatCapacityCost, UNPRICED } from '../kernel/capacity-cost.js';
import { admittedSojournVariance, deviceQueue, seenOnArrival } from './queue.js';
import { type DeviceKindName, type NetworkDeviceSpec, type NetworkSpec, type PairModeName } from './schema.js';

/** One device at run time. */
interface Device {
  readonly name: string;
  readonly kind: DeviceKindName;
  readonly capacity: number | null;
  readonly buffer: number;
  readonly costPerHour: number;
  deps: Node[];
  /** Failures in progress (the failures model's effects). */
  failed: number;
  /** Works now (not failed, dependencies up). */
  up: boolean;
  downSince: number;
  downtime: number;
  /** Services whose current route crosses the device (capacity devices only), and the share of each one's attempts that do. */
  carriers: Service[];
  shares: number[];
  /** What an arriving request finds in the device (decides drops), and its time in the device. */
  readonly seenRng: Rng | null;
  readonly sojournRng: Rng | null;
  /** Erlang(n + 1, capacity) by n, made when first needed. */
  readonly sojourn: Distribution[];
  peak: number;
  dropped: number;
  delaySum: number;
  delayCount: number;
  /** Flow level: the step [flowT0, flowT1) the device's state below was computed for, and at which offered rate. */
  flowT0: number;
  flowT1: number;
  flowLambda: number;
  flowRho: number;
  /** Drop probability, mean and distribution of an admitted attempt's time in the device (M/M/1/K at the step's mean offered rate). */
  flowDrop: number;
  flowMean: number;
  flowDelay: NetworkDelay;
  /** Those by offered rate (rates recur: load profiles repeat by hour and day). */
  readonly flowStates: Map<number, FlowDeviceState>;
}

/** A capacity device at one offered rate (flow level). */
interface FlowDeviceState {
  readonly drop: number;
  readonly mean: number;
  readonly delay: NetworkDelay;
}

/** A redundant pair. */
interface Pair {
  readonly name: string;
  readonly members: readonly [Device, Device];
  readonly mode: PairModeName;
}

type Node = { readonly device: Device } | { readonly pair: Pair };

/** A service behind the network. */
interface Service {
  readonly name: string;
  readonly pool: ServicePool;
  readonly deps: Node[];
  reachable: boolean;
  downSince: number;
  outage: number;
  refused: number;
  /** What its attempts cross now. */
  route: Route;
}

/**
 * What an attempt crosses: capacity devices in path order, then, at a shared pair whose
 * members both work, one of two routes on (each a member and the rest of the path).
 */
interface Route {
  readonly devices: readonly Device[];
  readonly split: Split | null;
}

/** The choice at a shared pair: smooth weighted round-robin between its two routes on. */
interface Split {
  readonly next: readonly [Route, Route];
  /** Shares of the attempts each member takes (summing to 1). */
  readonly weights: readonly [number, number];
  /** Round-robin credits: each attempt adds the weights, takes the larger and pays 1 back. */
  readonly credit: [number, number];
}

const NO_ROUTE: Route = { devices: [], split: null };

const nodeUp = (n: Node): boolean => ('device' in n ? n.device.up : n.pair.members[0].up || n.pair.members[1].up);

/** Builds the network (after services, before failures, which draws the devices' failures). */
export function buildNetwork(world: World, services: ServicesPort, registry: FailureTargetsPort, spec: NetworkSpec | null): NetworkCostPort {
  if (spec === null) return UNPRICED;
  const sim = world.sim;
  let resetAt = sim.now;

  // ------------------------------------------------------------ graph

  const devices = new Map<string, Device>();
  for (const d of spec.devices) {
    if (devices.has(d.name)) throw new Error(`network.devices: the name "${d.name}" is used twice`);
    devices.set(d.name, newDevice(world, d));
  }
  const pairs = new Map<string, Pair>();
  for (const p of spec.pairs ?? []) {
    const [a, b] = p.members.map((m) => devices.get(m));
    if (a === undefined || b === undefined) throw new Error(`network.pairs.${p.name}.members: no device named "${a === undefined ? p.members[0] : p.members[1]}"`);
    pairs.set(p.name, { name: p.name, members: [a, b], mode: p.mode });
  }
  const resolve = (name: string, where: string): Node => {
    const d = devices.get(name);
    if (d !== undefined) return { device: d };
    const p = pairs.get(name);
    if (p !== undefined) return { pair: p };
    throw new Error(`${where}: no device or pair named "${name}"`);
  };
  for (const d of spec.devices) devices.get(d.name)!.deps = (d.dependsOn ?? []).map((n) => resolve(n, `network.devices.${d.name}.dependsOn`));
  const order = topologicalOrder([...devices.values()]);

  const svcs: Service[] = (spec.services ?? []).map((s) => {
    const pool = services.pools.get(s.name);
    if (pool === undefined) throw new Error(`network.services.${s.name}: no service named "${s.name}"`);
    return { name: s.name, pool, deps: s.dependsOn.map((n) => resolve(n, `network.services.${s.name}.dependsOn`)), reachable: true, downSince: 0, outage: 0, refused: 0, route: NO_ROUTE };
  });

  // ------------------------------------------------------------ state

  /** Recomputes which devices work, which services are reachable and the routes, and integrates the outages. */
  const recompute = (): void => {
    const now = sim.now;
    for (const d of order) {
      const up = d.failed === 0 && d.deps.every(nodeUp);
      if (up === d.up) continue;
      d.up = up;
      if (up) d.downtime += now - Math.max(d.downSince, resetAt);
      else d.downSince = now;
    }
    for (const d of devices.values()) {
      d.carriers = [];
      d.shares = [];
    }
    for (const s of svcs) {
      const reachable = s.deps.every(nodeUp);
      if (reachable !== s.reachable) {
        s.reachable = reachable;
        s.pool.setCutOff(!reachable);
        if (reachable) s.outage += now - Math.max(s.downSince, resetAt);
        else s.downSince = now;
      }
      s.route = routeOf(s.deps);
      for (const [d, share] of sharesOf(s.route)) {
        d.carriers.push(s);
        d.shares.push(share);
      }
    }
  };
  recompute();

  // Flow-level pools crossing the network: brought up to now before its state changes or its
  // metrics are read, so each of their steps sees one state of the network.
  const flowSyncs: (() => void)[] = [];
  const syncFlow = (): void => {
    for (const f of flowSyncs) f();
  };

  for (const s of svcs) {
    s.pool.setRequestPath({
      flow: flowPath(s, flowSyncs, () => profilesNear(s, svcs)),
      // A failover's switch moves offered load between devices: the flow's steps end there.
      rerouting: syncFlow,
      cross: () => {
        if (!s.reachable) {
          s.refused++;
          return -1;
        }
        let delay = 0;
        let dropped = false;
        const now = sim.now;
        // Every device on the route draws, so one device's drops never shift another's stream.
        for (let r = s.route; ; ) {
          for (const d of r.devices) {
            let lambda = 0;
            const carriers = d.carriers;
            for (let i = 0; i < carriers.length; i++) lambda += carriers[i]!.pool.arrivalRate(now) * d.shares[i]!;
            const cap = d.capacity!;
            const rho = lambda / cap;
            if (rho > d.peak) d.peak = rho;
            const n = seenOnArrival(d.seenRng!.next(), rho, d.buffer);
            // The time in the device is drawn even for a request dropped elsewhere on the path.
            const t = (d.sojourn[n] ??= erlang(n + 1, cap)).sample(d.sojournRng!);
            if (n === d.buffer) {
              d.dropped++;
              dropped = true;
            } else {
              d.delaySum += t;
              d.delayCount++;
              delay += t;
            }
          }
          const split = r.split;
          if (split === null) break;
          r = split.next[pick(split)];
        }
        if (dropped) {
          s.refused++;
          return -1;
        }
        return delay;
      },
    });
  }

  // ------------------------------------------------------------ failure targets

  // A device's problem names the service behind it when there is exactly one.
  const dependants = new Map<Device, Set<string>>();
  for (const s of svcs) for (const d of closure(s.deps)) dependants.set(d, (dependants.get(d) ?? new Set()).add(s.name));
  for (const kind of ['switch', 'router', 'firewall', 'link'] as const) {
    registry.offer({
      cls: kind,
      targets: () =>
        [...devices.values()]
          .filter((d) => d.kind === kind)
          .map((d): FailureTarget => {
            const names = [...(dependants.get(d) ?? [])];
            return {
              id: d.name,
              service: names.length === 1 ? names[0]! : null,
              room: null,
              effect: (down) => {
                syncFlow();
                d.failed += down ? 1 : -1;
                recompute();
              },
            };
          }),
    });
  }

  // ------------------------------------------------------------ metrics

  sim.onReset(() => {
    syncFlow();
    resetAt = sim.now;
    for (const d of devices.values()) {
      d.downtime = 0;
      d.peak = 0;
      d.dropped = 0;
      d.delaySum = 0;
      d.delayCount = 0;
    }
    for (const s of svcs) {
      s.outage = 0;
      s.refused = 0;
    }
  });
  const openMinutes = (up: boolean, since: number): number => (up ? 0 : sim.now - Math.max(since, resetAt));
  // The counts of flow-level crossings are brought up to now first.
  const synced =
    (f: () => number): (() => number) =>
    () => {
      syncFlow();
      return f();
    };
  for (const d of devices.values()) {
    const labels = { device: d.name };
    world.recorder.metric(NETWORK_METRICS.deviceDowntime, labels, () => (d.downtime + openMinutes(d.up, d.downSince)) / 60);
    if (d.capacity === null) continue;
    world.recorder.metric(NETWORK_METRICS.utilisationPeak, labels, synced(() => d.peak));
    world.recorder.metric(NETWORK_METRICS.dropped, labels, synced(() => d.dropped));
    world.recorder.metric(NETWORK_METRICS.addedDelay, labels, synced(() => (d.delayCount === 0 ? 0 : d.delaySum / d.delayCount)));
    world.recorder.metric(NETWORK_METRICS.carried, labels, synced(() => d.delayCount));
  }
  for (const s of svcs) {
    const labels = { service: s.name };
    world.recorder.metric(NETWORK_METRICS.serviceOutage, labels, () => (s.outage + openMinutes(s.reachable, s.downSince)) / 60);
    world.recorder.metric(NETWORK_METRICS.refused, labels, synced(() => s.refused));
  }
  // Every device is paid for over the measured period, whether it works or not.
  // cost.network only when some device has a price, as cost.servers: an unpriced network's
  // summary would otherwise show "Network cost 0 [0, 0]".
  const perHour = [...devices.values()].reduce((sum, d) => sum + d.costPerHour, 0);
  return flatCapacityCost(world, perHour, NETWORK_METRICS.cost);
}


/**
 * A capacity device over the flow step [t0, t1): the M/M/1/K queue at the mean offered rate
 * of the step (what request level evaluates at each attempt, averaged over the step: the
 * step boundaries fall on the load profile's rate changes, so inside one the rate is
 * constant or nearly so). Computed once per step however many services cross the device.
 */
function deviceInStep(d: Device, t0: number, t1: number): void {
  if (d.flowT0 === t0 && d.flowT1 === t1) return;
  d.flowT0 = t0;
  d.flowT1 = t1;
  let lambda = 0;
  for (let i = 0; i < d.carriers.length; i++) lambda += d.carriers[i]!.pool.arrivalsIn(t0, t1) * d.shares[i]!;
  lambda /= t1 - t0;
  if (lambda === d.flowLambda) return;
  const cap = d.capacity!;
  let st = d.flowStates.get(lambda);
  if (st === undefined) {
    const q = deviceQueue(lambda, cap, d.buffer);
    st = { drop: q.drop, mean: q.delay, delay: deviceDelay(lambda, cap, d.buffer, q.delay, admittedSojournVariance(lambda, cap, d.buffer)) };
    if (d.flowStates.size >= 4096) d.flowStates.clear();
    d.flowStates.set(lambda, st);
  }
  d.flowLambda = lambda;
  d.flowRho = lambda / cap;
  d.flowDrop = st.drop;
  d.flowMean = st.mean;
  d.flowDelay = st.delay;
}

/**
 * The load profiles whose rate changes move the offered rate of a capacity device `s` may
 * cross: those of every service that may cross one of the same devices (on any route: a
 * route changes with the devices' state), of its callers and of the services a failover may
 * divert to it, as `arrivalsIn` sums them.
 */
function profilesNear(s: Service, svcs: readonly Service[]): RateProfile[] {
  const mine = [...closure(s.deps)].filter((d) => d.capacity !== null);
  const out = new Set<RateProfile>();
  const seen = new Set<ServicePool>();
  const add = (pool: ServicePool): void => {
    if (seen.has(pool)) return;
    seen.add(pool);
    for (const p of pool.demand) out.add(p);
    for (const c of pool.callers) add(c);
    for (const p of pool.standingFor) add(p);
  };
  for (const o of svcs) {
    const theirs = closure(o.deps);
    if (mine.some((d) => theirs.has(d))) add(o.pool);
  }
  return [...out];
}

/**
 * The path of one service for a flow-level pool: the expected counts of what request level
 * draws per attempt. Every device on the route is crossed by its share of the attempts and
 * drops the M/M/1/K share of them (each device on its own, as each draws its own at request
 * level: `dropped` and `carried` count the attempts it dropped and let through, even those
 * another device drops); an attempt passes when no device on its route drops it, and its time
 * in the network is the sum of the devices' independent times (delay.ts). At a shared pair
 * the attempts split by the round-robin's weights (its capacity shares), so the time of the
 * attempts passed is a mixture over the routes.
 */
function flowPath(s: Service, syncs: (() => void)[], near: () => RateProfile[]): FlowPath {
  /** Made at the first step: the load model registers its classes after the network is built. */
  let profiles: RateProfile[] | null = null;
  let pass = 0;
  let attempts = 0;
  const ends: NetworkDelay[] = [];
  const endShares: number[] = [];
  /** The composed delay, kept while the route and its devices' states are the same. */
  const composed = new Map<string, NetworkDelay>();
  let key = '';
  // `delay`: the time of the devices crossed so far, composed as each is crossed (a split's
  // branches share their prefix's composition through the cache).
  const visit = (r: Route, p: number, survive: number, delay: NetworkDelay, t0: number, t1: number): void => {
    for (const d of r.devices) {
      deviceInStep(d, t0, t1);
      const n = attempts * p;
      if (n > 0) {
        if (d.flowRho > d.peak) d.peak = d.flowRho;
        d.dropped += n * d.flowDrop;
        const carried = n * (1 - d.flowDrop);
        d.delayCount += carried;
        d.delaySum += carried * d.flowMean;
      }
      survive *= 1 - d.flowDrop;
      const k = `${delay.id}+${d.flowDelay.id}`;
      let sum = composed.get(k);
      if (sum === undefined) {
        sum = sumDelays(delay, d.flowDelay);
        composed.set(k, sum);
      }
      delay = sum;
    }
    if (r.split === null) {
      const w = p * survive;
      pass += w;
      key += `${delay.id}:${w};`;
      ends.push(delay);
      endShares.push(w);
      return;
    }
    visit(r.split.next[0], p * r.split.weights[0], survive, delay, t0, t1);
    visit(r.split.next[1], p * r.split.weights[1], survive, delay, t0, t1);
  };
  const path = {
    delay: NO_DELAY,
    attach: (sync: () => void): void => {
      syncs.push(sync);
    },
    step: (t0: number, t1: number, n: number): number => {
      if (!s.reachable) {
        s.refused += n;
        path.delay = NO_DELAY;
        return 0;
      }
      pass = 0;
      attempts = n;
      ends.length = endShares.length = 0;
      key = '';
      visit(s.route, 1, 1, NO_DELAY, t0, t1);
      s.refused += n * (1 - pass);
      if (ends.length === 1 || pass <= 0) path.delay = ends[0]!;
      else {
        let d = composed.get(key);
        if (d === undefined) {
          if (composed.size >= 4096) composed.clear();
          d = mixDelays(ends, endShares);
          composed.set(key, d);
        }
        path.delay = d;
      }
      return pass;
    },
    breaks: (a: number, b: number, out: number[]): void => {
      // A profile that cannot list its breaks varies smoothly and is averaged over the step.
      for (const p of (profiles ??= near())) p.breaks?.(a, b, out);
    },
  };
  return path;
}

function newDevice(world: World, d: NetworkDeviceSpec): Device {
  const capacity = d.capacity ?? null;
  return {
    name: d.name,
    kind: d.kind,
    capacity,
    buffer: d.buffer,
    costPerHour: d.costPerHour,
    deps: [],
    failed: 0,
    up: true,
    downSince: 0,
    downtime: 0,
    carriers: [],
    shares: [],
    seenRng: capacity === null ? null : world.streams.stream(`network/${d.name}/queue-seen`),
    sojournRng: capacity === null ? null : world.streams.stream(`network/${d.name}/sojourn`),
    sojourn: [],
    peak: 0,
    dropped: 0,
    delaySum: 0,
    delayCount: 0,
    flowT0: NaN,
    flowT1: NaN,
    flowLambda: NaN,
    flowRho: 0,
    flowDrop: 0,
    flowMean: 0,
    flowDelay: NO_DELAY,
    flowStates: new Map(),
  };
}

/** Devices with their dependencies first; throws on a cycle (the checks report it first, located). */
function topologicalOrder(devices: readonly Device[]): Device[] {
  const out: Device[] = [];
  const state = new Map<Device, 1 | 2>();
  const visit = (d: Device, trail: string[]): void => {
    const s = state.get(d);
    if (s === 2) return;
    if (s === 1) throw new Error(`network.devices: dependency cycle ${[...trail, d.name].join(' → ')}`);
    state.set(d, 1);
    for (const n of d.deps) for (const m of 'device' in n ? [n.device] : n.pair.members) visit(m, [...trail, d.name]);
    state.set(d, 2);
    out.push(d);
  };
  for (const d of devices) visit(d, []);
  return out;
}

/**
 * What an attempt crosses now, depth first through the dependencies in order (each device
 * once): at a standby pair, or a shared pair with one member working, its working member (else
 * its first); at a shared pair whose members both work, a split into one route on per member.
 * A route has 2^s ends for s such splits in series (the rest of the path is followed on each).
 * A pair met again on the same route (reached through two dependencies) takes the member
 * chosen the first time, so an attempt crosses one member of each pair, as in standby mode,
 * and s is at most the number of distinct shared pairs behind the service (checks.ts).
 */
function routeOf(deps: readonly Node[]): Route {
  const build = (stack: Node[], seen: Set<Device>, chosen: Map<Pair, Device>): Route => {
    const devices: Device[] = [];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      let d: Device;
      if ('device' in n) d = n.device;
      else {
        const [a, b] = n.pair.members;
        const before = chosen.get(n.pair);
        if (before !== undefined) d = before;
        else if (n.pair.mode === 'shared' && a.up && b.up) {
          const both = a.capacity !== null && b.capacity !== null;
          const wa = both ? a.capacity! / (a.capacity! + b.capacity!) : 0.5;
          const on = (m: Device): Route => build([...stack, { device: m }], new Set(seen), new Map(chosen).set(n.pair, m));
          return { devices, split: { next: [on(a), on(b)], weights: [wa, 1 - wa], credit: [0, 0] } };
        } else d = a.up ? a : b.up ? b : a;
      }
      if (seen.has(d)) continue;
      seen.add(d);
      if (d.capacity !== null) devices.push(d);
      // Pushed last first, so popped in order: the same depth-first order as a recursion.
      for (let i = d.deps.length - 1; i >= 0; i--) stack.push(d.deps[i]!);
    }
    return { devices, split: null };
  };
  return build([...deps].reverse(), new Set(), new Map());
}

/** The share of a route's attempts that cross each capacity device on it (1 without splits). */
function sharesOf(route: Route): Map<Device, number> {
  const out = new Map<Device, number>();
  const visit = (r: Route, p: number): void => {
    for (const d of r.devices) out.set(d, (out.get(d) ?? 0) + p);
    if (r.split !== null) {
      visit(r.split.next[0], p * r.split.weights[0]);
      visit(r.split.next[1], p * r.split.weights[1]);
    }
  };
  visit(route, 1);
  return out;
}

/** The member a shared pair sends this attempt to: smooth weighted round-robin (alternates for equal weights, the first on ties). */
function pick(split: Split): 0 | 1 {
  const c = split.credit;
  c[0] += split.weights[0];
  c[1] += split.weights[1];
  const i = c[0] >= c[1] ? 0 : 1;
  c[i] -= 1;
  return i;
}

/** Every device a service could depend on through its dependencies (both members of pairs). */
function closure(deps: readonly Node[]): Set<Device> {
  const out = new Set<Device>();
  const visit = (n: Node): void => {
    for (const d of 'device' in n ? [n.device] : n.pair.members) {
      if (out.has(d)) continue;
      out.add(d);
      for (const m of d.deps) visit(m);
    }
  };
  for (const n of deps) visit(n);
  return out;
}
