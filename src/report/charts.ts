/**
 * Vega-Lite chart specifications built from a results document. Which metric or series column
 * goes on which chart is read from its spec in the document's catalogs (`chart`, see
 * src/results/metrics.ts), never guessed from its name, so a new model's columns are drawn
 * without touching this file; a chart whose data are absent is simply not produced. Specs embed their data, so each one is a
 * self-contained JSON file that the report, the API and the dashboard can all use as is.
 */
import { FALSE_ALARM_CAUSE } from '../models/sla/runtime.js';
import { currentCatalog, currentMetricSpec } from '../models/index.js';
import type { IncidentRecord, ResultsDocument, SeriesSummary, VariantResults } from '../results/format.js';
import { templateLabels, templateMatch, type ChartId } from '../results/metrics.js';
import { labelOf, readCatalog } from './catalog.js';
import { faultMarkers } from './decision.js';
import { clockTime } from './units.js';

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
/** Fills of reference bands, widest first (ASHRAE allowable, then recommended). */
const BAND_COLOURS = ['#ffe0b2', '#a5d6a7'];

// Fixed palettes and fonts keep renders identical across machines; priority colours follow
// the usual red-to-grey severity ordering planners expect.
const PRIORITY_COLOURS = { domain: ['P1', 'P2', 'P3', 'P4'], range: ['#c62828', '#ef6c00', '#f9a825', '#78909c'] };
const CONFIG: Json = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e8e8e8' },
  // Full-strength, line-shaped swatches: the shaded bands would otherwise make them pale.
  // Below the plot: long labels (variants sharing one line) then never squeeze or cover it.
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 600, symbolOpacity: 1, orient: 'bottom', columns: 2 },
  title: { fontSize: 14, anchor: 'start' },
  range: { category: { scheme: 'tableau10' } },
};

function top(title: string, body: VegaLiteSpec): VegaLiteSpec {
  return { $schema: SCHEMA, title, width: WIDTH, config: CONFIG, ...body };
}

const DAY_HOURS = 24;

/**
 * The x encoding of a time chart over field `h` (simulated hours): clock time (00:00 … 24:00
 * for a run of a day, 00:00 … day 3 00:00 for two) for scenarios of up to two days, whole days beyond.
 * The axis starts at `fromSeconds`: the end of the warm-up for what is measured (a series has no
 * row before it: an axis from 00:00 would draw an empty stretch that reads as a gap in the data).
 */
export function timeX(horizonSeconds: number, field = 'h', fromSeconds = 0): { [key: string]: Json } {
  const hours = horizonSeconds / HOUR;
  const from = Math.min(Math.max(0, fromSeconds / HOUR), hours);
  if (hours <= 2 * DAY_HOURS) {
    const step = hours <= 6 ? 1 : 3;
    // The axis's start is labelled, then the usual ticks after it.
    const values: number[] = from % step === 0 ? [] : [round(from)];
    for (let h = Math.ceil(from / step) * step; h <= hours + 1e-9; h += step) values.push(h);
    const hh = "pad('' + floor(datum.value % 24), 2, '0', 'left')";
    const mm = "pad('' + round((datum.value % 1) * 60), 2, '0', 'left')";
    // Past the first day a tick says which day it falls on: 24 h is day 2 00:00, 48 h day 3 00:00.
    const day = hours > DAY_HOURS ? "(datum.value >= 24 ? 'day ' + (floor(datum.value / 24) + 1) + ' ' : '') + " : '';
    // A run of at most a day ends at 24:00 (beside 21:00), not at a second 00:00 that reads as its start.
    const labelExpr = hours > DAY_HOURS ? `${day}${hh} + ':' + ${mm}` : `datum.value >= 24 ? '24:00' : ${hh} + ':' + ${mm}`;
    return { field, type: 'quantitative', title: 'clock time (simulated)', scale: { domain: [round(from), round(hours)], nice: false }, axis: { values, labelExpr } };
  }
  const every = hours <= 14 * DAY_HOURS ? 1 : Math.ceil(hours / DAY_HOURS / 14);
  const values: number[] = [];
  for (let d = 0; d * DAY_HOURS <= hours + 1e-9; d += every) if (d * DAY_HOURS >= from) values.push(d * DAY_HOURS);
  return { field, type: 'quantitative', title: 'day', scale: { domain: [round(from), round(hours)], nice: false }, axis: { values, labelExpr: "'day ' + (floor(datum.value / 24) + 1)" } };
}

