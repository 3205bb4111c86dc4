/** Health of the service: its version and queue occupancy, and the OpenAPI document of every route. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OPSIM_VERSION } from '../../version.js';
import type { RunManager } from '../runs.js';
import * as S from '../schemas.js';

/** GET /api/status and GET /openapi.json. */
export const statusRoutes: FastifyPluginAsyncTypebox<{ runs: RunManager }> = async (app, { runs }) => {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/api/status', { schema: { summary: 'Server and queue status', response: { 200: S.Status } } }, async () => ({
    version: OPSIM_VERSION,
    ...runs.stats(),
  }));
};
