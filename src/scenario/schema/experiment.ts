/** Experiment section of a scenario (placeholder: filled in by the experiment model). */
export const ExperimentFields = {};
