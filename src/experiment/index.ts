/**
 * The experiment API used by `opsim run`, the server and the main job: run variants ×
 * replications, pool the workers, write the results.
 */
export { runExperiment, executeExperiment } from './run.js';
export { planExperiment, type ExperimentInput, type ExperimentOptions, type ExperimentPlan, type ExperimentProgress } from './plan.js';
export { assembleResults, type AssembleInput } from './assemble.js';
export { ReplicationPool, defaultWorkers } from './pool.js';
export { writeResults, writeFileAtomic, resultsJson, seriesCsv, summaryCsv } from '../results/write.js';
export { metricDirection, type Direction } from './direction.js';
export { compareResults, type CompareOptions, type CompareReport, type MetricVerdict } from './compare.js';
