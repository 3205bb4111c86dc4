/**
 * Policy searches over HTTP: `POST /api/searches` starts `opsim search` on a named or inline
 * scenario with a `search:` section and answers 202 with its id; `GET /api/searches/:id` gives
 * its status, progress and, when done, the search document; `GET /api/searches/:id/events`
 * streams "progress" events and ends with "done"; `DELETE /api/searches/:id` stops a running one,
 * which ends "cancelled" with the document of what it decided by then (written as search.json,
 * marked `interrupted`). One search runs at a time (429 otherwise);
 * a search asking for more than the server's budget of replications is refused with 400.
 * Registered by buildServer (app.ts) with one line; authentication is the server's.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { ReplicationPool } from '../../experiment/pool.js';
import { writeFileAtomic } from '../../results/write.js';
import { compileRaw } from '../../scenario/index.js';
import { ScenarioLoadError } from '../../scenario/errors.js';
import { prepareSearch, runSearch, type SearchDocument, type SearchProgress } from '../../search/index.js';
import { loadFile, loadText, type Loaded } from '../run-host.js';
import { sendError } from '../errors.js';
import { displayFile, resolveScenario, SCENARIO_NAME } from '../scenarios.js';
import * as S from '../schemas.js';

/** Options of the search routes. */
export interface SearchRoutesOptions {
  scenariosDir: string;
  /** Searches write reports/searches/<id>/search.json and search-replications.json. */
  reportsDir: string;
  /** Worker threads of the searches' pool (default: the experiment runner's). */
  workers?: number;
  /** The largest replication budget one search may ask for (default 5000). */
  maxBudget?: number;
}

const SearchBody = Type.Object(
  {
    scenario: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Name of a scenario in scenarios/ (with a search: section).' })),
    text: Type.Optional(Type.String({ minLength: 1, description: 'An inline YAML or JSON scenario with a search: section.' })),
    format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json')])),
    budget: Type.Optional(Type.Integer({ minimum: 1, description: 'Overrides search.budget.' })),
    seed: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Integer()])),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });

/** One search and what its followers need. */
interface SearchJob {
  id: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: SearchProgress | null;
  error?: string;
  document?: SearchDocument;
}

function fail(reply: FastifyReply, status: number, error: string, errors: unknown[] = []): FastifyReply {
  return sendError(reply, status, error, { errors });
}

