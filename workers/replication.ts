/**
 * Piscina worker entry (built to dist/workers/replication.js): runs one replication of one
 * variant and returns the compact record. Compiled scenarios live in this worker's cache for
 * the worker's lifetime, so each variant is compiled once per worker, not once per task.
 */
import { CompiledCache, executeTask, type ReplicationTask, type TaskResult } from '../src/experiment/task.js';

const cache = new CompiledCache(32);

/** Piscina calls the default export once per task. */
export default function runTask(task: ReplicationTask): Promise<TaskResult> {
  return executeTask(task, cache);
}
