/** The opsim HTTP service: API, server-sent events, charts and the dashboard. */
export { buildServer, isLoopback, type ServerOptions } from './app.js';
export { packageRoot } from '../version.js';
export { RunManager, QueueFullError, isFinal, type RunRecord, type RunRequest, type RunStatus, type RunInput } from './runs.js';
export { experimentExecutor, type RunExecutor, type RunOptions, type Progress } from './run-host.js';
export { listScenarios, resolveScenario, type ScenarioInfo } from './scenarios.js';
export { scenarioKnobs, KNOB_KEYWORD, type Knob } from './knobs.js';
