/**
 * The HTTP service: a JSON API over runs, scenarios and policy searches, server-sent progress
 * events, charts, the OpenAPI document and the dashboard, from one Fastify instance composed of
 * route plugins (src/server/routes/), one per concern. Every route declares its schemas
 * (TypeBox, src/server/schemas.ts); every error becomes a JSON answer rather than a crash.
 */
import path from 'node:path';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { OPSIM_VERSION } from '../version.js';
import { registerErrorHandling } from './errors.js';
import { experimentExecutor, type RunBudget, type RunExecutor } from './run-host.js';
import { RunManager } from './runs.js';
import { dashboardRoutes, DASHBOARD_ROUTES } from './routes/dashboard.js';
import { compareRoutes } from './routes/compare.js';
import { resultRoutes } from './routes/results.js';
import { EVENTS_ROUTE, runRoutes } from './routes/runs.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { searchRoutes } from './routes/searches.js';
import { statusRoutes } from './routes/status.js';
import { checkToken, isLoopbackName, registerSecurity } from './security.js';

/** Options of buildServer. */
export interface ServerOptions {
  /** reports/ — runs persist in reports/runs/<id>/. */
  reportsDir: string;
  /** scenarios/ — the only place named scenarios are read from. */
  scenariosDir: string;
  /**
   * When set, every request except the dashboard's static files must carry
   * `Authorization: Bearer <token>`; a token of less than 16 random bytes is refused.
   */
  token?: string;
  /**
   * 'loopback' (default): answer only requests addressed to localhost/127.0.0.1/[::1] (DNS
   * rebinding defence); 'any' for a server bound to another address (with a token).
   */
  hosts?: 'loopback' | 'any';
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Runs executing at once (default 1). */
  maxRunning?: number;
  /** Runs waiting in the queue before 429 (default 4). */
  maxQueued?: number;
  /** Worker threads of the shared pool (default: the experiment runner's). */
  workers?: number;
  /** Experiment executor (default: runExperiment on a shared ReplicationPool). */
  executor?: RunExecutor;
  /** A run manager created by the caller (opsim main submits its run through it). */
  runs?: RunManager;
  /** Fastify logging (default off). */
  logger?: boolean;
  /**
   * The most work one run may ask for: replications of all variants together (default 2000,
   * counting stopWhen.maxReplications and a warm-up pilot) and the simulated horizon
   * (default 366 d). A submission beyond it is refused with 400.
   */
  budget?: RunBudget;
}

/** Builds the server (not listening); `ready()`/`listen()` load persisted runs. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Schemas coerce nothing silently and report every problem at once.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const runs =
    options.runs ??
    new RunManager({
      reportsDir: options.reportsDir,
      executor: options.executor ?? experimentExecutor({ recordsDir: path.join(options.reportsDir, 'records'), ...(options.workers !== undefined ? { workers: options.workers } : {}) }),
      ...(options.maxRunning !== undefined ? { maxRunning: options.maxRunning } : {}),
      ...(options.maxQueued !== undefined ? { maxQueued: options.maxQueued } : {}),
    });
  const scenariosDir = path.resolve(options.scenariosDir);

  app.addHook('onReady', async () => {
    await runs.load();
  });
  app.addHook('onClose', async () => {
    await runs.close();
  });

  const token = options.token !== undefined && options.token !== '' ? options.token : undefined;
  if (token !== undefined) checkToken(token);
  registerSecurity(app, {
    ...(token !== undefined ? { token } : {}),
    publicRoutes: DASHBOARD_ROUTES,
    queryTokenRoute: EVENTS_ROUTE,
    hosts: options.hosts ?? 'loopback',
  });
  registerErrorHandling(app);

  // Before the routes: it collects them as they are added.
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'opsim', version: OPSIM_VERSION, description: 'Run opsim scenarios, follow their progress and fetch results and charts.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(token ? { security: [{ bearer: [] }] } : {}),
    },
  });

  void app.register(searchRoutes, { scenariosDir, reportsDir: options.reportsDir, ...(options.workers !== undefined ? { workers: options.workers } : {}) });
  void app.register(statusRoutes, { runs });
  void app.register(dashboardRoutes);
  void app.register(scenarioRoutes, { scenariosDir });
  void app.register(runRoutes, { runs, scenariosDir, ...(options.budget !== undefined ? { budget: options.budget } : {}) });
  void app.register(resultRoutes, { runs });
  void app.register(compareRoutes, { runs });
  return app;
}

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return isLoopbackName(host);
}