/** Dashed vertical rules, labelled, at the onsets of the injected faults and real P1/P2 incidents. */
function markerLayers(doc: ResultsDocument): Json[] {
  // A fault during the warm-up lies before the charts' axis (and the measured period): not marked.
  const marks = faultMarkers(doc).filter((m) => m.t >= doc.warmupSeconds).map((m, i) => ({ h: round(m.t / HOUR), label: m.label, ly: 8 + 12 * i }));
  if (marks.length === 0) return [];
  const x = { field: 'h', type: 'quantitative' };
  return [
    { data: { values: marks }, mark: { type: 'rule', color: '#424242', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x } },
    { data: { values: marks }, mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#424242' }, encoding: { x, y: { field: 'ly', type: 'quantitative', scale: null }, text: { field: 'label' } } },
  ];
}

/** A dashed horizontal target or threshold line with its label. */
function targetLayers(y: number, label: string): Json[] {
  const v = [{ y: round(y), label }];
  const enc = { y: { field: 'y', type: 'quantitative' } };
  return [
    { data: { values: v }, mark: { type: 'rule', color: '#b71c1c', strokeDash: [6, 3], strokeWidth: 1.5 }, encoding: enc },
    { data: { values: v }, mark: { type: 'text', align: 'right', dy: -5, fontSize: 10, color: '#b71c1c', x: WIDTH }, encoding: { ...enc, text: { field: 'label' } } },
  ];
}

/**
 * A point of a long-format series table. Series lines are drawn as steps, each value over the
 * time it describes (see ColumnSpec.sampled): a summary of an interval (a mean, rate, share or
 * percentile over [t, t + interval)) is a step from t to the interval's end; a level read at the
 * interval's end is a step from that reading to the next. So a row gives a point at the step's
 * start (`h`, with `when` saying what the value is, for the tooltip at `at`), and a step that is
 * followed by a gap or ends the series gets a closing point at its end (`when` null). An empty
 * interval is a point with null values, placed strictly inside the interval, where the line
 * breaks instead of joining its neighbours. The mean line and its band are points of their own
 * (`part`), as a band can be missing where the mean is not (one replication had a value).
 */
export interface SeriesPoint {
  [key: string]: Json;
  part: 'line' | 'band';
  h: number;
  series: string;
  /** The mean (null on band points and in gaps). */
  mean: number | null;
  lo: number | null;
  hi: number | null;
  /** Where the point's tooltip sits (the interval's middle, or the reading's time); null on band, closing and gap points. */
  at: number | null;
  /** What the value describes, e.g. "06:00–06:15" or "at 06:15 (interval end)"; null on band, closing and gap points. */
  when: string | null;
  /**
   * A value with no step drawn from or to it (a reading at an interval's end with no reading
   * next to it, e.g. the only row of a short run): drawn as a dot (its band as a bar) instead.
   */
  alone: boolean;
}

/** Variants that carry a series. */
function seriesVariants(doc: ResultsDocument): { v: VariantResults; s: SeriesSummary }[] {
  return doc.variants.filter((v) => v.series !== null).map((v) => ({ v, s: v.series! }));
}

/**
 * Whether a column is a level read at each interval's end (else a summary over its interval):
 * its spec says so; a document written before specs said it reads today's spec of the same
 * template.
 */
function readAtEnd(doc: ResultsDocument, col: string): boolean {
  const spec = doc.columns?.[col];
  if (spec?.sampled !== undefined) return spec.sampled === 'at-end';
  const today = currentCatalog([], [col]).columns[col];
  return today !== undefined && (spec === undefined || today.name === spec.name) && today.sampled === 'at-end';
}

/** The points of one column of one variant's series, its mean line then its band, as steps over the time each value describes (see SeriesPoint). */
function stepPoints(doc: ResultsDocument, s: SeriesSummary, j: number, name: string, atEnd: boolean, value: (x: number | null | undefined, band: boolean) => number | null): SeriesPoint[] {
  const horizon = doc.horizonSeconds;
  const clock = (t: number): string => clockTime(t, horizon);
  // Each row's interval [start, end): the next row's start, or the horizon for the last (partial) one.
  const rows: { start: number; end: number; i: number }[] = [];
  for (let i = 0; i < s.mean.length; i++) {
    const t = s.mean[i]?.[0];
    if (t === null || t === undefined) continue;
    rows.push({ start: t, end: t, i });
  }
  rows.forEach((r, k) => (r.end = k + 1 < rows.length ? rows[k + 1]!.start : Math.min(r.start + s.intervalSeconds, Math.max(horizon, r.start))));
  // "day 2 06:00–06:15": the day is said once when both ends fall on it.
  const span = (a: number, b: number): string => {
    const [from, to] = [clock(a), clock(b)];
    const day = /^day \d+ /.exec(from)?.[0];
    return `${from}–${day !== undefined && to.startsWith(day) ? to.slice(day.length) : to}`;
  };
  const out: SeriesPoint[] = [];
  for (const part of ['line', 'band'] as const) {
    const mean = (i: number): number | null => (part === 'line' ? value(s.mean[i]?.[j], false) : null);
    const band = (i: number): [number | null, number | null] => [value(s.lo[i]?.[j], true), value(s.hi[i]?.[j], true)];
    const defined = (i: number): boolean => (part === 'line' ? mean(i) !== null : band(i).every((x) => x !== null));
    const point = (h: number, i: number, at: number | null, when: string | null, alone = false): SeriesPoint => {
      const [lo, hi] = band(i);
      return { part, h: round(h / HOUR), series: name, mean: mean(i), lo, hi, at: part === 'line' && at !== null ? round(at / HOUR) : null, when: part === 'line' ? when : null, alone };
    };
    const gap = (h: number): SeriesPoint => ({ part, h: round(h / HOUR), series: name, mean: null, lo: null, hi: null, at: null, when: null, alone: false });
    rows.forEach((r, k) => {
      const next = rows[k + 1];
      if (atEnd) {
        // A reading at the interval's end, held until the next reading; one with no reading
        // either side of it (the only row, or between gaps) has no step: it is drawn alone.
        const prev = rows[k - 1];
        const alone = (prev === undefined || !defined(prev.i)) && (next === undefined || !defined(next.i));
        out.push(defined(r.i) ? point(r.end, r.i, r.end, `at ${clock(r.end)} (interval end)`, alone) : gap(r.end));
        return;
      }
      if (!defined(r.i)) {
        out.push(gap((r.start + r.end) / 2));
        return;
      }
      out.push(point(r.start, r.i, (r.start + r.end) / 2, span(r.start, r.end)));
      // The step ends where the next one starts; before a gap, and at the end, it is closed explicitly.
      if ((next === undefined || !defined(next.i)) && r.end > r.start) out.push(point(r.end, r.i, null, null));
    });
  }
  return out;
}

/**
 * Long-format points for every series column whose spec (in the document's column catalog)
 * is drawn on `chart`, optionally only those whose labels `only` accepts; the legend entry is
 * the column's label values plus its spec's legend words. With several variants the variant
 * name prefixes the label, so one chart compares policies over time. `atEnd`/`overInterval`
 * count the lines of each kind (what the caption says the steps mean).
 */
function collect(doc: ResultsDocument, chart: ChartId, opts: { scale?: number; nonNegative?: boolean; only?: (labels: Record<string, string>) => boolean } = {}): { points: SeriesPoint[]; note: string; atEnd: number; overInterval: number; interval: number } {
  const { scale = 1, nonNegative = true, only } = opts;
  const vs = seriesVariants(doc);
  const labelOf = new Map<string, string>();
  for (const [col, spec] of Object.entries(doc.columns ?? {})) {
    if (spec.chart !== chart) continue;
    const labels = templateMatch(spec.name, col);
    if (labels === null || (only !== undefined && !only(labels))) continue;
    labelOf.set(col, [...Object.values(labels), ...(spec.legend !== undefined ? [spec.legend] : [])].join(' '));
  }
  // One line per (variant, column); variants whose line is identical (a policy that changes
  // nothing this chart shows) are drawn once, labelled with every name, instead of hiding
  // each other.
  const lines: { names: string[]; col: string; v: VariantResults; s: SeriesSummary; j: number; key: string }[] = [];
  for (const { v, s } of vs) {
    s.columns.forEach((col, j) => {
      if (j === 0 || !labelOf.has(col)) return;
      const key = `${col}|${JSON.stringify(s.mean.map((r) => r[j] ?? null))}`;
      const same = lines.find((l) => l.key === key);
      if (same !== undefined) same.names.push(v.name);
      else lines.push({ names: [v.name], col, v, s, j, key });
    });
  }
  // Overlaying variants helps until the legend outgrows the eye: past eight distinct lines
  // only the reference variant is drawn (the verdict table and the dashboard cover the rest).
  let note = '';
  let shown = lines;
  if (vs.length > 1 && lines.length > 8) {
    note = ` (variant ${vs[0]!.v.name})`;
    shown = lines.filter((l) => l.names.includes(vs[0]!.v.name)).map((l) => ({ ...l, names: [vs[0]!.v.name] }));
  }
  const multi = vs.length > 1 && note === '';
  const out: SeriesPoint[] = [];
  let atEnd = 0;
  for (const { names, col, s, j } of shown) {
    const label = labelOf.get(col)!;
    const name = multi ? `${names.join(' = ')}: ${label}` : label;
    const end = readAtEnd(doc, col);
    if (end) atEnd++;
    // Bands are cut to the column's feasible range in results.json; this keeps older documents honest too.
    const value = (x: number | null | undefined, band: boolean): number | null =>
      x === null || x === undefined || !Number.isFinite(x) ? null : round(band && nonNegative ? Math.max(0, x * scale) : x * scale);
    out.push(...stepPoints(doc, s, j, name, end, value));
  }
  return { points: out, note, atEnd, overInterval: shown.length - atEnd, interval: shown[0]?.s.intervalSeconds ?? 0 };
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

/**
 * An axis title for a chart that spreads the metrics of one spec over its `<slot>` label (MTTR
 * by priority, attainment by SLA): the spec's planner-facing label without that slot, e.g.
 * '<priority> mean time to resolve' gives 'mean time to resolve', so the chart says what the
 * tables say; `fallback` when the spec has no label or the label needs another slot.
 */
function axisLabel(doc: ResultsDocument, metric: string, slot: string, fallback: string): string {
  const label = readCatalog(doc)[metric]?.label;
  if (label === undefined) return fallback;
  const rest = label.replace(`<${slot}>`, ' ').replace(/\s+/g, ' ').trim();
  return rest === '' || /<[a-z_]+>/.test(rest) ? fallback : rest;
}

/** The name of the layer of a series chart that only carries tooltips (left out of static renders: nothing hovers over an SVG file). */
export const HOVER_LAYER = 'hover';

/**
 * Mean line plus a shaded 95 % band over clock time, both as steps over the time each value
 * describes (see SeriesPoint), broken where an interval is empty; `under` layers (reference
 * bands) go beneath, `over` layers (targets) above, fault markers on top. A transparent point
 * per value carries its tooltip: the series, what time it describes, the mean and its band.
 */
function bandChart(doc: ResultsDocument, title: string, points: SeriesPoint[], yTitle: string, under: Json[] = [], yScale: Json = { zero: false }, over: Json[] = []): VegaLiteSpec {
  // An all-zero series (no incidents at all) would collapse the axis to one tick.
  if (under.length === 0 && over.length === 0 && points.every((p) => (p.mean === null || p.mean === 0) && (p.hi === null || p.hi === 0))) yScale = { domain: [0, 1] };
  // What is measured starts after the warm-up: so does the axis.
  const x = timeX(doc.horizonSeconds, 'h', doc.warmupSeconds);
  // Line-shaped, full-strength swatches: the shaded bands would otherwise make them pale.
  const color = { field: 'series', type: 'nominal', title: null, legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } };
  // A null breaks the path (Vega-Lite's default for lines and areas, stated so it cannot change under us).
  const invalid = 'break-paths-show-domains';
  const aloneLayers: Json[] = [
    {
      transform: [{ filter: "datum.part === 'band' && datum.alone" }],
      mark: { type: 'rule', opacity: 0.35, strokeWidth: 6 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' }, color },
    },
    {
      transform: [{ filter: "datum.part === 'line' && datum.alone" }],
      mark: { type: 'point', filled: true, opacity: 1, size: 40 },
      encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale }, color },
    },
  ];
  return top(title, {
    height: HEIGHT,
    data: { values: points },
    layer: [
      ...under,
      {
        transform: [{ filter: "datum.part === 'band'" }],
        mark: { type: 'area', opacity: 0.2, interpolate: 'step-after', invalid },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' }, color },
      },
      {
        transform: [{ filter: "datum.part === 'line'" }],
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after', invalid },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale }, color },
      },
      // A value with no step to draw (see SeriesPoint.alone): a dot, its band a bar (only
      // when there is one: other charts keep their layers).
      ...(points.some((p) => p.alone) ? aloneLayers : []),
      {
        name: HOVER_LAYER,
        transform: [{ filter: "datum.part === 'line' && datum.when !== null" }],
        mark: { type: 'point', opacity: 0, size: 80 },
        encoding: {
          x: { field: 'at', type: 'quantitative' },
          y: { field: 'mean', type: 'quantitative' },
          tooltip: [{ field: 'series', title: 'line' }, { field: 'when', title: 'time' }, { field: 'mean', title: 'mean' }, { field: 'lo', title: 'ci95 lo' }, { field: 'hi', title: 'ci95 hi' }],
        },
      },
      ...over,
      ...markerLayers(doc),
    ],
  });
}

