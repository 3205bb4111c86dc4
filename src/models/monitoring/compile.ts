/**
 * The monitoring model's compile step (pure): each monitor with its evaluation interval
 * resolved (its own, else `monitoring.interval`) and its look-back worked out, the enabled
 * auto-remediation rules. Schema defaults (intervals, windows, quantile, delays, triage time,
 * false-alarm rate) are already filled in by the loader.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { DurationDistSpec } from '../../scenario/schema/distribution.js';
import type { AutoRemediationSpec, MonitorSpec } from './schema.js';

/** One monitor, compiled. */
export interface MonitorConfig {
  readonly spec: MonitorSpec;
  /** Evaluation interval (s). */
  readonly interval: number;
  /** Detection delay (s). */
  readonly delay: number;
  /** How far back the metric looks (sliding window, if any, plus one interval), for correlation (s). */
  readonly lookBack: number;
}

/** What the monitoring model builds from (null: the scenario has no monitoring). */
export interface MonitoringConfig {
  /** Every monitor, disabled ones included (their names still count for uniqueness). */
  readonly monitors: readonly MonitorConfig[];
  /** Operator time to triage a false alarm. */
  readonly triageTime: DurationDistSpec;
  /** The enabled auto-remediation rules, in order. */
  readonly rules: readonly AutoRemediationSpec[];
}

/** Compiles the `monitoring` section of a loaded scenario. */
export function compileMonitoring(scenario: Scenario): MonitoringConfig | null {
  const spec = scenario.monitoring;
  if (spec === undefined) return null;
  return {
    monitors: (spec.monitors ?? []).map((m) => {
      const interval = m.interval ?? spec.interval;
      return { spec: m, interval, delay: m.detectionDelay, lookBack: ('window' in m ? m.window : 0) + interval };
    }),
    triageTime: spec.triageTime,
    rules: (spec.autoRemediation ?? []).filter((r) => r.enabled),
  };
}
