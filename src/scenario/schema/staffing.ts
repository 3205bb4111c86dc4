/** Staffing section of a scenario (placeholder: filled in by the staffing model). */
export const StaffingFields = {};
