/**
 * Policy search: the cheapest staffing and capacity that meets the SLAs, certified at a
 * stated confidence (`opsim search`, the library, the server).
 */
export { runSearch, type SearchOptions, type SearchProgress } from './run.js';
export { SEARCH_FORMAT, SEARCH_FORMATS_READ, readSearchDocument, searchSummary, type SearchDocument, type SearchCandidate, type SearchStatus } from './document.js';
export { prepareSearch, producedMetrics, SEARCH_DEFAULTS, type PreparedSearch } from './validate.js';
export { certify, judge, splitError, type ConstraintTest, type CandidateVerdict, type ConstraintVerdict } from './certify.js';
export { checkMean, batturKimEta, batturKimG, batturKimH2, type MeanCheck, type Decision, type Sense } from './feasibility.js';
export { checkChance, type ChanceCheck } from './sprt.js';
export { isaStaffing, simulateStaffing, type TimeVaryingQueue, type IsaOptions, type IsaResult } from './isa.js';
export { ReplicationStore, STORE_FORMAT } from './store.js';
export { storeKey, codeFingerprint } from './store-key.js';
export { exhaustiveGrid, type ExhaustiveResult } from './exhaustive.js';
export { SearchDocumentSchema } from './document-schema.js';
