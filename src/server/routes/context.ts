/**
 * What the route plugins share, handed to each as its plugin options (no decoration: a plugin
 * sees only what it is given).
 */
import type { FastifyReply } from 'fastify';
import { sendError } from '../errors.js';
import type { RunBudget } from '../run-host.js';
import type { RunManager, RunRecord } from '../runs.js';

/** Options of the route plugins that serve runs and scenarios. */
export interface RouteContext {
  /** The run manager (queue, executor, persisted runs). */
  runs: RunManager;
  /** scenarios/, resolved: the only place named scenarios are read from. */
  scenariosDir: string;
  /** The most work one run may ask for (see ServerOptions.budget). */
  budget?: RunBudget;
}

/** The run `id` names, or null after answering 404. */
export function findRun(runs: RunManager, id: string, reply: FastifyReply): RunRecord | null {
  const run = runs.get(id);
  if (!run) {
    void sendError(reply, 404, `no run ${id}`);
    return null;
  }
  return run;
}
