/**
 * The metric and column tables of docs/results-format.md, generated from the models' specs
 * (`opsim schema --metrics`); a test keeps the page current.
 */
import type { ColumnSpec, FeasibleRange, MetricSpec } from '../results/metrics.js';
import { MODELS } from './index.js';

const BEGIN = '<!-- BEGIN metric tables: generated from the models\' specs by `opsim schema --metrics`; do not edit -->';
const END = '<!-- END metric tables -->';

function range(r: FeasibleRange | undefined): string {
  if (r === undefined || (r.lo === undefined && r.hi === undefined && r.hiAtHorizon !== true && r.loAtWarmup !== true)) return '';
  if (r.hiAtHorizon === true) return `${r.loAtWarmup === true ? 'warm-up' : (r.lo ?? '…')} … horizon`;
  if (r.hi === undefined) return `≥ ${r.lo}`;
  if (r.lo === undefined) return `≤ ${r.hi}`;
  return `${r.lo} … ${r.hi}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function better(s: MetricSpec | ColumnSpec): string {
  return 'flag' in s && s.flag === true ? `${s.better} (0/1 verdict)` : s.better;
}

/** The generated block: one table of metrics and one of series columns per model. */
export function metricsReference(): string {
  const out: string[] = [BEGIN, ''];
  for (const m of MODELS) {
    if (m.metrics.length === 0 && m.columns.length === 0) continue;
    out.push(`### ${m.name}`, '', m.about, '');
    // The label is what tables, charts, the CLI and summary.csv's `label` column show for the metric.
    out.push('| metric | label | unit | better | range | key | meaning |', '|---|---|---|---|---|---|---|');
    for (const s of m.metrics) out.push(`| \`${s.name}\` | ${s.label !== undefined ? `\`${cell(s.label)}\`` : ''} | ${s.unit} | ${better(s)} | ${range(s.range)} | ${s.key ?? ''} | ${cell(s.doc)} |`);
    out.push('');
    if (m.columns.length > 0) {
      out.push('| series column | unit | better | range | meaning |', '|---|---|---|---|---|');
      for (const c of m.columns) {
        const bands = c.bands === undefined ? '' : ` Bands: ${c.bands.map((b) => `${b.label}`).join('; ')}.`;
        out.push(`| \`${c.name}\` | ${c.unit} | ${c.better} | ${range(c.range)} | ${cell(c.doc + bands)} |`);
      }
      out.push('');
    }
  }
  out.push(END);
  return out.join('\n') + '\n';
}

/** `page` with its generated block replaced by the current one (the page must hold the markers). */
export function withMetricsReference(page: string): string {
  const a = page.indexOf(BEGIN);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error('docs/results-format.md has no generated metric block (markers missing)');
  return page.slice(0, a) + metricsReference() + page.slice(b + END.length + 1);
}
