/**
 * Vega-Lite chart specifications built from a results document. Charts are found by matching
 * column and metric names (docs/results-format.md), so they work for any scenario: a chart
 * whose data are absent is simply not produced. Specs embed their data, so each one is a
 * self-contained JSON file that the report, the API and the dashboard can all use as is.
 */
import type { IncidentRecord, ResultsDocument, SeriesSummary, VariantResults } from '../results/format.js';

/** A JSON value, as written into a Vega-Lite spec. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A Vega-Lite top-level specification as plain JSON. */
export type VegaLiteSpec = { [key: string]: Json };

/** One chart of a report. */
export interface Chart {
  /** File-safe name, e.g. "response-time-p95" (charts/<name>.vl.json). */
  name: string;
  /** Human title. */
  title: string;
  /** What the chart shows, one sentence for the report. */
  caption: string;
  spec: VegaLiteSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 640;
const HEIGHT = 220;
const HOUR = 3600;

// Fixed palettes and fonts keep renders identical across machines; priority colours follow
// the usual red-to-grey severity ordering planners expect.
const PRIORITY_COLOURS = { domain: ['P1', 'P2', 'P3', 'P4'], range: ['#c62828', '#ef6c00', '#f9a825', '#78909c'] };
const CONFIG: Json = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start' },
  range: { category: { scheme: 'tableau10' } },
};

function top(title: string, body: VegaLiteSpec): VegaLiteSpec {
  return { $schema: SCHEMA, title, width: WIDTH, config: CONFIG, ...body };
}

/** A row of a long-format series table. */
interface SeriesPoint {
  [key: string]: Json;
  h: number;
  series: string;
  mean: number;
  lo: number | null;
  hi: number | null;
}

/** Variants that carry a series. */
function seriesVariants(doc: ResultsDocument): { v: VariantResults; s: SeriesSummary }[] {
  return doc.variants.filter((v) => v.series !== null).map((v) => ({ v, s: v.series! }));
}

/**
 * Long-format points for every column matching `pattern`; `label` turns the match into the
 * legend entry. With several variants the variant name prefixes the label, so one chart
 * compares policies over time.
 */
function collect(doc: ResultsDocument, pattern: RegExp, label: (m: RegExpMatchArray) => string, scale = 1, nonNegative = true): { points: SeriesPoint[]; note: string } {
  let vs = seriesVariants(doc);
  // Overlaying variants helps until the legend outgrows the eye: past six lines only the
  // reference variant is drawn (the comparison charts and the dashboard cover the rest).
  const perVariant = vs.length > 0 ? vs[0]!.s.columns.filter((c) => pattern.test(c)).length : 0;
  let note = '';
  if (vs.length > 1 && perVariant * vs.length > 6) {
    note = ` (variant ${vs[0]!.v.name})`;
    vs = vs.slice(0, 1);
  }
  const out: SeriesPoint[] = [];
  for (const { v, s } of vs) {
    s.columns.forEach((col, j) => {
      if (j === 0) return;
      const m = col.match(pattern);
      if (m === null) return;
      const name = vs.length > 1 ? `${v.name}: ${label(m)}` : label(m);
      for (let i = 0; i < s.mean.length; i++) {
        const mean = s.mean[i]?.[j];
        const t = s.mean[i]?.[0];
        if (mean === null || mean === undefined || t === null || t === undefined) continue;
        const lo = s.lo[i]?.[j] ?? null;
        const hi = s.hi[i]?.[j] ?? null;
        out.push({
          h: round(t / HOUR),
          series: name,
          mean: round(mean * scale),
          // t-intervals from few replications can dip below zero; counts and rates cannot.
          lo: lo === null ? null : round(nonNegative ? Math.max(0, lo * scale) : lo * scale),
          hi: hi === null ? null : round(hi * scale),
        });
      }
    });
  }
  return { points: out, note };
}

// Rounding to 6 significant digits keeps specs small and byte-stable without visible loss.
function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(6));
}

