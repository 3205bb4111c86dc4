/** Reports: Vega-Lite charts from results, rendered headless to SVG, and report.html. */
export { buildCharts, paretoFrontier, type Chart, type Json, type VegaLiteSpec } from './charts.js';
export { renderSvg } from './render.js';
export { renderCharts, reportHtml, writeReport, formatMetric, escapeHtml, type RenderedChart, type WrittenReport } from './report.js';
