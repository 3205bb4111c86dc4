/** Failures section of a scenario (placeholder: filled in by the failures model). */
export const FailuresFields = {};
