/**
 * Worker-thread entry (built to dist/workers/verify.js) for `opsim worker`: recomputes an
 * experiment's identity from its spec and compiles its variants. Compiling loads the scenario
 * schema validator (~2 s), which on the main thread would stall BullMQ's lock renewals.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifySpec } from '../src/distributed/verify.js';

const { specText, identity } = workerData as { specText: string; identity: string };
try {
  parentPort!.postMessage({ ok: true, value: verifySpec(specText, identity) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
}