/** POST /api/searches, GET /api/searches/:id and its events. */
export const searchRoutes: FastifyPluginAsyncTypebox<SearchRoutesOptions> = async (app, o) => {
  const jobs = new Map<string, SearchJob>();
  // The running search's stop (one search runs at a time).
  const stops = new Map<string, AbortController>();
  const listeners = new Map<string, Set<(event: string, job: SearchJob) => void>>();
  let pool: ReplicationPool | null = null;
  let running: Promise<void> | null = null;
  const maxBudget = o.maxBudget ?? 5000;
  const emit = (job: SearchJob, event: string): void => {
    for (const l of listeners.get(job.id) ?? []) l(event, job);
  };
  app.addHook('onClose', async () => {
    // A closing server stops its search; the document of what it decided is still written.
    for (const c of stops.values()) c.abort();
    await running?.catch(() => undefined);
    await pool?.close();
  });

  app.post('/api/searches', {
      schema: {
        summary: 'Start a policy search on a named or inline scenario',
        body: SearchBody,
        response: { 202: S.Submitted, 400: S.ErrorWithList, 404: S.Error, 429: S.Error },
      },
    }, async (req, reply) => {
    const body = req.body;
    if ((body.scenario === undefined) === (body.text === undefined)) return fail(reply, 400, 'give either "scenario" (a name in scenarios/) or "text" (an inline scenario)');
    if (running !== null) return fail(reply.header('Retry-After', '30'), 429, 'a search is already running; try again when it is done');
    let loaded: Loaded;
    if (body.scenario !== undefined) {
      if (!SCENARIO_NAME.test(body.scenario) || body.scenario.includes('..')) return fail(reply, 400, `"${body.scenario.slice(0, 80)}" is not a scenario name`);
      const abs = await resolveScenario(path.resolve(o.scenariosDir), body.scenario);
      if (abs === null) return fail(reply, 404, `unknown scenario "${body.scenario}"`);
      loaded = loadFile(displayFile(abs));
    } else {
      const isJson = body.format === 'json' || (body.format === undefined && /^\s*[{[]/.test(body.text!));
      loaded = loadText(body.text!, isJson ? 'inline.json' : 'inline.yaml', path.resolve(o.scenariosDir));
    }
    if (!loaded.ok) return fail(reply, 400, 'invalid scenario', loaded.errors);
    // Everything a search can refuse is refused here, before the 202.
    const compiled = compileRaw(loaded.raw, { file: loaded.file ?? undefined });
    if (!compiled.ok) return fail(reply, 400, 'invalid scenario', compiled.errors);
    if (body.budget !== undefined && compiled.scenario.search !== undefined) compiled.scenario.search = { ...compiled.scenario.search, budget: body.budget };
    try {
      prepareSearch(loaded.raw, loaded.file, compiled.scenario);
    } catch (err) {
      if (err instanceof ScenarioLoadError) return fail(reply, 400, 'invalid search', err.errors);
      throw err;
    }
    const budget = compiled.scenario.search!.budget;
    if (budget > maxBudget) return fail(reply, 400, `search budget ${budget} replications exceeds the server's budget of ${maxBudget}`);

    const job: SearchJob = { id: randomUUID(), status: 'running', progress: null };
    jobs.set(job.id, job);
    const dir = path.join(o.reportsDir, 'searches', job.id);
    pool ??= new ReplicationPool(o.workers !== undefined ? { size: o.workers } : {});
    const input = { raw: loaded.raw, file: loaded.file, hash: loaded.hash };
    const stop = new AbortController();
    stops.set(job.id, stop);
    running = runSearch(input, {
      pool,
      signal: stop.signal,
      budget,
      storeFile: path.join(dir, 'search-replications.json'),
      ...(body.seed !== undefined ? { seed: String(body.seed) } : {}),
      onProgress: (p) => {
        job.progress = p;
        emit(job, 'progress');
      },
    })
      .then(async (doc) => {
        await writeFileAtomic(path.join(dir, 'search.json'), JSON.stringify(doc, null, 2) + '\n');
        job.document = doc;
        job.status = doc.interrupted === true ? 'cancelled' : 'done';
      })
      .catch((err: unknown) => {
        job.status = 'failed';
        job.error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        stops.delete(job.id);
        running = null;
        emit(job, 'done');
      });
    return reply.code(202).header('Location', `/api/searches/${job.id}`).send({ id: job.id, status: job.status, location: `/api/searches/${job.id}` });
  });

  app.get('/api/searches/:id', { schema: { summary: 'A search: status, progress and, when done, its document', params: Params, response: { 200: S.Search, 404: S.Error } } }, async (req, reply) => {
    const job = jobs.get(req.params.id);
    return job === undefined ? fail(reply, 404, 'no such search') : job;
  });

  app.delete('/api/searches/:id', { schema: { summary: 'Stop a running search: it ends "cancelled", with the document of what it decided', params: Params, response: { 202: S.Search, 404: S.Error, 409: S.Error } } }, async (req, reply) => {
    const job = jobs.get(req.params.id);
    if (job === undefined) return fail(reply, 404, 'no such search');
    const stop = stops.get(job.id);
    if (job.status !== 'running' || stop === undefined) return fail(reply, 409, `the search is already ${job.status}`);
    stop.abort();
    return reply.code(202).send(job);
  });

  app.get('/api/searches/:id/events', { schema: { summary: 'Server-sent events: "progress" after every batch, then "done"', params: Params, response: { 200: S.Text('text/event-stream'), 404: S.Error } } }, async (req, reply) => {
    const job = jobs.get(req.params.id);
    if (job === undefined) return fail(reply, 404, 'no such search');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (event: string, data: unknown): void => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('progress', job);
    if (job.status !== 'running') {
      send('done', job);
      res.end();
      return reply;
    }
    let set = listeners.get(job.id);
    if (set === undefined) listeners.set(job.id, (set = new Set()));
    const listener = (event: string, j: SearchJob): void => {
      send(event, j);
      if (event === 'done') {
        set.delete(listener);
        res.end();
      }
    };
    set.add(listener);
    req.raw.on('close', () => set.delete(listener));
    return reply;
  });
};