/** What a series chart's steps mean, for its caption: summaries over each interval, readings at interval ends, or both (and the dots of readings with no step). */
function stepsMean(c: { atEnd: number; overInterval: number; interval: number; points: readonly SeriesPoint[] }): string {
  const iv = c.interval;
  const every = iv % HOUR === 0 ? `${iv / HOUR}-hour` : iv % 60 === 0 ? `${iv / 60}-minute` : `${iv}-second`;
  const over = `each step spans the ${every} interval its value describes`;
  const end = `values read at the end of each ${every} interval are held until the next reading`;
  const text = c.atEnd === 0 ? over : c.overInterval === 0 ? end : `${over}; ${end}`;
  const dots = c.points.some((p) => p.alone) ? ' A dot is a reading with no reading beside it to step to (e.g. the only one of a short run).' : '';
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.${dots}`;
}

function seriesCharts(doc: ResultsDocument): Chart[] {
  const charts: Chart[] = [];
  // Every caption says what the chart shows, what a step means, then how to read lines, bands and markers.
  const add = (name: string, title: string, caption: string, c: ReturnType<typeof collect>, make: (p: SeriesPoint[], t: string) => VegaLiteSpec): void => {
    if (c.points.length > 0) charts.push({ name, title: title + c.note, caption: `${caption}. ${stepsMean(c)} ${band}`, spec: make(c.points, title + c.note) });
  };
  const band = 'Lines are means across replications, broken where an interval has no value (e.g. nothing finished, or no server was up); shaded bands are 95 % confidence intervals; dashed verticals mark the onsets of the P1/P2 incidents of replication 1 of the reference.';
  // The latency thresholds of the SLAs, drawn on the response-time chart.
  const thresholds: Json[] = [...new Map((doc.slas ?? []).filter((b) => b.latency !== undefined).map((b) => [b.latency!.threshold, b])).values()].flatMap((b) =>
    targetLayers(b.latency!.threshold, `${b.name}: ${(b.latency!.target * 100).toFixed(0)} % under ${b.latency!.threshold} s`),
  );
  add('load', 'Load: arrivals per second', `Offered load per service`,
    collect(doc, 'load'),
    (p, t) => bandChart(doc, t, p, 'arrivals (/s)', [], { zero: true }));
  add('response-time-p95', 'p95 response time', `95th-percentile response time per interval`,
    collect(doc, 'response_time_p95'),
    (p, t) => bandChart(doc, t, p, 'p95 response time (s)', [], { zero: true }, thresholds));
  add('utilisation', 'Utilisation', `Busy fraction of each service's available servers`,
    collect(doc, 'utilisation', { scale: 100 }),
    (p, t) => bandChart(doc, t, p, 'utilisation (%)', [], { domain: [0, 100] }));
  // Reference bands under the temperatures come from the column's spec (ASHRAE's, for rooms).
  const bands = Object.values(doc.columns ?? {}).find((c) => c.chart === 'temperature' && c.bands !== undefined)?.bands ?? [];
  const bandLayers: Json[] = bands.length === 0 ? [] : [
    {
      data: { values: bands.map((x) => ({ lo: x.lo, hi: x.hi, band: x.label })) },
      mark: { type: 'rect', opacity: 0.18 },
      encoding: {
        y: { field: 'lo', type: 'quantitative' },
        y2: { field: 'hi' },
        fill: { field: 'band', type: 'nominal', title: 'ASHRAE', scale: { domain: bands.map((x) => x.label), range: bands.map((_, i) => BAND_COLOURS[i % BAND_COLOURS.length]!) } },
      },
    },
  ];
  add('room-temperature', 'Room temperature', `Inlet temperature per room against the ASHRAE bands`,
    collect(doc, 'temperature', { nonNegative: false }),
    (p, t) => bandChart(doc, t, p, 'temperature (°C)', bandLayers, { zero: false, domainMin: 10, nice: true }));
  add('open-incidents', 'Open incidents by priority', `Incidents open at the end of each interval`,
    collect(doc, 'open_incidents'),
    (p, t) => bandChart(doc, t, p, 'open incidents', [], { zero: true }));
  add('staffing', 'Operators on shift and busy', `Operators on shift and those working an incident`,
    collect(doc, 'operators'),
    (p, t) => bandChart(doc, t, p, 'operators', [], { zero: true }));
  for (const b of doc.slas ?? []) {
    add(`sla-windows-${b.name.replace(/[^A-Za-z0-9_-]/g, "-")}`, `SLA ${b.name}: windows meeting the objective`, `Share of the SLA's evaluation windows in each interval that met the latency objective; the dashed line is the availability target (${(b.target * 100).toFixed(2)} %)`,
      collect(doc, 'sla_windows', { scale: 100, only: (l) => l.sla === b.name }),
      (p, t) => bandChart(doc, t, p, 'windows meeting the objective (%)', [], { domain: [0, 100] }, targetLayers(b.target * 100, `target ${(b.target * 100).toFixed(1)} %`)));
  }
  return charts;
}

