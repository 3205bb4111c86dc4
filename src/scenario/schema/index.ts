/**
 * The scenario schema: one JSON Schema, composed from one fragment per concept. It checks
 * scenario files, guards the HTTP API, drives editor autocompletion (`opsim schema`) and
 * generates docs/scenario-reference.md. Its static type is the compiled scenario that models
 * receive (unit fields are already numbers in base units by then).
 */
import { Type, type Static } from '@sinclair/typebox';
import { MetaFields } from './meta.js';
import { LoadFields } from './load.js';
import { ServiceFields } from './services.js';
import { FailuresFields } from './failures.js';
import { RoomsFields } from './rooms.js';
import { MonitoringFields } from './monitoring.js';
import { IncidentsFields } from './incidents.js';
import { StaffingFields } from './staffing.js';
import { SlaFields } from './sla.js';
import { ExperimentFields } from './experiment.js';
import { SearchFields } from '../../search/schema.js';

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Path or URL of this schema, for editors.' })),
    ...MetaFields,
    ...LoadFields,
    ...ServiceFields,
    ...FailuresFields,
    ...RoomsFields,
    ...MonitoringFields,
    ...IncidentsFields,
    ...StaffingFields,
    ...SlaFields,
    ...ExperimentFields,
    ...SearchFields,
  },
  { $id: 'https://opsim.dev/schema/scenario.json', title: 'opsim scenario', additionalProperties: false },
);

/** A validated scenario with every unit converted to base units. */
export type Scenario = Static<typeof ScenarioSchema>;