/** An interval end, or null when there is none (fewer than two replications: NaN). */
function end(x: number): number | null {
  return Number.isFinite(x) ? round(x) : null;
}

/** Mean line plus a shaded 95 % band; extra layers (e.g. reference bands) go underneath. */
function bandChart(title: string, points: SeriesPoint[], yTitle: string, under: Json[] = [], yScale: Json = { zero: false }): VegaLiteSpec {
  // An all-zero series (no incidents at all) would collapse the axis to one tick.
  if (under.length === 0 && points.every((p) => p.mean === 0 && (p.hi === null || p.hi === 0))) yScale = { domain: [0, 1] };
  const x = { field: 'h', type: 'quantitative', title: 'simulated time (h)' };
  const color = { field: 'series', type: 'nominal', title: null };
  return top(title, {
    height: HEIGHT,
    data: { values: points },
    layer: [
      ...under,
      {
        transform: [{ filter: 'datum.lo !== null && datum.hi !== null' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' }, color },
      },
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale }, color },
      },
    ],
  });
}

function seriesCharts(doc: ResultsDocument): Chart[] {
  const charts: Chart[] = [];
  const add = (name: string, title: string, caption: string, c: { points: SeriesPoint[]; note: string }, make: (p: SeriesPoint[], t: string) => VegaLiteSpec): void => {
    if (c.points.length > 0) charts.push({ name, title: title + c.note, caption, spec: make(c.points, title + c.note) });
  };
  const band = 'Lines are means across replications; shaded bands are 95 % confidence intervals.';
  add('load', 'Load: arrivals per second', `Offered load per service. ${band}`,
    collect(doc, /^(.+)\.arrivals$/, (m) => m[1]!),
    (p, t) => bandChart(t, p, 'arrivals (/s)', [], { zero: true }));
  add('response-time-p95', 'p95 response time', `95th-percentile response time per interval. ${band}`,
    collect(doc, /^(.+)\.response_time\.p95$/, (m) => m[1]!),
    (p, t) => bandChart(t, p, 'p95 response time (s)', [], { zero: true }));
  add('utilisation', 'Utilisation', `Busy fraction of each service's servers. ${band}`,
    collect(doc, /^(.+)\.utilisation$/, (m) => m[1]!, 100),
    (p, t) => bandChart(t, p, 'utilisation (%)', [], { domain: [0, 100] }));
  // ASHRAE TC 9.9: 18–27 °C recommended, 15–32 °C allowable for class A1.
  const ashrae: Json[] = [
    {
      data: { values: [{ lo: 15, hi: 32, band: 'A1 allowable 15–32 °C' }, { lo: 18, hi: 27, band: 'recommended 18–27 °C' }] },
      mark: { type: 'rect', opacity: 0.18 },
      encoding: {
        y: { field: 'lo', type: 'quantitative' },
        y2: { field: 'hi' },
        fill: { field: 'band', type: 'nominal', title: 'ASHRAE', scale: { domain: ['A1 allowable 15–32 °C', 'recommended 18–27 °C'], range: ['#ffe0b2', '#a5d6a7'] } },
      },
    },
  ];
  add('room-temperature', 'Room temperature', `Inlet temperature per room against the ASHRAE bands. ${band}`,
    collect(doc, /^(.+)\.temperature$/, (m) => m[1]!, 1, false),
    (p, t) => bandChart(t, p, 'temperature (°C)', ashrae, { zero: false, domainMin: 10, nice: true }));
  add('open-incidents', 'Open incidents by priority', `Incidents open at the end of each interval. ${band}`,
    collect(doc, /^incidents\.open\.(P[1-4])$/, (m) => m[1]!),
    (p, t) => bandChart(t, p, 'open incidents', [], { zero: true }));
  add('staffing', 'Operators on shift and busy', `Operators on shift and those working an incident. ${band}`,
    collect(doc, /^(.+)\.(on_shift|busy)$/, (m) => `${m[1]} ${m[2] === 'on_shift' ? 'on shift' : 'busy'}`),
    (p, t) => bandChart(t, p, 'operators', [], { zero: true }));
  return charts;
}

