/**
 * `opsim main` (what `npm start` runs): the GlobalMart peak scenario with sensible defaults on
 * the worker pool, its report written under reports/runs/<id>/, then the dashboard served on a
 * printed URL showing that run. `--no-serve` exits once the report is written.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatScenarioError, parseOverrideArgs, ScenarioLoadError } from '../scenario/index.js';
import { buildServer, experimentExecutor, isFinal, isLoopback, RunManager, type RunRecord } from '../server/index.js';
import { loadFile } from '../server/run-host.js';
import { displayFile, listScenarios, resolveScenario } from '../server/scenarios.js';
import { checkBind, closeOnSignals, listen, parsePort } from './serve.js';

/** The scenario the main job runs. */
export const MAIN_SCENARIO = 'globalmart-peak';
/** Replications by default: enough for usable intervals in a couple of minutes. */
export const MAIN_REPLICATIONS = 10;

interface MainFlags {
  scenario: string;
  replications: string;
  serve: boolean;
  host: string;
  port: number;
  reports: string;
  scenarios: string;
  workers?: string;
  set: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function pickScenario(dir: string, wanted: string): Promise<string> {
  if (await resolveScenario(dir, wanted)) return wanted;
  if (wanted !== MAIN_SCENARIO) throw new Error(`no scenario "${wanted}" in ${dir}`);
  // Only while the GlobalMart scenario is being written: run something rather than nothing.
  const others = (await listScenarios(dir)).filter((s) => s.errors.length === 0);
  if (others.length === 0) throw new Error(`no runnable scenario in ${dir}`);
  process.stderr.write(`note: scenarios/${MAIN_SCENARIO}.yaml does not exist yet; running "${others[0]!.name}" instead\n`);
  return others[0]!.name;
}

function progressLine(r: RunRecord): string {
  const p = r.progress;
  return `  ${r.status}: ${p.done}/${p.total} replications${p.failed ? `, ${p.failed} failed` : ''}`;
}

/** Registers `opsim main`. */
export function register(program: Command): void {
  program
    .command('main')
    .description(`Run ${MAIN_SCENARIO} (${MAIN_REPLICATIONS} replications), write its report, and serve the dashboard showing it`)
    .option('--scenario <name>', 'scenario name in the scenarios folder', MAIN_SCENARIO)
    .option('-r, --replications <n>', 'replications per variant', String(MAIN_REPLICATIONS))
    .option('--set <path=value>', 'override a field, e.g. horizon=6h (repeatable)', collect, [])
    .option('--no-serve', 'exit once the report is written')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (a free one is used if it is taken)', parsePort, 8080)
    .option('--reports <dir>', 'where runs are kept', 'reports')
    .option('--scenarios <dir>', 'scenario folder', 'scenarios')
    .option('--workers <n>', 'worker threads (default min(2, cores))')
    .action(async (flags: MainFlags) => {
      const token = process.env.OPSIM_TOKEN;
      if (flags.serve) checkBind(flags.host, token);
      const replications = Number(flags.replications);
      if (!Number.isInteger(replications) || replications < 1) throw new InvalidArgumentError(`--replications must be an integer ≥ 1, got ${JSON.stringify(flags.replications)}`);
      const scenariosDir = path.resolve(flags.scenarios);
      const reportsDir = path.resolve(flags.reports);
      if (!existsSync(scenariosDir)) throw new Error(`no scenarios folder at ${scenariosDir}`);
      const name = await pickScenario(scenariosDir, flags.scenario);
      const abs = (await resolveScenario(scenariosDir, name))!;
      // The one --set parser (opsim run and validate use it too): YAML values, so booleans and units parse alike.
      let overrides: Record<string, unknown>;
      try {
        overrides = parseOverrideArgs(flags.set);
      } catch (err) {
        if (!(err instanceof ScenarioLoadError)) throw err;
        for (const e of err.errors) process.stderr.write(formatScenarioError(e) + '\n');
        process.exitCode = 2;
        return;
      }
      const loaded = loadFile(displayFile(abs), Object.keys(overrides).length > 0 ? overrides : undefined);
      if (!loaded.ok) {
        for (const e of loaded.errors) process.stderr.write(formatScenarioError(e) + '\n');
        process.exitCode = 2;
        return;
      }
      const runs = new RunManager({ reportsDir, executor: experimentExecutor({ recordsDir: path.join(reportsDir, 'records'), ...(flags.workers !== undefined ? { workers: Number(flags.workers) } : {}) }) });
      const app = buildServer({ reportsDir, scenariosDir, runs, ...(token ? { token } : {}), hosts: isLoopback(flags.host) ? 'loopback' : 'any' });
      await app.ready();
      let url: string | null = null;
      if (flags.serve) url = await listen(app, { host: flags.host, port: flags.port, fallbackPort: true });
      let interrupted = false;
      closeOnSignals(app, () => {
        interrupted = true;
        process.exitCode = 130;
      });
      const run = await runs.submit({ name, raw: loaded.raw, file: loaded.file, hash: loaded.hash }, {
        replications,
        ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
      });
      process.stdout.write(`opsim main: ${name}, ${replications} replications per variant (run ${run.id})\n`);
      if (url) process.stdout.write(`dashboard: ${url}#run=${run.id}\n`);
      let lastPrinted = -1;
      const off = runs.subscribe(run.id, (_ev, r) => {
        // A line per tenth keeps logs readable for long runs.
        if (r.progress.total === 0 && !isFinal(r.status)) return;
        const tenth = r.progress.total > 0 ? Math.floor((10 * r.progress.done) / r.progress.total) : 0;
        if (tenth !== lastPrinted || isFinal(r.status)) {
          lastPrinted = tenth;
          process.stderr.write(progressLine(r) + '\n');
        }
      });
      const final = await runs.waitFor(run.id);
      off();
      const report = path.join(runs.dir(run.id), 'report.html');
      if (final.hasResults) process.stdout.write(`report: ${displayFile(report)}\n`);
      if (final.status !== 'done') {
        process.stderr.write(`run ${final.status}${final.error ? `: ${final.error}` : ''}\n`);
        if (!interrupted) process.exitCode = final.status === 'cancelled' ? 130 : 1;
      }
      if (!flags.serve || interrupted) {
        await app.close();
        return;
      }
      process.stdout.write(`serving the dashboard at ${url}#run=${run.id} (Ctrl-C to stop)\n`);
    });
}
