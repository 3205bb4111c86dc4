/**
 * SLA windows of a service whose required downstream has no server: web → app → db
 * (downstream.yaml), every call required (a request succeeds only when its call does), no
 * timeouts, so while db has no server the calls wait there and no request of web or app fails
 * in the window. A window of web's or app's SLA is bad when at any time in it a service down
 * its chain (where its calls were served then) had no server, as db's own SLA is; a failover
 * of db to its standby ends the spell. No latency objective: only the servers decide.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../../src/models/replication.js';
import { formatScenarioError, loadScenarioText } from '../../../src/scenario/index.js';

const FIXTURE = readFileSync('test/models/sla/downstream.yaml', 'utf8');
const M = 60;
const H = 3600;
const STRUCK = 4 * H;
const WINDOWS = ['1m', '5m', '15m', '1h'] as const;
type Window = (typeof WINDOWS)[number];
/** db's site struck at 4 h on the windows' grid and switched to db-dr after 5 min: bad minutes per window length. */
const DISASTER: Record<Window, number> = { '1m': 5, '5m': 5, '15m': 15, '1h': 60 };
/** A spell of 7 min from a window's 2nd minute (2:02 to 2:09, or 5:02 to 5:09): bad minutes per window length. */
const SPELL: Record<Window, number> = { '1m': 7, '5m': 10, '15m': 15, '1h': 60 };

/** One replication of the fixture plus `extra` YAML, every SLA judged in `window`s. */
function run(window: Window, extra = '', text = FIXTURE): Record<string, number> {
  const overrides = Object.fromEntries(['web', 'app', 'db'].map((s) => [`sla.services.${s}.window`, window]));
  const r = loadScenarioText(text + extra, { file: 'downstream.yaml', overrides });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return runReplication(r.scenario, { seed: 'sladown', replication: 0 }).metrics;
}

/** Every server of `service` failed for 7 min from `at`. */
const failing = (service: string, at: string): string => `\nfailures:\n  classes: [{ class: server, services: [${service}], scripted: [{ at: ${at}, target: ${service}, duration: 7m }] }]\n`;

describe('a service whose downstream has no server serves nothing: its SLA windows are bad', () => {
  it("db's servers all down from 2:02 to 2:09: web and app (servers up, no request failed) read db's 7 bad minutes in 1-min windows, 10 in 5-min, 15 in 15-min, 60 in 1-h", () => {
    for (const window of WINDOWS) {
      const m = run(window, failing('db', '2h 2m'));
      // Nothing failed: the calls waited for db's servers. Only the spell can make a window bad.
      expect(m['service.web.failed_fraction'], window).toBe(0);
      expect(m['service.app.failed_fraction'], window).toBe(0);
      for (const sla of ['web', 'app', 'db']) {
        expect(m[`sla.${sla}.breach_minutes`], `${sla} ${window}`).toBe(SPELL[window] + DISASTER[window]);
        expect(m[`sla.${sla}.breaches`], `${sla} ${window}`).toBe(2);
        expect(m[`sla.${sla}.first_breach`], `${sla} ${window}`).toBe(window === '1m' ? 2 * H + 2 * M : 2 * H);
      }
    }
  });

  it("db's site struck at 4 h: web and app are breached from the strike to db's switch to its standby, which ends the spell, in every window length", () => {
    for (const window of WINDOWS) {
      const m = run(window);
      expect(m['site.east.rto'], window).toBe(5 * M);
      // db's calls served at db-dr from 4:05 to 8:10 (λ × 245 min ± 5 σ).
      const atStandby = 2 * 245 * M;
      expect(Math.abs(m['service.db-dr.requests']! - atStandby), window).toBeLessThan(5 * Math.sqrt(atStandby));
      for (const sla of ['web', 'app', 'db']) {
        expect(m[`sla.${sla}.breach_minutes`], `${sla} ${window}`).toBe(DISASTER[window]);
        expect(m[`sla.${sla}.breaches`], `${sla} ${window}`).toBe(1);
        expect(m[`sla.${sla}.first_breach`], `${sla} ${window}`).toBe(STRUCK);
      }
    }
  });

  it("db's standby without a server from 5:02 to 5:09, while it serves db's calls: bad for web and app alike; before the disaster, when it serves none: nothing", () => {
    for (const window of WINDOWS) {
      const m = run(window, failing('db-dr', '5h 2m'));
      for (const sla of ['web', 'app', 'db']) {
        expect(m[`sla.${sla}.breach_minutes`], `${sla} ${window}`).toBe(SPELL[window] + DISASTER[window]);
        // The 1-h windows [4 h, 5 h) and [5 h, 6 h) are one episode.
        expect(m[`sla.${sla}.breaches`], `${sla} ${window}`).toBe(window === '1h' ? 1 : 2);
      }
    }
    for (const window of ['1m', '1h'] as const) {
      const m = run(window, failing('db-dr', '2h 2m'));
      for (const sla of ['web', 'app', 'db']) expect(m[`sla.${sla}.breach_minutes`], `${sla} ${window}`).toBe(DISASTER[window]);
    }
  });

  it('only along the calls: app without its call to db, and web above it, are not judged by db', () => {
    const text = FIXTURE.replace('downstream: db }', '}');
    expect(text).not.toContain('downstream: db');
    for (const window of ['1m', '1h'] as const) {
      const m = run(window, failing('db', '2h 2m'), text);
      expect(m['sla.db.breach_minutes'], window).toBe(SPELL[window] + DISASTER[window]);
      expect(m['sla.app.breach_minutes'], window).toBe(0);
      expect(m['sla.web.breach_minutes'], window).toBe(0);
    }
  });

  it("app's servers all down from 2:02 to 2:09: web above it is bad, db below it is not", () => {
    for (const window of ['1m', '5m'] as const) {
      const m = run(window, failing('app', '2h 2m'));
      expect(m['sla.web.breach_minutes'], window).toBe(SPELL[window] + DISASTER[window]);
      expect(m['sla.app.breach_minutes'], window).toBe(SPELL[window] + DISASTER[window]);
      expect(m['sla.db.breach_minutes'], window).toBe(DISASTER[window]);
    }
  });
});
