/**
 * The HTTP service: a JSON API over runs and scenarios, server-sent progress events, charts,
 * the OpenAPI document and the dashboard, all from one Fastify instance. Every route declares
 * its schemas; every error becomes a JSON answer rather than a crash.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { OPSIM_VERSION, packageRoot } from '../version.js';
import { checkRunBudget, experimentExecutor, loadFile, loadText, type Loaded, type RunBudget, type RunExecutor } from './run-host.js';
import { isFinal, QueueFullError, RunManager, type RunRecord, type RunRequest } from './runs.js';
import { displayFile, listScenarios, resolveScenario, SCENARIO_NAME } from './scenarios.js';
import * as S from './schemas.js';
import { parseOverrideRecord } from '../scenario/overrides.js';
import { searchRoutes } from './searches.js';
import { checkToken, registerSecurity } from './security.js';

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


// Static files served by exact name only: the dashboard's own assets and the three vega
// browser bundles from node_modules, so the dashboard works offline with no CDN.
const ASSETS: Record<string, { file: string[]; type: string }> = {
  '/': { file: ['src', 'dashboard', 'index.html'], type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: ['src', 'dashboard', 'app.js'], type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { file: ['src', 'dashboard', 'style.css'], type: 'text/css; charset=utf-8' },
  '/vendor/vega.min.js': { file: ['node_modules', 'vega', 'build', 'vega.min.js'], type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-lite.min.js': { file: ['node_modules', 'vega-lite', 'build', 'vega-lite.min.js'], type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-embed.min.js': { file: ['node_modules', 'vega-embed', 'build', 'vega-embed.min.js'], type: 'text/javascript; charset=utf-8' },
};

function sendError(reply: FastifyReply, status: number, error: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error, ...extra });
}

/** The server-sent events route, the only one that accepts `?token=`. */
const EVENTS_ROUTE = '/api/runs/:id/events';