/** Names of SLA attainment metrics present in any variant, sorted. */
function slaNames(doc: ResultsDocument): string[] {
  const names = new Set<string>();
  for (const v of doc.variants) for (const k of Object.keys(v.metrics)) {
    const m = k.match(/^sla\.(.+)\.attainment$/);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

function slaChart(doc: ResultsDocument): Chart | null {
  const names = slaNames(doc);
  const rows: Json[] = [];
  for (const v of doc.variants) for (const sla of names) {
    const s = v.metrics[`sla.${sla}.attainment`];
    if (!s || s.n === 0 || !Number.isFinite(s.mean)) continue;
    rows.push({ variant: v.name, sla, mean: round(s.mean * 100), lo: end(s.ci95[0] * 100), hi: end(s.ci95[1] * 100), n: s.n });
  }
  if (rows.length === 0) return null;
  const y = { field: 'variant', type: 'nominal', title: 'variant', sort: doc.variants.map((v) => v.name) };
  const color = { field: 'sla', type: 'nominal', title: 'SLA' };
  const yOffset = { field: 'sla', type: 'nominal' };
  const title = 'SLA attainment by variant';
  return {
    name: 'sla-attainment',
    title,
    caption: 'Mean SLA attainment across replications with its 95 % confidence interval, per variant.',
    spec: top(title, {
      data: { values: rows },
      height: { step: 16 },
      encoding: { y, yOffset, color },
      layer: [
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'lo', type: 'quantitative', title: 'attainment (%)', scale: { zero: false, nice: true }, axis: { format: '.4~r' } }, x2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: { field: 'mean', type: 'quantitative' }, tooltip: [{ field: 'variant' }, { field: 'sla' }, { field: 'mean', title: 'mean %' }, { field: 'lo', title: 'ci95 lo' }, { field: 'hi', title: 'ci95 hi' }] } },
      ],
    }),
  };
}

/** Indexes of points not dominated by another (lower cost and higher attainment are better). */
export function paretoFrontier(points: readonly { cost: number; attainment: number }[]): Set<number> {
  const front = new Set<number>();
  points.forEach((p, i) => {
    const dominated = points.some((q, j) => j !== i && q.cost <= p.cost && q.attainment >= p.attainment && (q.cost < p.cost || q.attainment > p.attainment));
    if (!dominated) front.add(i);
  });
  return front;
}