/** The SLA attainment metrics of the document (by their spec's chart), sorted by SLA name. */
function slaAttainments(doc: ResultsDocument): { sla: string; metric: string }[] {
  const out: { sla: string; metric: string }[] = [];
  for (const [metric, spec] of Object.entries(doc.metrics ?? {})) {
    const labels = spec.chart === 'sla_attainment' ? templateMatch(spec.name, metric) : null;
    if (labels?.sla !== undefined) out.push({ sla: labels.sla, metric });
  }
  return out.sort((a, b) => (a.sla < b.sla ? -1 : a.sla > b.sla ? 1 : 0));
}

/** A per-SLA 0/1 verdict (a flag metric labelled by an SLA), read from its spec. */
function isSlaVerdict(doc: ResultsDocument, metric: string): boolean {
  const spec = doc.metrics?.[metric];
  if (spec?.flag !== true) return false;
  // A document written before specs carried SLA roles reads the role of today's spec with the same template.
  const today = spec.sla === undefined ? currentMetricSpec(metric) : undefined;
  return (spec.sla ?? (today?.name === spec.name ? today.sla : undefined)) === 'met';
}

function slaChart(doc: ResultsDocument): Chart | null {
  const names = slaAttainments(doc);
  const rows: Json[] = [];
  for (const v of doc.variants) for (const { sla, metric } of names) {
    const s = v.metrics[metric];
    if (!s || s.n === 0 || !Number.isFinite(s.mean)) continue;
    rows.push({ variant: v.name, sla, metric, mean: round(s.mean * 100), lo: end(s.ci95[0] * 100), hi: end(s.ci95[1] * 100), n: s.n });
  }
  if (rows.length === 0) return null;
  const xTitle = `${axisLabel(doc, names[0]!.metric, 'sla', 'attainment')} (%)`;
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
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'lo', type: 'quantitative', title: xTitle, scale: { zero: false, nice: true }, axis: { format: '.4~r' } }, x2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: { field: 'mean', type: 'quantitative' }, tooltip: [{ field: 'variant' }, { field: 'sla' }, { field: 'mean', title: 'mean %' }, { field: 'lo', title: 'ci95 lo' }, { field: 'hi', title: 'ci95 hi' }, { field: 'metric' }] } },
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

