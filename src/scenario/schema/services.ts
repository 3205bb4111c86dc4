/** Services: a load balancer in front of a pool of servers. Owned by src/models/services.ts. */
import { Type, type Static } from '@sinclair/typebox';
import { DurationDist } from './distribution.js';

export const Service = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the service, e.g. "inventory".' }),
    servers: Type.Integer({ minimum: 1, description: 'Number of servers in the pool.' }),
    serviceTime: DurationDist,
  },
  { additionalProperties: false, description: 'A pool of servers behind a load balancer.' },
);
export type ServiceSpec = Static<typeof Service>;

export const ServiceFields = {
  services: Type.Optional(Type.Array(Service, { description: 'Services (pools of servers) that requests visit.' })),
};
