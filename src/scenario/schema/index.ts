/**
 * The scenario schema: one JSON Schema, composed from the language's own fragments (meta,
 * experiment) and one fragment per model (src/models/<model>/schema.ts). It checks
 * scenario files, guards the HTTP API, drives editor autocompletion (`opsim schema`) and
 * generates docs/scenario-reference.md. Its static type is the compiled scenario that models
 * receive (unit fields are already numbers in base units by then).
 */
import { Type, type Static } from '@sinclair/typebox';
import { MetaFields } from './meta.js';
import { LoadFields } from '../../models/load/schema.js';
import { ServiceFields } from '../../models/services/schema.js';
import { failuresFields } from '../../models/failures/schema.js';
import { NetworkFields, NETWORK_FAILURE_CLASSES } from '../../models/network/schema.js';
import { SERVICE_FAILURE_CLASSES } from '../../models/services/targets.js';
import { COOLING_FAILURE_CLASSES } from '../../models/cooling/targets.js';
import { RoomsFields } from '../../models/cooling/schema.js';
import { MonitoringFields } from '../../models/monitoring/schema.js';
import { IncidentsFields } from '../../models/incidents/schema.js';
import { StaffingFields } from '../../models/staffing/schema.js';
import { SlaFields } from '../../models/sla/schema.js';
import { ChangesFields } from '../../models/changes/schema.js';
import { ProblemsFields } from '../../models/problems/schema.js';
import { ExperimentFields } from './experiment.js';
import { SearchFields } from '../../search/schema.js';

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Path or URL of this schema, for editors.' })),
    ...MetaFields,
    ...LoadFields,
    ...ServiceFields,
    // The failure classes are those the models offer as failure targets (besides the groups').
    ...failuresFields([...SERVICE_FAILURE_CLASSES, ...COOLING_FAILURE_CLASSES, ...NETWORK_FAILURE_CLASSES]),
    ...NetworkFields,
    ...RoomsFields,
    ...MonitoringFields,
    ...IncidentsFields,
    ...StaffingFields,
    ...SlaFields,
    ...ChangesFields,
    ...ProblemsFields,
    ...ExperimentFields,
    ...SearchFields,
  },
  { $id: 'https://opsim.dev/schema/scenario.json', title: 'opsim scenario', additionalProperties: false },
);

/** A validated scenario with every unit converted to base units. */
export type Scenario = Static<typeof ScenarioSchema>;