/** The worst SLA of a variant: the lowest P(met) when the document has verdicts, else the lowest mean attainment (in %). */
function worstSla(doc: ResultsDocument, v: VariantResults, names: readonly { metric: string }[]): { y: number; lo: number | null; hi: number | null } | null {
  const verdicts = (v.slaProbabilities ?? []).filter((p) => isSlaVerdict(doc, p.metric) && p.n > 0);
  if (verdicts.length > 0) {
    const w = verdicts.reduce((a, b) => (b.p < a.p ? b : a));
    return { y: round(w.p * 100), lo: end(w.ci95[0] * 100), hi: end(w.ci95[1] * 100) };
  }
  let worst: { mean: number; ci95: [number, number] } | null = null;
  for (const { metric } of names) {
    const s = v.metrics[metric];
    if (s && Number.isFinite(s.mean) && (worst === null || s.mean < worst.mean)) worst = s;
  }
  return worst === null ? null : { y: round(worst.mean * 100), lo: end(worst.ci95[0] * 100), hi: end(worst.ci95[1] * 100) };
}

/** The cost axis's title: cost.total's label ('total cost' when it has none). */
function costLabel(doc: ResultsDocument): string {
  const label = labelOf(doc, 'cost.total');
  return label === 'cost.total' ? 'total cost' : label;
}

