/**
 * The port problem management needs from the failures model: ending a failure class's
 * recurrence once a permanent fix is in place (declared here, given by failures).
 */

/** Which failures a permanent fix ends, and who counts the ones it avoided. */
export interface RecurrenceStop {
  /** True for a component of failure kind `kind` ("disk-failure") in service `service`. */
  matches(kind: string, service: string | null): boolean;
  /** A failure that would have happened now did not (counted as a recurrence avoided). */
  avoided(): void;
}

/** Ends recurrences: matching components keep their failure clock but no longer fail. */
export interface RecurrencePort {
  stopRecurrence(stop: RecurrenceStop): void;
}

declare module '../kernel/plugin.js' {
  interface Ports {
    recurrence: RecurrencePort;
  }
}
