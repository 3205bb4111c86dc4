/**
 * Composes a scenario language from a list of models: the schema (the language's own fields,
 * each model's fragment in catalog order, then the run fields), the checks (the language's
 * own, each model's, then the run budget) and the models' file hooks. The catalog (src/models/index.ts) composes opsim's
 * from MODELS; a test can compose one with a model that has not joined the catalog yet.
 */
import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import { LANGUAGE_CHECKS } from '../../scenario/checks.js';
import type { ScenarioLanguage } from '../../scenario/language.js';
import { LanguageFields, RunFields } from '../../scenario/schema/language.js';
import { checkRunBudget } from './budget.js';
import type { AnyModelPlugin } from './plugin.js';

/** The scenario language of `models` (listed in build order). */
export function composeLanguage(models: readonly AnyModelPlugin[]): ScenarioLanguage & { readonly schema: TObject } {
  const fields: TProperties = { ...LanguageFields };
  for (const m of models) Object.assign(fields, m.schema);
  Object.assign(fields, RunFields);
  return {
    schema: Type.Object(fields, { $id: 'https://opsim.dev/schema/scenario.json', title: 'opsim scenario', additionalProperties: false }),
    checks: [...LANGUAGE_CHECKS, ...models.flatMap((m) => (m.check === undefined ? [] : [m.check])), checkRunBudget],
    resolveFiles: models.flatMap((m) => (m.resolveFiles === undefined ? [] : [m.resolveFiles])),
  };
}
