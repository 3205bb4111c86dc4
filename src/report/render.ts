/**
 * Server-side rendering of Vega-Lite specs to SVG with vega's headless view: no canvas and no
 * browser, so reports render anywhere Node runs, and the same spec always gives the same bytes.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './charts.js';

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // The spec is plain JSON built by charts.ts; vega-lite validates it while compiling.
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
