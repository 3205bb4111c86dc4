/**
 * A scenario language: what the generic toolkit in src/scenario/ needs to load, validate and
 * check scenarios. The model catalog (src/models/index.ts) composes it from the models; the
 * toolkit never imports a model.
 */
import type { ScenarioCheck } from './checks.js';

export interface ScenarioLanguage {
  /** Semantic checks run, in order, on every schema-valid scenario (the language's own first). */
  readonly checks: readonly ScenarioCheck[];
}
