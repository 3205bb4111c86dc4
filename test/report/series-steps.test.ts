/**
 * Series charts draw each value over the time it describes and nothing where there is none:
 * a summary of an interval (a mean, a rate, a percentile) is a step over [t, t + interval), a
 * level read at the interval's end is a step from that reading on, and an empty interval breaks
 * the line instead of joining its neighbours. The 48 h tick of a two-day run says day 3.
 */
import { describe, expect, it } from 'vitest';
import { buildCharts, timeX, type Json, type SeriesPoint, type VegaLiteSpec } from '../../src/report/charts.js';
import { renderSvg } from '../../src/report/render.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { makeResults } from './fixtures/make.js';

type Point = SeriesPoint;

const HOUR = 3600;

function chart(doc: ResultsDocument, name: string): { spec: VegaLiteSpec; caption: string; points: Point[] } {
  const c = buildCharts(doc).find((x) => x.name === name);
  expect(c, name).toBeDefined();
  const points = (c!.spec.data as unknown as { values: Point[] }).values;
  return { spec: c!.spec, caption: c!.caption, points };
}

/** A one-day, one-variant document whose series has set values in the named columns (the rest as the fixture makes them). */
function dayDoc(set: (row: (number | null)[], t: number, col: (name: string) => number, which: 'mean' | 'lo' | 'hi') => void): ResultsDocument {
  const doc = makeResults([['base', 4, 52000, 0.962]], 86400);
  const s = doc.variants[0]!.series!;
  const col = (name: string): number => s.columns.indexOf(name);
  for (const which of ['mean', 'lo', 'hi'] as const) for (const row of s[which]) set(row, row[0]!, col, which);
  return doc;
}

/** The layers of a spec that draw marks of `type`. */
function layers(spec: VegaLiteSpec, type: string): { [k: string]: Json }[] {
  return (spec.layer as { [k: string]: Json }[]).filter((l) => (l.mark as { type?: string } | undefined)?.type === type);
}

describe('series charts: empty intervals', () => {
  // Every server down from 20:00 to 23:00: utilisation has no value there.
  const down = (t: number): boolean => t >= 20 * HOUR && t < 23 * HOUR;
  const doc = dayDoc((row, t, col) => {
    if (down(t)) row[col('checkout.utilisation')] = null;
  });

  it('keep the gap in the data, with nothing drawn inside it', () => {
    const pts = chart(doc, 'utilisation').points.filter((p) => p.series === 'checkout' && p.part === 'line');
    // No value at all between 20:00 and 23:00, and a null point inside the gap to break the line.
    expect(pts.filter((p) => p.mean !== null && p.h > 20 && p.h < 23)).toEqual([]);
    expect(pts.some((p) => p.mean === null && p.h > 20 && p.h < 23)).toBe(true);
    // The step before the gap is closed at 20:00; the next one starts at 23:00.
    expect(pts.some((p) => p.h === 20 && p.mean !== null)).toBe(true);
    expect(pts.some((p) => p.h === 23 && p.mean !== null)).toBe(true);
  });

  it('break the line and the band there (no filter drops the nulls; they break paths)', () => {
    const { spec } = chart(doc, 'utilisation');
    for (const [type, part] of [['line', 'line'], ['area', 'band']]) {
      const [layer] = layers(spec, type!);
      expect(layer!.transform, type).toEqual([{ filter: `datum.part === '${part}'` }]);
      expect(layer!.mark).toMatchObject({ interpolate: 'step-after', invalid: 'break-paths-show-domains' });
    }
    const band = chart(doc, 'utilisation').points.filter((p) => p.series === 'checkout' && p.part === 'band');
    expect(band.filter((p) => p.lo !== null && p.h > 20 && p.h < 23)).toEqual([]);
    expect(band.some((p) => p.lo === null && p.h > 20 && p.h < 23)).toBe(true);
  });

  it('draw the band of an interval whose neighbour has a mean but no band (one replication had a value)', () => {
    const one = dayDoc((row, t, col, which) => {
      if (t === 10 * HOUR) row[col('checkout.utilisation')] = which === 'mean' ? 0.5 : null;
    });
    const pts = chart(one, 'utilisation').points.filter((p) => p.series === 'checkout');
    // The line runs on through 10:00–10:15; the band of 09:45–10:00 is closed at 10:00, then breaks.
    expect(pts.find((p) => p.part === 'line' && p.h === 10)?.mean).toBe(50);
    const band = pts.filter((p) => p.part === 'band');
    expect(band.filter((p) => p.h === 10 && p.lo !== null)).toHaveLength(1);
    expect(band.some((p) => p.lo === null && p.h > 10 && p.h < 10.25)).toBe(true);
  });

  it('render as two separate pieces of line', async () => {
    // One line only: the checkout utilisation.
    const one = dayDoc((row, t, col) => {
      row[col('checkout.utilisation')] = down(t) ? null : 0.5;
      row[col('inventory.utilisation')] = null;
    });
    const svg = await renderSvg(chart(one, 'utilisation').spec);
    const line = /<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    const d = [...line.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]!);
    expect(d).toHaveLength(1);
    // A path that moves (M) twice: drawn up to 20:00, lifted, drawn again from 23:00.
    expect(d[0]!.match(/M/g)).toHaveLength(2);
  });
});

