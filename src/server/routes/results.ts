/** What a finished run produced: results.json, the self-contained report and its charts. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { labelOf, readCatalog } from '../../report/catalog.js';
import { decisionOrderRecord, MET_BANDS, rankRuleWords } from '../../report/decision-order.js';
import { slaMetrics } from '../../results/metrics.js';
import type { ResultsDocument } from '../../results/format.js';
import { sendError } from '../errors.js';
import type { RunManager } from '../runs.js';
import * as S from '../schemas.js';
import { findRun } from './context.js';

/**
 * Sends a file's text as it is stored (already JSON or SVG): no parsing and re-serialising of
 * a large document, hence no response schema applied to it.
 */
function sendStored(reply: FastifyReply, type: string, text: string): FastifyReply {
  return reply.type(type).serializer((x: unknown) => x as string).send(text);
}

/**
 * A finished run's results.json, parsed, or null after answering: 404 for an unknown run, 409
 * for one without results, 422 when the file is not a JSON object with variants (a file damaged
 * on disk must not become a 500).
 */
async function finishedResults(runs: RunManager, id: string, reply: FastifyReply): Promise<ResultsDocument | null> {
  const run = findRun(runs, id, reply);
  if (!run) return null;
  if (!run.hasResults) {
    void sendError(reply, 409, `run ${run.id} has no results (${run.status})`);
    return null;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path.join(runs.dir(run.id), 'results.json'), 'utf8'));
  } catch (err) {
    void sendError(reply, 422, `run ${run.id}: results.json cannot be read (${err instanceof SyntaxError ? 'not valid JSON' : ((err as NodeJS.ErrnoException).code ?? 'unreadable')})`);
    return null;
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as ResultsDocument).variants)) {
    void sendError(reply, 422, `run ${run.id}: results.json is not a results document (no variants)`);
    return null;
  }
  return doc as ResultsDocument;
}

/** GET /api/runs/:id/results, /catalog, /report and /charts/:name. */
export const resultRoutes: FastifyPluginAsyncTypebox<{ runs: RunManager }> = async (app, { runs }) => {
  app.get('/api/runs/:id/results', { schema: { summary: 'results.json of a finished run', params: S.RunParams, response: { 200: S.Results, 404: S.Error, 409: S.Error } } },
    async (req, reply) => {
      const run = findRun(runs, req.params.id, reply);
      if (!run) return reply;
      if (!run.hasResults) return sendError(reply, 409, `run ${run.id} has no results (${run.status})`);
      const text = await readFile(path.join(runs.dir(run.id), 'results.json'), 'utf8');
      return sendStored(reply, 'application/json; charset=utf-8', text);
    });

  // The dashboard reads a run's metrics through today's specs, as report.html does: a run written
  // before specs carried SLA roles or labels would otherwise show no P(met) and raw names.
  app.get('/api/runs/:id/catalog', {
    schema: {
      summary: "The run's metric catalog, completed from today's models where an older results.json lacks SLA roles or labels",
      params: S.RunParams,
      response: { 200: S.Catalog, 404: S.Error, 409: S.Error, 422: S.Error },
    },
  }, async (req, reply) => {
    const doc = await finishedResults(runs, req.params.id, reply);
    if (doc === null) return reply;
    return { metrics: readCatalog(doc) };
  });

  // The order report.html and `opsim run`'s summary rank the variants in, so the dashboard shows
  // it rather than decides it: results.json's own, or for a document written before it, the
  // same rule over today's specs (as report.html reads such a document).
  app.get('/api/runs/:id/decision', {
    schema: {
      summary: "The run's decision order (worst P(met) band, then the ranking) and its rule in report.html's words",
      params: S.RunParams,
      response: { 200: S.Decision, 404: S.Error, 409: S.Error, 422: S.Error },
    },
  }, async (req, reply) => {
    const doc = await finishedResults(runs, req.params.id, reply);
    if (doc === null) return reply;
    try {
      const order = doc.decisionOrder ?? decisionOrderRecord(doc, slaMetrics(readCatalog(doc)));
      const r = doc.ranking;
      const rule = r === undefined ? null : rankRuleWords(order.judged.length > 0, `${labelOf(doc, r.metric)} (${r.metric}, ${r.direction} is better)`);
      return { ...order, source: doc.decisionOrder !== undefined ? ('results' as const) : ('derived' as const), rule, bands: MET_BANDS };
    } catch (err) {
      return sendError(reply, 422, `run ${req.params.id}: results.json is not a results document this server can order (${(err as Error).message})`);
    }
  });

  app.get('/api/runs/:id/report', { schema: { summary: 'The self-contained report.html of a run', params: S.RunParams, produces: ['text/html'], response: { 200: S.Text(), 404: S.Error, 409: S.Error } } },
    async (req, reply) => {
      const run = findRun(runs, req.params.id, reply);
      if (!run) return reply;
      if (!run.hasResults) return sendError(reply, 409, `run ${run.id} has no report (${run.status})`);
      return reply.type('text/html; charset=utf-8').send(await readFile(path.join(runs.dir(run.id), 'report.html')));
    });

  app.get('/api/runs/:id/charts/:name', {
    schema: {
      summary: 'One chart: SVG, or its Vega-Lite JSON with ?format=vl or Accept: application/json',
      params: S.ChartParams,
      querystring: S.ChartQuery,
      produces: ['image/svg+xml', 'application/json'],
      response: { 200: Type.Unknown({ description: 'SVG text or a Vega-Lite specification' }), 404: S.Error },
    },
  }, async (req, reply) => {
    const run = findRun(runs, req.params.id, reply);
    if (!run) return reply;
    if (!run.charts.includes(req.params.name)) return sendError(reply, 404, `run ${run.id} has no chart "${req.params.name}"`, { charts: run.charts });
    const accept = req.headers.accept ?? '';
    const vl = req.query.format === 'vl' || (req.query.format === undefined && /application\/(json|vnd\.vegalite)/.test(accept) && !/image\/svg/.test(accept));
    // The name matched its pattern and is one of the run's charts: the file lies in charts/.
    const file = path.join(runs.dir(run.id), 'charts', `${req.params.name}.${vl ? 'vl.json' : 'svg'}`);
    const body = await readFile(file, 'utf8');
    return sendStored(reply, vl ? 'application/json; charset=utf-8' : 'image/svg+xml; charset=utf-8', body);
  });
};
