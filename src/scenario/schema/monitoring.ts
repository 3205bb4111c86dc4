/** Monitoring section of a scenario (placeholder: filled in by the monitoring model). */
export const MonitoringFields = {};