describe('series charts: each value at the time it describes', () => {
  // 15-min rows. The team's second operator comes on at 06:00: the row starting 05:45 reads it
  // at its end. Busy operators (a mean over the interval) are 1 in 06:00–06:15 only.
  const doc = dayDoc((row, t, col) => {
    row[col('noc.on_shift')] = t >= 5.75 * HOUR ? 2 : 1;
    row[col('noc.busy')] = t === 6 * HOUR ? 1 : 0;
  });
  const pts = chart(doc, 'staffing').points;

  it('a level read at the interval end steps at the reading (06:00), not at the interval start (05:45)', () => {
    const onShift = pts.filter((p) => p.series === 'noc on shift' && p.mean !== null);
    const first2 = onShift.find((p) => p.mean === 2)!;
    expect(first2.h).toBe(6);
    expect(first2.when).toBe('at 06:00 (interval end)');
    // Nothing of it is drawn before the first reading, at 00:15.
    expect(Math.min(...onShift.map((p) => p.h))).toBe(0.25);
  });

  it('a mean over the interval is a step over that interval, its tooltip at its middle', () => {
    const busy = pts.filter((p) => p.series === 'noc busy' && p.mean === 1);
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatchObject({ h: 6, at: 6.125, when: '06:00–06:15' });
    // The next step (back to 0) starts where this one ends.
    expect(pts.find((p) => p.series === 'noc busy' && p.part === 'line' && p.h === 6.25)?.mean).toBe(0);
  });

  it('reads an older document (no `sampled` in its column specs) the way today’s specs say', () => {
    const old = structuredClone(doc);
    for (const spec of Object.values(old.columns!)) delete (spec as { sampled?: string }).sampled;
    expect(chart(old, 'staffing').points).toEqual(pts);
  });

  it('says in the caption and the tooltip what a step means', () => {
    const { spec, caption } = chart(doc, 'staffing');
    expect(caption).toContain('Each step spans the 15-minute interval its value describes; values read at the end of each 15-minute interval are held until the next reading.');
    expect(chart(doc, 'utilisation').caption).toContain('Each step spans the 15-minute interval its value describes.');
    expect(chart(doc, 'open-incidents').caption).toContain('Values read at the end of each 15-minute interval are held until the next reading.');
    const [hover] = layers(spec, 'point');
    expect(hover!.encoding).toMatchObject({ x: { field: 'at' }, tooltip: expect.arrayContaining([{ field: 'when', title: 'time' }]) });
  });

  it('leaves the tooltip layer out of the static SVG', async () => {
    const { spec } = chart(doc, 'staffing');
    const svg = await renderSvg(spec);
    // (Legend swatches are symbols too, of another role.)
    expect(svg.includes('mark-symbol role-mark')).toBe(false);
    expect(svg.includes('mark-line role-mark')).toBe(true);
  });
});

