/**
 * Fields with a JSON-Schema `default`, the one source of a default: the schema says it (the
 * reference documents it, editors offer it) and the loader fills it in, so models read the
 * value and never write a fallback of their own.
 */
import { OptionalKind, type TSchema } from '@sinclair/typebox';

/**
 * A field that files may leave out and loaded scenarios always have: optional in the JSON
 * Schema (not `required`), with `value` as its `default`, but typed as present, because the
 * loader fills the default in (inside every object the scenario has) before checks and models
 * see the scenario. `value` is written as in a file (e.g. '1m'); units are converted after.
 */
export function Defaulted<T extends TSchema>(schema: T, value: unknown): T {
  return { ...schema, default: value, [OptionalKind]: 'Optional' } as T;
}
