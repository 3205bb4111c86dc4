/**
 * Runs: submit a named or inline scenario (checked and budgeted before it is queued), list
 * runs, follow one (its record, or server-sent events until it ends), cancel one.
 */
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseOverrideRecord } from '../../scenario/overrides.js';
import { sendError } from '../errors.js';
import { checkRunBudget, loadFile, loadText, type Loaded } from '../run-host.js';
import { isFinal, QueueFullError, type RunRequest } from '../runs.js';
import { displayFile, resolveScenario, SCENARIO_NAME } from '../scenarios.js';
import * as S from '../schemas.js';
import { findRun, type RouteContext } from './context.js';

/** The server-sent events route, the only one that accepts `?token=`. */
export const EVENTS_ROUTE = '/api/runs/:id/events';

/** POST/GET /api/runs, GET/DELETE /api/runs/:id, GET /api/runs/:id/events. */
export const runRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { runs, scenariosDir, budget }) => {
  app.post('/api/runs', {
    schema: {
      summary: 'Queue a run of a named or inline scenario',
      body: S.RunBody,
      response: { 202: S.Submitted, 400: S.ErrorWithList, 404: S.Error, 429: S.Error },
    },
  }, async (req, reply) => {
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
    const refused = checkRunBudget(loaded, request, budget);
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

  app.get('/api/runs', { schema: { summary: 'Every run, newest first', response: { 200: S.RunList } } }, async () => {
    // Runs the CLI wrote while the server was up appear without a restart.
    await runs.refresh();
    return { runs: runs.list() };
  });

  app.get('/api/runs/:id', { schema: { summary: 'One run: status and progress', params: S.RunParams, response: { 200: S.Run, 404: S.Error } } },
    async (req, reply) => findRun(runs, req.params.id, reply) ?? reply);

  app.delete('/api/runs/:id', { schema: { summary: 'Cancel a queued or running run', params: S.RunParams, response: { 202: S.Submitted, 404: S.Error, 409: S.Error } } },
    async (req, reply) => {
      const run = findRun(runs, req.params.id, reply);
      if (!run) return reply;
      if (isFinal(run.status)) return sendError(reply, 409, `run ${run.id} has already finished (${run.status})`);
      await runs.cancel(run.id);
      return reply.code(202).send({ id: run.id, status: runs.get(run.id)!.status, location: `/api/runs/${run.id}` });
    });

  app.get(EVENTS_ROUTE, {
    schema: {
      summary: 'Server-sent events: "status" and "progress" with the run record, then "done"',
      params: S.RunParams,
      querystring: S.TokenQuery,
      produces: ['text/event-stream'],
      response: { 200: S.Text('text/event-stream'), 404: S.Error },
    },
  }, async (req, reply) => {
    const run = findRun(runs, req.params.id, reply);
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
};