describe('series charts: a reading with no step', () => {
  // A run as long as one interval has one row: its level, read at the row's end, has no next
  // reading to step to, so a line would draw nothing (the legend would name an invisible line).
  const one = (): ResultsDocument => {
    const doc = dayDoc((row, t, col) => {
      row[col('noc.on_shift')] = 2;
      row[col('noc.busy')] = t === 0 ? 1 : 0;
    });
    const s = doc.variants[0]!.series!;
    for (const which of ['mean', 'lo', 'hi'] as const) s[which].splice(1);
    return doc;
  };

  it('is drawn as a dot (its band as a bar), the steps of other lines as before', () => {
    const { spec, points, caption } = chart(one(), 'staffing');
    expect(caption).toContain('A dot is a reading with no reading beside it to step to');
    const onShift = points.filter((p) => p.series === 'noc on shift' && p.part === 'line' && p.mean !== null);
    expect(onShift).toHaveLength(1);
    expect(onShift[0]).toMatchObject({ h: 0.25, mean: 2, alone: true });
    // The mean over the interval is a step with a length: not alone.
    expect(points.filter((p) => p.series === 'noc busy' && p.alone)).toEqual([]);
    const dot = layers(spec, 'point').find((l) => JSON.stringify(l.transform).includes('datum.alone'));
    expect(dot?.transform).toEqual([{ filter: "datum.part === 'line' && datum.alone" }]);
    expect(dot?.mark).toMatchObject({ filled: true, opacity: 1 });
    expect(layers(spec, 'rule').some((l) => JSON.stringify(l.transform) === JSON.stringify([{ filter: "datum.part === 'band' && datum.alone" }]))).toBe(true);
  });

  it('between two gaps too, while readings with a neighbour step as before (and their charts gain no layer)', () => {
    const doc = dayDoc((row, t, col) => {
      row[col('noc.on_shift')] = t === 10 * HOUR ? 3 : t >= 20 * HOUR ? 1 : null;
    });
    const pts = chart(doc, 'staffing').points.filter((p) => p.series === 'noc on shift' && p.part === 'line');
    expect(pts.filter((p) => p.alone).map((p) => [p.h, p.mean])).toEqual([[10.25, 3]]);
    expect(pts.filter((p) => p.mean === 1).every((p) => !p.alone)).toBe(true);
    const day = chart(dayDoc(() => {}), 'staffing');
    expect(JSON.stringify(day.spec.layer)).not.toContain('datum.alone');
    expect(day.caption).not.toContain('A dot');
  });

  it('renders: the SVG of the one-row run draws a symbol for it', async () => {
    const svg = await renderSvg(chart(one(), 'staffing').spec);
    expect(svg.includes('mark-symbol role-mark')).toBe(true);
  });
});

describe('time axis labels', () => {
  async function ticks(horizon: number): Promise<string[]> {
    const spec: VegaLiteSpec = { width: 600, height: 50, data: { values: [{ h: 0 }, { h: horizon / HOUR }] }, mark: 'point', encoding: { x: timeX(horizon) } };
    const svg = await renderSvg(spec);
    const axis = /<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    return [...axis.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]!);
  }

  it('a two-day run ends at day 3 00:00', async () => {
    const t = await ticks(2 * 86400);
    expect(t[0]).toBe('00:00');
    expect(t).toContain('day 2 00:00');
    expect(t.at(-1)).toBe('day 3 00:00');
    expect(t).toContain('day 2 12:00');
  });

  it('the measured period starts after the warm-up, and so does a series chart\'s axis: never 00:00 before it', async () => {
    const doc = makeResults([['base', 4, 52000, 0.962]], 86400);
    doc.warmupSeconds = HOUR;
    // The series has no row before the warm-up's end, as a run writes it.
    const s = doc.variants[0]!.series!;
    for (const which of ['mean', 'lo', 'hi'] as const) s[which] = s[which].filter((r) => r[0]! >= HOUR);
    const { spec } = chart(doc, 'utilisation');
    const x = ((spec.layer as { encoding?: { x?: { scale?: { domain?: number[] } } } }[]).find((l) => l.encoding?.x?.scale !== undefined))!.encoding!.x!;
    expect(x.scale!.domain).toEqual([1, 24]);
    const svg = await renderSvg(spec);
    const axis = [.../<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/s.exec(svg)![1]!.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]!);
    expect(axis[0]).toBe('01:00');
    expect(axis).not.toContain('00:00');
    expect(axis).toContain('03:00');
  });

  it('a one-day run stays in clock time', async () => {
    const t = await ticks(86400);
    expect(t).toContain('12:00');
    expect(t.filter((x) => x.startsWith('day'))).toEqual([]);
    // Its end reads 24:00 (beside 21:00), not a second 00:00.
    expect(t[0]).toBe('00:00');
    expect(t.at(-1)).toBe('24:00');
    expect(t.filter((x) => x === '00:00')).toHaveLength(1);
  });
});
