/**
 * Network devices (switches, routers, firewalls, links), redundant pairs and which devices
 * each service depends on. Owned by the network model (runtime.ts here).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Rate } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';
import type { FailureClassInfo } from '../failures/schema.js';

/** How a redundant pair carries traffic: one member at a time, or both at once. */
export const PairMode = Type.Union([Type.Literal('standby'), Type.Literal('shared')], {
  description:
    '"standby": the first member carries all the traffic while it works, the second only when it does not (capacity is not added). "shared": both working members carry traffic, split in proportion to their capacities (equally when either has none), so their capacities add up; when one is down the other carries everything.',
});
export type PairModeName = Static<typeof PairMode>;

/** Default buffer of a capacity-limited device, in requests (the K of its M/M/1/K queue). */
export const DEFAULT_BUFFER = 64;

export const DeviceKind = Type.Union([Type.Literal('switch'), Type.Literal('router'), Type.Literal('firewall'), Type.Literal('link')], {
  description: 'What the device is; also its failure class in failures.classes (switch, router, firewall, link).',
});
export type DeviceKindName = Static<typeof DeviceKind>;

/** The failure classes the network offers, one per device kind (composed into the schema's `failures.classes[].class`). */
export const NETWORK_FAILURE_CLASSES: readonly FailureClassInfo[] = DeviceKind.anyOf.map((k) => ({ name: k.const, doc: 'a device in network.devices' }));

const DependsOn = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description }));

export const NetworkDevice = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the device, unique among devices and pairs, e.g. "fw-a" or "uplink-1"; also its failure target id.' }),
    kind: DeviceKind,
    capacity: Type.Optional(
      Rate({
        'x-knob': true,
        exclusiveMinimum: true,
        maximum: 1e9,
        description:
          'Requests per second the device can carry, e.g. "5000/s" (default: unlimited). The requests of the services that cross it then wait or are dropped as in an M/M/1/K queue at the offered rate of the moment (see docs/models.md).',
      }),
    ),
    buffer: Defaulted(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Requests the device holds while busy (K of its M/M/1/K queue); a request finding it full is dropped.' }), DEFAULT_BUFFER),
    dependsOn: DependsOn('Devices or pairs this device needs to work (e.g. a firewall behind its uplink); it is down while any of them is down.'),
    costPerHour: Defaulted(
      Type.Number({ minimum: 0, description: 'What the device or circuit costs per hour of the measured period, failed or not (e.g. a circuit\'s monthly price ÷ 730); summed into cost.network and cost.total.' }),
      0,
    ),
  },
  { additionalProperties: false, description: 'A network device or link: a failure target of its kind, with an optional capacity.' },
);
export type NetworkDeviceSpec = Static<typeof NetworkDevice>;

export const NetworkPair = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the pair, unique among devices and pairs, e.g. "fw".' }),
    members: Type.Array(Type.String({ minLength: 1 }), { minItems: 2, maxItems: 2, description: 'The two devices; in standby mode the first carries the traffic while it works and the second takes over when it does not.' }),
    mode: Defaulted(PairMode, 'standby'),
  },
  { additionalProperties: false, description: 'A redundant pair: down only when both members are down; active and standby, or sharing the traffic.' },
);
export type NetworkPairSpec = Static<typeof NetworkPair>;

export const NetworkService = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The service (from `services`).' }),
    dependsOn: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Devices or pairs its requests cross; it is cut off (requests refused) while any of them is down.' }),
  },
  { additionalProperties: false, description: 'The network path in front of one service.' },
);
export type NetworkServiceSpec = Static<typeof NetworkService>;

export const NetworkFields = {
  network: Type.Optional(
    Type.Object(
      {
        devices: Type.Array(NetworkDevice, { description: 'Switches, routers, firewalls and links.' }),
        pairs: Type.Optional(Type.Array(NetworkPair, { description: 'Redundant pairs of devices (active and standby, or sharing the traffic).' })),
        services: Type.Optional(Type.Array(NetworkService, { description: 'Which devices or pairs each service depends on.' })),
      },
      { additionalProperties: false, description: 'Network devices as failure targets with capacities, and the services that depend on them.' },
    ),
  ),
};

/** The `network` section as loaded. */
export type NetworkSpec = NonNullable<Static<(typeof NetworkFields)['network']>>;
