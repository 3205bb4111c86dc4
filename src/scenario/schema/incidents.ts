/** Incidents section of a scenario (placeholder: filled in by the incidents model). */
export const IncidentsFields = {};
