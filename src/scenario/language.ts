/**
 * A scenario language: what the generic toolkit in src/scenario/ needs to load, validate and
 * check scenarios. The model catalog (src/models/index.ts) composes it from the models; the
 * toolkit never imports a model.
 */
import type { TObject } from '@sinclair/typebox';
import type { ScenarioCheck } from './checks.js';
import type { FileResolver } from './files.js';

export interface ScenarioLanguage {
  /** The scenario schema: the language's own fields and every model's fragment. */
  readonly schema: TObject;
  /** Semantic checks run, in order, on every scenario (the language's own first); on one the schema refused in part, on the sections that validated (checks.ts). */
  readonly checks: readonly ScenarioCheck[];
  /** Hooks that read the files a scenario names, run once the checks pass. */
  readonly resolveFiles: readonly FileResolver[];
}
