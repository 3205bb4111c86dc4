/**
 * GET /api/compare: two finished runs compared as `opsim compare --json` compares their
 * results.json files (src/experiment/compare.ts, called as it is): every shared variant, metric
 * by metric, with a verdict and its test. The runs are named by id only: their files are found
 * by the run manager, never by a path from the request.
 */
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { CompareError, compareRuns, readResultsFile, type CompareProblem } from '../../experiment/compare.js';
import type { ResultsDocument } from '../../results/format.js';
import { sendError } from '../errors.js';
import type { RunManager } from '../runs.js';
import * as S from '../schemas.js';

/** The status a refused comparison answers with, by `opsim compare`'s kind of problem. */
const STATUS: Record<CompareProblem, number> = { usage: 400, input: 422, mismatch: 409 };

/** GET /api/compare?baseline=ID&current=ID. */
export const compareRoutes: FastifyPluginAsyncTypebox<{ runs: RunManager }> = async (app, { runs }) => {
  app.get('/api/compare', {
    schema: {
      summary: 'Compare two finished runs as `opsim compare --json` does: every variant both have, a verdict per metric',
      querystring: S.CompareQuery,
      response: { 200: S.Comparison, 400: S.CompareRefusal, 404: S.CompareRefusal, 409: S.CompareRefusal, 422: S.CompareRefusal },
    },
  }, async (req, reply) => {
    const q = req.query;
    const docs: ResultsDocument[] = [];
    for (const [side, id] of [['baseline', q.baseline], ['current run', q.current]] as const) {
      const run = runs.get(id);
      if (run === undefined) return sendError(reply, 404, `no run ${id} (the ${side})`);
      if (!run.hasResults) return sendError(reply, 409, `run ${id} (the ${side}) has no results (${run.status})`);
      const file = path.join(runs.dir(run.id), 'results.json');
      try {
        docs.push(await readResultsFile(file));
      } catch (err) {
        // The file's place on the server is no business of the client: the run names it.
        if (err instanceof CompareError) return sendError(reply, STATUS[err.problem], err.message.split(file).join(`run ${id} results.json`), { problem: err.problem });
        throw err;
      }
    }
    try {
      const report = compareRuns(docs[0]!, docs[1]!, {
        metrics: [],
        tolerancePct: q.tolerance === undefined ? 5 : Number(q.tolerance.replace(/%$/, '')),
        directions: {},
        force: q.force === 'true',
        allowIncomplete: q.allowIncomplete === 'true',
        variants: [],
      });
      // Sent as `opsim compare --json` writes it (a non-finite change reads null), not reshaped by a response schema.
      return (reply as FastifyReply).type('application/json; charset=utf-8').serializer((x: unknown) => x as string).send(JSON.stringify(report));
    } catch (err) {
      if (err instanceof CompareError) return sendError(reply, STATUS[err.problem], err.message, { problem: err.problem });
      throw err;
    }
  });
};
