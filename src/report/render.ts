/**
 * Server-side rendering of Vega-Lite specs to SVG with vega's headless view: no canvas and no
 * browser, so reports render anywhere Node runs, and the same spec always gives the same bytes.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { HOVER_LAYER, type Json, type VegaLiteSpec } from './charts.js';

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // The spec is plain JSON built by charts.ts; vega-lite validates it while compiling.
  const compiled = compile(withoutHover(spec) as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The spec without its tooltip-only layers: nothing hovers over an SVG file, and they would only add bytes. */
function withoutHover(spec: VegaLiteSpec): VegaLiteSpec {
  if (!Array.isArray(spec.layer)) return spec;
  const layer = spec.layer.filter((l: Json) => !(l !== null && typeof l === 'object' && !Array.isArray(l) && l.name === HOVER_LAYER));
  return layer.length === spec.layer.length ? spec : { ...spec, layer };
}
