/** The scenarios a planner may run, with the knobs the dashboard offers for each. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listScenarios } from '../scenarios.js';
import * as S from '../schemas.js';

/** GET /api/scenarios. */
export const scenarioRoutes: FastifyPluginAsyncTypebox<{ scenariosDir: string }> = async (app, { scenariosDir }) => {
  app.get('/api/scenarios', { schema: { summary: 'Scenarios in scenarios/ with the knobs a planner may override', response: { 200: S.ScenarioList } } }, async () => ({
    scenarios: await listScenarios(scenariosDir),
  }));
};
