/** Load: classes of requests arriving at services. Owned by the load model (src/models/load.ts). */
import { Type, type Static } from '@sinclair/typebox';
import { Rate } from '../units.js';

export const LoadClass = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the request class, e.g. "inventory-lookups".' }),
    service: Type.String({ minLength: 1, description: 'Service that receives these requests.' }),
    rate: Rate({ description: 'Base arrival rate, e.g. "9/s" or "300/h" (Poisson arrivals).' }),
  },
  { additionalProperties: false, description: 'A class of requests with Poisson arrivals.' },
);
export type LoadClassSpec = Static<typeof LoadClass>;

export const LoadFields = {
  load: Type.Optional(Type.Array(LoadClass, { description: 'Request classes and their arrival processes.' })),
};