/** Builds the server (not listening); `ready()`/`listen()` load persisted runs. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Schemas coerce nothing silently and report every problem at once.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
  });
  const runs =
    options.runs ??
    new RunManager({
      reportsDir: options.reportsDir,
      executor: options.executor ?? experimentExecutor({ recordsDir: path.join(options.reportsDir, 'records'), ...(options.workers !== undefined ? { workers: options.workers } : {}) }),
      ...(options.maxRunning !== undefined ? { maxRunning: options.maxRunning } : {}),
      ...(options.maxQueued !== undefined ? { maxQueued: options.maxQueued } : {}),
    });
  const root = packageRoot();
  const scenariosDir = path.resolve(options.scenariosDir);

  app.addHook('onReady', async () => {
    await runs.load();
  });
  app.addHook('onClose', async () => {
    await runs.close();
  });

  const token = options.token;
  if (token !== undefined && token !== '') checkToken(token);
  registerSecurity(app, {
    ...(token !== undefined && token !== '' ? { token } : {}),
    publicRoutes: Object.keys(ASSETS),
    queryTokenRoute: EVENTS_ROUTE,
    hosts: options.hosts ?? 'loopback',
  });

  // JSON bodies: Fastify's own parser (which refuses __proto__ and constructor poisoning),
  // but a syntax error says where it is, as scenario files do.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    defaultJson(req, String(body), (err: Error | null, value?: unknown) => {
      if (err === null) return done(null, value);
      done(jsonSyntaxError(String(body)) ?? err, undefined);
    });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const located = (err as { located?: unknown }).located;
    if (Array.isArray(located)) return sendError(reply, 400, err.message, { errors: located });
    if (err.validation) {
      const errors = err.validation.map((v) => ({
        file: null,
        line: null,
        column: null,
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.')}`,
        message: v.message ?? 'is invalid',
      }));
      return sendError(reply, 400, 'invalid request', { errors });
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    return sendError(reply, status, status >= 500 ? 'internal error' : err.message);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));

  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'opsim', version: OPSIM_VERSION, description: 'Run opsim scenarios, follow their progress and fetch results and charts.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(token ? { security: [{ bearer: [] }] } : {}),
    },
  });

  void app.register(searchRoutes({ scenariosDir, reportsDir: options.reportsDir, ...(options.workers !== undefined ? { workers: options.workers } : {}) }));
  void app.register(async (api) => {
    api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());

    for (const [url, asset] of Object.entries(ASSETS)) {
      api.get(url, { schema: { hide: true } }, async (_req, reply) => {
        const body = await readFile(path.join(root, ...asset.file));
        return reply.type(asset.type).header('Cache-Control', 'no-cache').send(body);
      });
    }

    api.get('/api/status', { schema: { summary: 'Server and queue status', response: { 200: S.Status } } }, async () => ({
      version: OPSIM_VERSION,
      ...runs.stats(),
    }));

    api.get('/api/scenarios', { schema: { summary: 'Scenarios in scenarios/ with the knobs a planner may override', response: { 200: S.ScenarioList } } }, async () => ({
      scenarios: await listScenarios(scenariosDir),
    }));

    api.post('/api/runs', {
      schema: {
        summary: 'Queue a run of a named or inline scenario',
        body: S.RunBody,
        response: { 202: S.Submitted, 400: S.ErrorWithList, 404: S.Error, 429: S.Error },
      },
    }, async (req: FastifyRequest<{ Body: S.RunBodyT }>, reply) => {
      const body = req.body;
      if ((body.scenario === undefined) === (body.text === undefined)) {
        return sendError(reply, 400, 'give either "scenario" (a name in scenarios/) or "text" (an inline YAML or JSON scenario)', { errors: [] });
      }
      // Text values parse like --set (one parser for the CLI, opsim main, the API and the dashboard).
      const overrides = body.overrides && Object.keys(body.overrides).length > 0 ? parseOverrideRecord(body.overrides) : undefined;
      let loaded: Loaded;
      let name: string;
      if (body.scenario !== undefined) {
        if (!SCENARIO_NAME.test(body.scenario) || body.scenario.includes('..')) {
          return sendError(reply, 400, `"${body.scenario.slice(0, 80)}" is not a scenario name (letters, digits, ".", "_" and "-" only; no paths)`, { errors: [] });
        }
        const abs = await resolveScenario(scenariosDir, body.scenario);
        if (abs === null) return sendError(reply, 404, `unknown scenario "${body.scenario}"`);
        name = path.basename(abs).replace(/\.(ya?ml|json)$/i, '');
        loaded = loadFile(displayFile(abs), overrides);
      } else {
        const text = body.text!;
        const isJson = body.format === 'json' || (body.format === undefined && /^\s*[{[]/.test(text));
        const file = isJson ? 'inline.json' : 'inline.yaml';
        loaded = loadText(text, file, scenariosDir, overrides);
        name = 'inline';
      }
      if (!loaded.ok) return sendError(reply, 400, 'invalid scenario', { errors: loaded.errors });
      if (body.text !== undefined && typeof (loaded.raw as { name?: unknown }).name === 'string') name = (loaded.raw as { name: string }).name;
      const request: RunRequest = {};
      if (body.replications !== undefined) request.replications = body.replications;
      if (overrides) request.overrides = overrides;
      if (body.variants !== undefined && body.variants.length > 0) request.variants = body.variants;
      if (body.seed !== undefined) request.seed = String(body.seed);
      // Compiled as the run will be (variants, stopWhen, pilot, overridden horizon): one POST
      // must not be able to occupy the shared pool for days.
      const refused = checkRunBudget(loaded, request, options.budget);
      if (refused !== null) {
        const error = refused.kind === 'over-budget' ? `run exceeds the server's budget: ${refused.errors.map((e) => e.message).join('; ')}` : 'invalid scenario';
        return sendError(reply, 400, error, { errors: refused.errors });
      }
      try {
        const run = await runs.submit({ name, raw: loaded.raw, file: loaded.file, hash: loaded.hash }, request);
        return reply.code(202).header('Location', `/api/runs/${run.id}`).send({ id: run.id, status: run.status, location: `/api/runs/${run.id}` });
      } catch (err) {
        if (err instanceof QueueFullError) {
          reply.header('Retry-After', String(err.retryAfterSeconds));
          return sendError(reply, 429, err.message);
        }
        throw err;
      }
    });

    api.get('/api/runs', { schema: { summary: 'Every run, newest first', response: { 200: S.RunList } } }, async () => {
      // Runs the CLI wrote while the server was up appear without a restart.
      await runs.refresh();
      return { runs: runs.list() };
    });

    const withRun = (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): RunRecord | null => {
      const run = runs.get(req.params.id);
      if (!run) {
        void sendError(reply, 404, `no run ${req.params.id}`);
        return null;
      }
      return run;
    };

    api.get('/api/runs/:id', { schema: { summary: 'One run: status and progress', params: S.RunParams, response: { 200: S.Run, 404: S.Error } } },
      async (req: FastifyRequest<{ Params: { id: string } }>, reply) => withRun(req, reply) ?? reply);

    api.delete('/api/runs/:id', { schema: { summary: 'Cancel a queued or running run', params: S.RunParams, response: { 202: S.Submitted, 404: S.Error, 409: S.Error } } },
      async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
        const run = withRun(req, reply);
        if (!run) return reply;
        if (isFinal(run.status)) return sendError(reply, 409, `run ${run.id} has already finished (${run.status})`);
        await runs.cancel(run.id);
        return reply.code(202).send({ id: run.id, status: runs.get(run.id)!.status, location: `/api/runs/${run.id}` });
      });

    api.get(EVENTS_ROUTE, {
      schema: {
        summary: 'Server-sent events: "status" and "progress" with the run record, then "done"',
        params: S.RunParams,
        querystring: S.TokenQuery,
        produces: ['text/event-stream'],
        response: { 200: { type: 'string', description: 'text/event-stream' }, 404: S.Error },
      },
    }, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const run = withRun(req, reply);
      if (!run) return reply;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      const send = (event: string, data: unknown): void => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      res.write('retry: 2000\n\n');
      send('status', run);
      if (isFinal(run.status)) {
        send('done', run);
        res.end();
        return reply;
      }
      // A comment line now and then keeps proxies from closing a quiet stream.
      const beat = setInterval(() => res.writableEnded || res.write(': keep-alive\n\n'), 15_000);
      beat.unref();
      const stop = (): void => {
        clearInterval(beat);
        off();
      };
      const off = runs.subscribe(run.id, (event, r) => {
        send(event, r);
        if (event === 'status' && isFinal(r.status)) {
          send('done', r);
          stop();
          res.end();
        }
      });
      req.raw.on('close', stop);
      return reply;
    });

    api.get('/api/runs/:id/results', { schema: { summary: 'results.json of a finished run', params: S.RunParams, response: { 200: S.Results, 404: S.Error, 409: S.Error } } },
      async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
        const run = withRun(req, reply);
        if (!run) return reply;
        if (!run.hasResults) return sendError(reply, 409, `run ${run.id} has no results (${run.status})`);
        const text = await readFile(path.join(runs.dir(run.id), 'results.json'), 'utf8');
        // Already JSON on disk: send the bytes rather than parse and re-serialise a large document.
        return reply.type('application/json; charset=utf-8').serializer((x: unknown) => x as string).send(text);
      });

    api.get('/api/runs/:id/report', { schema: { summary: 'The self-contained report.html of a run', params: S.RunParams, produces: ['text/html'], response: { 200: { type: 'string' }, 404: S.Error, 409: S.Error } } },
      async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
        const run = withRun(req, reply);
        if (!run) return reply;
        if (!run.hasResults) return sendError(reply, 409, `run ${run.id} has no report (${run.status})`);
        return reply.type('text/html; charset=utf-8').send(await readFile(path.join(runs.dir(run.id), 'report.html')));
      });

    api.get('/api/runs/:id/charts/:name', {
      schema: {
        summary: 'One chart: SVG, or its Vega-Lite JSON with ?format=vl or Accept: application/json',
        params: S.ChartParams,
        querystring: S.ChartQuery,
        produces: ['image/svg+xml', 'application/json'],
        response: { 200: { description: 'SVG text or a Vega-Lite specification' }, 404: S.Error },
      },
    }, async (req: FastifyRequest<{ Params: { id: string; name: string }; Querystring: { format?: 'svg' | 'vl' } }>, reply) => {
      const run = withRun(req, reply);
      if (!run) return reply;
      if (!run.charts.includes(req.params.name)) return sendError(reply, 404, `run ${run.id} has no chart "${req.params.name}"`, { charts: run.charts });
      const accept = req.headers.accept ?? '';
      const vl = req.query.format === 'vl' || (req.query.format === undefined && /application\/(json|vnd\.vegalite)/.test(accept) && !/image\/svg/.test(accept));
      const file = path.join(runs.dir(run.id), 'charts', `${req.params.name}.${vl ? 'vl.json' : 'svg'}`);
      const body = await readFile(file, 'utf8');
      return reply.type(vl ? 'application/json; charset=utf-8' : 'image/svg+xml; charset=utf-8').serializer((x: unknown) => x as string).send(body);
    });
  });

  return app;
}

/**
 * The located 400 error for a JSON body that does not parse, or null when it parses (then the
 * default parser refused it for another reason, e.g. a __proto__ key).
 */
function jsonSyntaxError(text: string): Error | null {
  if (text.trim() === '') return null;
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    const offset = at !== null ? Number(at[1]) : syntaxErrorOffset(text);
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    // Node 20 quotes the text around the token ("Unexpected token '}', "...": }" is not valid JSON"); the position says where.
    const reason = msg.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '').replace(/^(Unexpected token '.+?'),.*$/s, '$1');
    const message = `invalid JSON: ${reason}`;
    return Object.assign(new Error(`request body is not valid JSON (line ${line}, column ${column})`), {
      statusCode: 400,
      located: [{ file: null, line, column, path: 'body', message }],
    });
  }
}

/**
 * Where JSON.parse gave up, for messages without "at position" (Node 20's "Unexpected token"):
 * the shortest prefix that fails for another reason than ending early ends at the bad character.
 */
function syntaxErrorOffset(text: string): number {
  const broken = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (e) {
      const m = (e as Error).message;
      // Ran out of text rather than hit a bad character: "Unexpected end", or a position at the very end.
      return !/Unexpected end of JSON input/.test(m) && /at position (\d+)/.exec(m)?.[1] !== String(k);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (broken(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo - 1);
}

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

