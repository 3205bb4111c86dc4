/** Rooms section of a scenario (placeholder: filled in by the rooms model). */
export const RoomsFields = {};