function costChart(doc: ResultsDocument): Chart | null {
  const names = slaAttainments(doc);
  const byVerdict = doc.variants.some((v) => (v.slaProbabilities ?? []).some((p) => isSlaVerdict(doc, p.metric) && p.n > 0));
  const pts: { variant: string; cost: number; attainment: number; lo: number | null; hi: number | null }[] = [];
  for (const v of doc.variants) {
    const cost = v.metrics['cost.total'];
    if (!cost || !Number.isFinite(cost.mean)) continue;
    // Several SLAs collapse to the worst one: a policy is only as good as the SLA it misses.
    const w = worstSla(doc, v, names);
    if (w === null) continue;
    pts.push({ variant: v.name, cost: round(cost.mean), attainment: w.y, lo: w.lo, hi: w.hi });
  }
  if (pts.length === 0) return null;
  const front = paretoFrontier(pts);
  const xs = pts.map((p) => p.cost);
  const ys = pts.map((p) => p.attainment);
  // Costs are never negative: when the cheapest sits near zero the axis starts at zero (padding would reach below it).
  const nearZero = Math.min(...xs) >= 0 && Math.min(...xs) < 0.25 * Math.max(...xs);
  // Labels run right of their points (about 7 px a character); a label that would overprint one
  // already placed to its left moves down a step until it is clear.
  const span = Math.max(...xs) - (nearZero ? 0 : Math.min(...xs)) || 1;
  const labelUnits = (name: string): number => ((name.length * 7 + 14) * span) / WIDTH;
  const step = byVerdict ? 6 : (Math.max(...ys) - Math.min(...ys)) * 0.08 || 0.5;
  const order = pts.map((_, i) => i).sort((a, b) => pts[a]!.cost - pts[b]!.cost);
  const labelY = new Map<number, number>();
  for (const i of order) {
    let y = pts[i]!.attainment;
    const clashes = (yy: number): boolean => [...labelY].some(([j, yj]) => pts[i]!.cost - pts[j]!.cost < labelUnits(pts[j]!.variant) && Math.abs(yj - yy) < step * 0.9);
    for (let k = 0; k < pts.length && clashes(y); k++) y -= step;
    labelY.set(i, y);
  }
  const rows: Json[] = pts.map((p, i) => ({ ...p, frontier: front.has(i) ? 'Pareto frontier' : 'dominated', labelY: round(labelY.get(i)!) }));
  const x = { field: 'cost', type: 'quantitative', title: `${costLabel(doc)} (${doc.currency ?? 'currency units'})`, scale: (nearZero ? { zero: true } : { zero: false, padding: 20 }) as Json, axis: { format: ',~r' } };
  const title = byVerdict ? 'Cost against the probability of meeting the SLA' : 'Cost against SLA attainment';
  const yTitle = byVerdict ? (names.length > 1 ? 'P(worst SLA met) (%)' : 'P(SLA met) (%)') : names.length > 1 ? 'worst SLA attainment (%)' : 'SLA attainment (%)';
  const yScale: Json = byVerdict ? { domain: [0, 100] } : { zero: false, padding: 20 };
  return {
    name: 'cost-vs-sla',
    title,
    caption: byVerdict
      ? "Each variant's mean total cost against the probability that it meets its worst SLA (Wilson 95 % interval as a bar); the Pareto frontier (no other variant is both cheaper and likelier to meet it) is joined."
      : "Each variant's mean total cost against its SLA attainment (95 % interval as a bar); the Pareto frontier (no other variant is both cheaper and better) is joined.",
    spec: top(title, {
      height: 260,
      data: { values: rows },
      layer: [
        { transform: [{ filter: "datum.frontier === 'Pareto frontier'" }], mark: { type: 'line', color: '#2e7d32', strokeDash: [4, 3] }, encoding: { x, y: { field: 'attainment', type: 'quantitative' }, order: { field: 'cost' } } },
        { mark: { type: 'rule', opacity: 0.6 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale, axis: { format: '.4~r' } }, y2: { field: 'hi' }, color: { field: 'frontier', type: 'nominal', title: null, scale: { domain: ['Pareto frontier', 'dominated'], range: ['#2e7d32', '#9e9e9e'] } } } },
        { mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y: { field: 'attainment', type: 'quantitative' }, color: { field: 'frontier', type: 'nominal', title: null }, tooltip: [{ field: 'variant' }, { field: 'cost' }, { field: 'attainment' }] } },
        { mark: { type: 'text', dx: 8, align: 'left', baseline: 'middle', fontSize: 11 }, encoding: { x, y: { field: 'labelY', type: 'quantitative' }, text: { field: 'variant' } } },
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
  const x = timeX(doc.horizonSeconds, 'detected');
  return {
    name: 'incident-timeline',
    title,
    caption: 'Each bar runs from detection to resolution; the thin grey lead-in is the time from the fault to its detection.',
    spec: top(title, {
      data: { values: rows },
      height: { step: incidents.length > 40 ? 4 : 12 },
      layer: [
        { mark: { type: 'rule', color: '#9e9e9e' }, encoding: { y, x: { ...x, field: 'raised' }, x2: { field: 'detected' } } },
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
    // False alarms are triaged, not resolved: the incident metrics leave them out, so does this chart.
    if (i.resolvedAt === null || i.cause === FALSE_ALARM_CAUSE) continue;
    rows.push({ variant: v.name, priority: i.priority, hours: round((i.resolvedAt - i.detectedAt) / HOUR) });
  }
  if (rows.length === 0) return null;
  const multi = doc.variants.filter((v) => v.sampleIncidents.length > 0).length > 1;
  const title = 'Time to resolve by priority (sample replication)';
  return {
    name: 'time-to-resolve',
    title,
    caption: 'Distribution of detection-to-resolution times in the first replication of each variant, false alarms left out (box: quartiles, whiskers: 1.5 IQR).',
    spec: top(title, {
      data: { values: rows },
      height: multi ? { step: 14 } : { step: 28 },
      encoding: {
        y: { field: 'priority', type: 'nominal', title: 'priority', sort: PRIORITY_COLOURS.domain },
        ...(multi ? { yOffset: { field: 'variant', type: 'nominal', sort: doc.variants.map((v) => v.name) } } : {}),
        x: { field: 'hours', type: 'quantitative', title: 'time to resolve (h)', scale: { zero: true } },
        color: multi ? { field: 'variant', type: 'nominal', title: 'variant', sort: doc.variants.map((v) => v.name) } : { field: 'priority', type: 'nominal', scale: PRIORITY_COLOURS, legend: null },
      },
      // Boxes for the spread, and every incident as a dot: a priority with one incident has no box to see.
      layer: [{ mark: { type: 'boxplot', extent: 1.5, size: 12, opacity: 0.5 } }, { mark: { type: 'point', filled: true, size: 36, opacity: 1 } }],
    }),
  };
}

function mttrChart(doc: ResultsDocument): Chart | null {
  const rows: Json[] = [];
  let first: string | undefined;
  for (const v of doc.variants) for (const [k, s] of Object.entries(v.metrics)) {
    const spec = doc.metrics?.[k];
    const priority = spec?.chart === 'mttr' ? templateMatch(spec.name, k)?.priority : undefined;
    if (priority === undefined || s.n === 0 || !Number.isFinite(s.mean)) continue;
    first ??= k;
    rows.push({ variant: v.name, priority, metric: k, mean: round(s.mean / HOUR), lo: end(s.ci95[0] / HOUR), hi: end(s.ci95[1] / HOUR), p05: round(s.p05 / HOUR), p95: round(s.p95 / HOUR) });
  }
  if (rows.length === 0) return null;
  const xTitle = `${axisLabel(doc, first!, 'priority', 'MTTR')} (h)`;
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
        { mark: { type: 'rule', opacity: 0.5 }, encoding: { x: { field: 'p05', type: 'quantitative', title: xTitle }, x2: { field: 'p95' } } },
        { mark: { type: 'rule', strokeWidth: 3 }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 50 }, encoding: { x: { field: 'mean', type: 'quantitative' }, tooltip: [{ field: 'variant' }, { field: 'priority' }, { field: 'mean', title: 'mean (h)' }, { field: 'lo', title: 'ci95 lo (h)' }, { field: 'hi', title: 'ci95 hi (h)' }, { field: 'metric' }] } },
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