function costChart(doc: ResultsDocument): Chart | null {
  const names = slaNames(doc);
  const pts: { variant: string; cost: number; attainment: number; lo: number | null; hi: number | null }[] = [];
  for (const v of doc.variants) {
    const cost = v.metrics['cost.total'];
    if (!cost || !Number.isFinite(cost.mean)) continue;
    // Several SLAs collapse to the worst one: a policy is only as good as the SLA it misses.
    let worst: { mean: number; ci95: [number, number] } | null = null;
    for (const sla of names) {
      const s = v.metrics[`sla.${sla}.attainment`];
      if (s && Number.isFinite(s.mean) && (worst === null || s.mean < worst.mean)) worst = s;
    }
    if (worst === null) continue;
    pts.push({ variant: v.name, cost: round(cost.mean), attainment: round(worst.mean * 100), lo: end(worst.ci95[0] * 100), hi: end(worst.ci95[1] * 100) });
  }
  if (pts.length === 0) return null;
  const front = paretoFrontier(pts);
  const rows: Json[] = pts.map((p, i) => ({ ...p, frontier: front.has(i) ? 'Pareto frontier' : 'dominated' }));
  const x = { field: 'cost', type: 'quantitative', title: 'total cost', scale: { zero: false, padding: 20 } };
  const title = 'Cost against SLA attainment';
  const attTitle = names.length > 1 ? 'worst SLA attainment (%)' : 'SLA attainment (%)';
  return {
    name: 'cost-vs-sla',
    title,
    caption: 'Each variant\'s mean total cost against its SLA attainment (95 % interval as a bar); the Pareto frontier (no other variant is both cheaper and better) is joined.',
    spec: top(title, {
      height: 260,
      data: { values: rows },
      layer: [
        { transform: [{ filter: "datum.frontier === 'Pareto frontier'" }], mark: { type: 'line', color: '#2e7d32', strokeDash: [4, 3] }, encoding: { x, y: { field: 'attainment', type: 'quantitative' }, order: { field: 'cost' } } },
        { mark: { type: 'rule', opacity: 0.6 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: attTitle, scale: { zero: false, padding: 20 }, axis: { format: '.4~r' } }, y2: { field: 'hi' }, color: { field: 'frontier', type: 'nominal', title: null, scale: { domain: ['Pareto frontier', 'dominated'], range: ['#2e7d32', '#9e9e9e'] } } } },
        { mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y: { field: 'attainment', type: 'quantitative' }, color: { field: 'frontier', type: 'nominal', title: null }, tooltip: [{ field: 'variant' }, { field: 'cost' }, { field: 'attainment' }] } },
        { mark: { type: 'text', dx: 8, align: 'left', fontSize: 11 }, encoding: { x, y: { field: 'attainment', type: 'quantitative' }, text: { field: 'variant' } } },
      ],
    }),
  };
}

const TIMELINE_LIMIT = 150;

function timelineChart(doc: ResultsDocument): Chart | null {
  const v = doc.variants.find((x) => x.sampleIncidents.length > 0);
  if (!v) return null;
  const incidents = v.sampleIncidents.slice(0, TIMELINE_LIMIT);
  const rows: Json[] = incidents.map((i: IncidentRecord) => ({
    label: `#${i.id} ${i.type}`,
    priority: i.priority,
    raised: round(i.raisedAt / HOUR),
    detected: round(i.detectedAt / HOUR),
    // Unresolved incidents run to the end of the horizon, drawn as open-ended.
    end: round((i.resolvedAt ?? doc.horizonSeconds) / HOUR),
    resolved: i.resolvedAt === null ? 'no' : 'yes',
    by: i.resolvedBy ?? '—',
    breached: i.resolutionBreached ? 'yes' : 'no',
  }));
  const more = v.sampleIncidents.length > incidents.length ? ` (first ${incidents.length} of ${v.sampleIncidents.length})` : '';
  const title = `Incident timeline, ${v.name}, replication 1${more}`;
  const y = { field: 'label', type: 'ordinal', title: null, sort: null, axis: (incidents.length > 40 ? { labels: false, ticks: false } : { labelFontSize: 9 }) as Json };
  const x = { field: 'detected', type: 'quantitative', title: 'simulated time (h)', scale: { domain: [0, round(doc.horizonSeconds / HOUR)] } };
  return {
    name: 'incident-timeline',
    title,
    caption: 'Each bar runs from detection to resolution; the thin grey lead-in is the time from the fault to its detection.',
    spec: top(title, {
      data: { values: rows },
      height: { step: incidents.length > 40 ? 4 : 12 },
      layer: [
        { mark: { type: 'rule', color: '#9e9e9e' }, encoding: { y, x: { field: 'raised', type: 'quantitative', scale: x.scale, title: x.title }, x2: { field: 'detected' } } },
        {
          mark: { type: 'bar' },
          encoding: {
            y,
            x,
            x2: { field: 'end' },
            color: { field: 'priority', type: 'nominal', scale: PRIORITY_COLOURS, title: 'priority' },
            opacity: { field: 'resolved', type: 'ordinal', scale: { domain: ['yes', 'no'], range: [1, 0.4] }, legend: null },
            tooltip: [{ field: 'label' }, { field: 'priority' }, { field: 'detected', title: 'detected (h)' }, { field: 'end', title: 'resolved (h)' }, { field: 'by', title: 'resolved by' }, { field: 'breached', title: 'SLA breached' }],
          },
        },
      ],
    }),
  };
}

