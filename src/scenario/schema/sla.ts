/** Sla section of a scenario (placeholder: filled in by the sla model). */
export const SlaFields = {};
