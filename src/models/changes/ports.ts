/** The port the change model gives: a way for other models (problem management's permanent fixes) to request a change. */

/** Requests changes of the scenario's change types. */
export interface ChangesPort {
  /** True when the scenario has change management switched on. */
  readonly active: boolean;
  /**
   * Requests a change of `type` now. It goes through the change calendar like any other; once
   * implemented, `done(failed)` is called (never when it waits past the end of the run).
   */
  request(type: string, done?: (failed: boolean) => void): void;
}

declare module '../kernel/plugin.js' {
  interface Ports {
    changes: ChangesPort;
  }
}