function resolveDistribution(doc: ResultsDocument): Chart | null {
  const rows: Json[] = [];
  for (const v of doc.variants) for (const i of v.sampleIncidents) {
    if (i.resolvedAt === null) continue;
    rows.push({ variant: v.name, priority: i.priority, hours: round((i.resolvedAt - i.detectedAt) / HOUR) });
  }
  if (rows.length === 0) return null;
  const multi = doc.variants.filter((v) => v.sampleIncidents.length > 0).length > 1;
  const title = 'Time to resolve by priority (sample replication)';
  return {
    name: 'time-to-resolve',
    title,
    caption: 'Distribution of detection-to-resolution times in the first replication of each variant (box: quartiles, whiskers: 1.5 IQR).',
    spec: top(title, {
      data: { values: rows },
      height: multi ? { step: 14 } : { step: 28 },
      mark: { type: 'boxplot', extent: 1.5, size: 12 },
      encoding: {
        y: { field: 'priority', type: 'nominal', title: 'priority', sort: PRIORITY_COLOURS.domain },
        ...(multi ? { yOffset: { field: 'variant', type: 'nominal', sort: doc.variants.map((v) => v.name) } } : {}),
        x: { field: 'hours', type: 'quantitative', title: 'time to resolve (h)', scale: { zero: true } },
        color: multi ? { field: 'variant', type: 'nominal', title: 'variant', sort: doc.variants.map((v) => v.name) } : { field: 'priority', type: 'nominal', scale: PRIORITY_COLOURS, legend: null },
      },
    }),
  };
}

function mttrChart(doc: ResultsDocument): Chart | null {
  const rows: Json[] = [];
  for (const v of doc.variants) for (const [k, s] of Object.entries(v.metrics)) {
    const m = k.match(/^incidents\.(P[1-4])\.mttr$/);
    if (!m || s.n === 0 || !Number.isFinite(s.mean)) continue;
    rows.push({ variant: v.name, priority: m[1]!, mean: round(s.mean / HOUR), lo: end(s.ci95[0] / HOUR), hi: end(s.ci95[1] / HOUR), p05: round(s.p05 / HOUR), p95: round(s.p95 / HOUR) });
  }
  if (rows.length === 0) return null;
  const title = 'Mean time to resolve by priority (all replications)';
  const y = { field: 'priority', type: 'nominal', title: 'priority', sort: PRIORITY_COLOURS.domain };
  const order = doc.variants.map((v) => v.name);
  const color = { field: 'variant', type: 'nominal', title: 'variant', sort: order };
  const yOffset = { field: 'variant', type: 'nominal', sort: order };
  return {
    name: 'mttr',
    title,
    caption: 'Mean time to resolve across replications: dot and thick bar are the mean and its 95 % interval; the thin line spans the 5th–95th percentile of replication means.',
    spec: top(title, {
      data: { values: rows },
      height: { step: 14 },
      encoding: { y, yOffset, color },
      layer: [
        { mark: { type: 'rule', opacity: 0.5 }, encoding: { x: { field: 'p05', type: 'quantitative', title: 'MTTR (h)' }, x2: { field: 'p95' } } },
        { mark: { type: 'rule', strokeWidth: 3 }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 50 }, encoding: { x: { field: 'mean', type: 'quantitative' } } },
      ],
    }),
  };
}

/** Every chart the results support, in report order. */
export function buildCharts(doc: ResultsDocument): Chart[] {
  const out = seriesCharts(doc);
  for (const c of [slaChart(doc), costChart(doc), timelineChart(doc), resolveDistribution(doc), mttrChart(doc)]) if (c) out.push(c);
  return out;
}
