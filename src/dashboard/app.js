// opsim dashboard: one small module over the JSON API. Charts come from the server as
// Vega-Lite specs and are drawn with vega-embed (served from node_modules, no CDN). All text
// from the server is inserted with textContent, never as HTML.

/* global vegaEmbed */

// The metric-spec helpers of src/results/metrics.ts (served compiled): labels and SLA roles are
// read exactly as report.html reads them.
import { metricLabel, slaMetrics } from './metrics.js';
// Figures with their units, from src/report/units.ts (served compiled; it imports nothing).
import { formatComparison, formatTogether, formatValue, percent, figureContext, unitLabel } from './units.js';

const $ = (sel) => document.querySelector(sel);

// A token may be handed over once in the URL fragment (#token=...) and kept for the tab.
const hashParams = new URLSearchParams(location.hash.slice(1));
if (hashParams.get('token')) sessionStorage.setItem('opsim-token', hashParams.get('token'));
const token = sessionStorage.getItem('opsim-token');

/**
 * A run's results.json with its metric catalog as today's opsim reads it (the server completes
 * SLA roles and labels an older document lacks), so older runs show their P(met) and labels, and
 * its decision order as the server gives it (`decision`; null, with `decisionError`, when the
 * server could not give one): the page orders variants by it and never decides an order itself.
 */
async function resultsOf(id) {
  const [doc, catalog, decision] = await Promise.all([
    api(`/api/runs/${id}/results`),
    api(`/api/runs/${id}/catalog`),
    api(`/api/runs/${id}/decision`).catch((err) => ({ error: err.message })),
  ]);
  return { ...doc, metrics: catalog.metrics, decision: decision.error === undefined ? decision : null, decisionError: decision.error };
}

async function api(path, init = {}) {
  const headers = { ...(init.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { ...init, headers });
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error(typeof body === 'object' && body.error ? body.error : `HTTP ${res.status}`);
    err.body = body;
    throw err;
  }
  return body;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

// ---- scenarios and the launch form -------------------------------------------------------

let scenarios = [];

/** The scenario section a knob belongs to (its path's first field: teams, services, rooms…), as a heading. */
function knobSection(path) {
  const head = path.split(/[.[]/)[0] || path;
  return head.charAt(0).toUpperCase() + head.slice(1);
}

/** "8 knobs" or "8 knobs, 2 changed", for a group's folded heading. */
function knobCount(inputs) {
  const changed = inputs.filter((i) => i.value !== i.dataset.default).length;
  return `${inputs.length} knob${inputs.length === 1 ? '' : 's'}${changed > 0 ? `, ${changed} changed` : ''}`;
}

/**
 * Every knob of the scenario, grouped by section in the order the server gives them (the
 * variants' levers first), each group folded under a heading that counts its knobs and the
 * changed ones, so a long form hides nothing silently. The first group starts open.
 */
function renderKnobs() {
  const s = scenarios.find((x) => x.name === $('#scenario').value);
  const box = $('#knobs');
  box.replaceChildren(el('legend', {}, 'Knobs'));
  $('#scenario-description').textContent = s ? (s.description || '') : '';
  $('#horizon').placeholder = s && s.horizon !== null ? `${s.horizon} (as in the scenario)` : 'as in the scenario';
  if (!s || s.knobs.length === 0) {
    box.append(el('p', { class: 'muted' }, 'This scenario declares no knobs; it runs as written.'));
    return;
  }
  const groups = new Map();
  for (const k of s.knobs) {
    const name = knobSection(k.path);
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(k);
  }
  box.append(el('p', { class: 'muted', id: 'knob-count' }, `${s.knobs.length} knobs in ${groups.size} group${groups.size === 1 ? '' : 's'}; only changed ones are sent.`));
  let first = true;
  for (const [name, knobs] of groups) {
    const count = el('span', { class: 'muted' });
    const group = el('details', { class: 'knob-group', 'data-section': name }, el('summary', {}, `${name} `, count));
    group.open = first;
    first = false;
    const inputs = [];
    for (const k of knobs) {
      const input = el('input', { name: k.path, 'data-path': k.path, 'data-default': String(k.value), value: String(k.value), title: k.doc ? `${k.path}\n${k.doc}` : k.path });
      if (typeof k.value === 'number') input.type = 'number';
      if (typeof k.value === 'number') input.step = 'any';
      inputs.push(input);
      group.append(el('label', {}, `${k.label} `, el('span', { class: 'muted' }, k.values ? `(variants: ${k.values.join(', ')})` : ''), input));
    }
    const recount = () => {
      count.textContent = `(${knobCount(inputs)})`;
      for (const i of inputs) i.classList.toggle('changed', i.value !== i.dataset.default);
    };
    group.addEventListener('input', recount);
    recount();
    box.append(group);
  }
}

async function loadScenarios() {
  const { scenarios: list } = await api('/api/scenarios');
  scenarios = list.filter((s) => s.errors.length === 0);
  const sel = $('#scenario');
  const previous = sel.value;
  sel.replaceChildren(...scenarios.map((s) => el('option', { value: s.name }, s.title && s.title !== s.name ? `${s.name} — ${s.title}` : s.name)));
  const preferred = scenarios.find((s) => s.name === previous) || scenarios.find((s) => s.name === 'globalmart-peak');
  if (preferred) sel.value = preferred.name;
  renderKnobs();
  fillSearchScenarios();
}

async function launch(ev) {
  ev.preventDefault();
  $('#launch-error').textContent = '';
  const overrides = {};
  for (const input of document.querySelectorAll('#knobs input')) {
    // Only changed knobs are sent: the scenario as written stays the reference.
    // Sent as written: the server parses it like --set.
    if (input.value !== input.dataset.default) overrides[input.dataset.path] = input.value.trim();
  }
  if ($('#horizon').value.trim() !== '') overrides.horizon = $('#horizon').value.trim();
  const body = { scenario: $('#scenario').value, replications: Number($('#replications').value) };
  if (Object.keys(overrides).length > 0) body.overrides = overrides;
  $('#launch-button').disabled = true;
  try {
    const { id } = await api('/api/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    location.hash = `run=${id}`;
    await loadRuns();
  } catch (err) {
    const lines = (err.body && err.body.errors ? err.body.errors : []).map((e) => `${e.path || '(document)'}: ${e.message}`);
    $('#launch-error').textContent = [err.message, ...lines].join('\n');
  } finally {
    $('#launch-button').disabled = false;
  }
}

// ---- runs list ---------------------------------------------------------------------------

const selected = new Set();
/** When each listed run was created, by id (the older of two compared runs is the baseline). */
const created = new Map();

async function loadRuns() {
  const { runs } = await api('/api/runs');
  for (const r of runs) created.set(r.id, r.createdAt);
  const tbody = $('#runs tbody');
  tbody.replaceChildren(
    ...runs.map((r) => {
      const box = el('input', { type: 'checkbox', 'aria-label': `select ${r.id}` });
      box.checked = selected.has(r.id);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(r.id);
        else selected.delete(r.id);
        $('#compare-button').disabled = selected.size !== 2;
      });
      const link = el('a', { onclick: () => (location.hash = `run=${r.id}`) }, r.id.slice(0, 15));
      const pct = r.status === 'running' && r.progress.total > 0 ? ` ${Math.round((100 * r.progress.done) / r.progress.total)} %` : '';
      return el('tr', { 'data-run': r.id, class: currentRun === r.id ? 'selected' : '' }, el('td', {}, box), el('td', {}, link), el('td', {}, r.scenario.name), el('td', { class: `status-${r.status}` }, r.status + pct));
    }),
  );
  $('#compare-button').disabled = selected.size !== 2;
}

// ---- figures with units (from the results document's metric catalog) ----------------------

/**
 * A value in the unit its spec declares (a plain number without a spec: the unit is not
 * guessed), written exactly as report.html and the CLI write it: src/report/units.ts, served
 * compiled.
 */
function fmt(x, unit, horizon = 86400) {
  return x === null || x === undefined ? '—' : formatValue(x, unit, horizon);
}

/** Names in code-unit order, as the CLI and report.html order them (src/results/key-metrics.ts byName): not the browser's locale. */
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Key metrics of a results document in the catalog's order (any metric with a `key`). */
function keyMetricsOf(doc) {
  const cat = doc.metrics || {};
  const seen = (m) => doc.variants.some((v) => v.metrics[m] && v.metrics[m].n > 0);
  return Object.keys(cat).filter((m) => cat[m].key !== undefined && seen(m)).sort((a, b) => cat[a].key - cat[b].key || byName(a, b));
}

/**
 * A metric's row header: its planner-facing label, and below it in small type the name to look
 * for in results.json and the CSV files (the name alone when the spec has no label).
 */
function metricHead(cat, m) {
  const label = metricLabel(cat[m], m);
  const th = el('th', { scope: 'row', title: cat[m] ? `${m}: ${cat[m].doc}` : m });
  if (label === m) th.append(el('code', {}, m));
  else th.append(el('span', { class: 'label' }, label), el('br'), el('code', { class: 'name' }, m));
  return th;
}

/**
 * A mean and its interval, all three in one scale ("[1.67 h, 2.5 h]", never "[100 min, 2.5 h]"):
 * the mean's text, and the interval as a node that may break only between its bounds
 * ("[605 ms," / "612 ms]"), never inside one. A percentage in its metric's precision (`context`:
 * report/units.ts figureContext), as report.html and the CLI summary write it.
 */
function estimate(s, unit, horizon, context) {
  if (!(s.n >= 2 && s.ci95 && s.ci95[0] !== null)) return { mean: s.mean === null ? '—' : formatTogether([s.mean], unit, horizon, context)[0], ci: el('span', { class: 'muted ci' }, 'no CI') };
  const [mean, lo, hi] = formatTogether([s.mean, s.ci95[0], s.ci95[1]], unit, horizon, context);
  return { mean, ci: el('span', { class: 'muted ci' }, el('span', { class: 'nw' }, `[${lo},`), ' ', el('span', { class: 'nw' }, `${hi}]`)) };
}

/** Cell classes of the decision's bands, as report.html colours them. */
const BAND_CLASS = { high: 'good', middle: 'mid', low: 'bad' };

/** The band of a probability by the lines the server gives (report.html's), or none without them. */
function bandOf(p, bands) {
  if (!bands) return null;
  return p >= bands.high ? 'high' : p <= bands.low ? 'low' : 'middle';
}

/**
 * A probability cell: P with its interval and met/n (or n). `band` is the server's (report.html's
 * rule: high from 0.90, low up to 0.50); the dashboard does not draw the lines itself.
 */
function probCell(p, lo, hi, count, band) {
  const ci = Number.isFinite(lo) && Number.isFinite(hi) ? `[${lo.toFixed(2)}, ${hi.toFixed(2)}] ` : '';
  return el('td', { class: BAND_CLASS[band] || '' }, `${p.toFixed(2)} `, el('span', { class: 'muted' }, `${ci}${count}`));
}

/**
 * The variants in the order a planner reads them: the server's decision order (report.html's
 * and `opsim run`'s: worst P(met) band, then the ranking), any variant it does not list after
 * in document order; without a decision order, results.json's ranking (said under the table).
 */
function decisionRows(doc) {
  const d = doc.decision;
  const byName = new Map(doc.variants.map((v) => [v.name, v]));
  if (d) {
    const listed = d.order.map((o) => byName.get(o.variant)).filter(Boolean);
    const rank = new Map(d.order.map((o) => [o.variant, o.rank]));
    return { variants: [...listed, ...doc.variants.filter((v) => !listed.includes(v))], rank };
  }
  const rank = new Map(((doc.ranking && doc.ranking.order) || []).map((o) => [o.variant, o.rank]));
  return { variants: [...doc.variants].sort((a, b) => (rank.get(a.name) || 1e9) - (rank.get(b.name) || 1e9)), rank };
}

/** The numbers of a run: P(met) per SLA and target and of the other verdicts, rank, then every key metric per variant with its interval and n. */
function summaryTables(doc) {
  const box = el('div', { class: 'summary', id: 'run-summary' });
  const said = scenarioWarningsBox(doc);
  if (said) box.append(said);
  const cat = doc.metrics || {};
  const { variants: ranked, rank } = decisionRows(doc);
  const bands = doc.decision ? doc.decision.bands : null;
  // The SLAs and targets judged, as report.html's columns: the decision's list, else the stated SLAs.
  const roles = slaMetrics(cat);
  const judged = doc.decision ? doc.decision.judged : (doc.slas || []).map((b) => ({ name: b.name, metric: roles.get(b.name) && roles.get(b.name).met })).filter((j) => j.metric);
  const judgedMet = new Set(judged.map((j) => j.metric));
  // A target (no stated basis, no error budget: a request class's service level) is headed by its verdict's label, an SLA by its name.
  const isTarget = (j) => !(doc.slas || []).some((b) => b.name === j.name) && !(roles.get(j.name) && roles.get(j.name).error_budget_used);
  // The other 0/1 verdicts some variant observed (e.g. the per-priority incident targets), as in report.html.
  const seen = (m) => doc.variants.some((v) => v.metrics[m] && v.metrics[m].n > 0);
  const flags = Object.keys(cat).filter((m) => cat[m].flag === true && !judgedMet.has(m) && seen(m)).sort();
  // The total cost, as report.html's decision table shows it: mean with its interval in the metric's unit.
  const cost = doc.variants.some((v) => v.metrics['cost.total'] !== undefined) ? 'cost.total' : null;
  const costUnit = cost && cat[cost] && unitLabel(cat[cost].unit, doc.currency) !== '' ? ` (${unitLabel(cat[cost].unit, doc.currency)})` : '';
  if (judged.length > 0 || rank.size > 0) {
    const head = el(
      'tr',
      {},
      el('th', {}, 'rank'),
      el('th', {}, 'variant'),
      ...judged.map((j) => (isTarget(j) ? el('th', { title: cat[j.metric] ? `${j.metric}: ${cat[j.metric].doc}` : j.metric }, `P(${metricLabel(cat[j.metric], j.metric)})`) : el('th', {}, `P(${j.name} met)`))),
      ...flags.map((f) => el('th', { title: `${f}: ${cat[f].doc}` }, `P(${metricLabel(cat[f], f)})`)),
      ...(cost ? [el('th', { title: cat[cost] ? `${cost}: ${cat[cost].doc}` : cost }, `total cost${costUnit}`)] : []),
    );
    const rows = ranked
      .map((v) => {
        const cells = judged.map((j) => {
          const p = (v.slaProbabilities || []).find((x) => x.metric === j.metric);
          if (!p || p.n === 0) return el('td', { class: 'na', title: 'no replication where it could be judged' }, 'not judged');
          return probCell(p.p, p.ci95[0], p.ci95[1], `${p.met}/${p.n}`, bandOf(p.p, bands));
        });
        for (const f of flags) {
          const s = v.metrics[f];
          cells.push(!s || s.n === 0 ? el('td', { class: 'na', title: 'no observation' }, '—') : probCell(s.mean, s.ci95[0], s.ci95[1], `n=${s.n}`, bandOf(s.mean, bands)));
        }
        if (cost) {
          const s = v.metrics[cost];
          if (!s || s.n === 0) cells.push(el('td', { class: 'na' }, '—'));
          else {
            const e = estimate(s, cat[cost] ? cat[cost].unit : undefined, doc.horizonSeconds, figureContext(doc, cost));
            cells.push(el('td', { class: 'cost' }, el('span', { class: 'mean' }, e.mean), ' ', e.ci));
          }
        }
        return el('tr', { 'data-variant': v.name }, el('td', {}, String(rank.get(v.name) || '—')), el('th', {}, v.name), ...cells);
      });
    box.append(el('h3', {}, 'Verdict'), el('table', { class: 'numbers verdict' }, el('thead', {}, head), el('tbody', {}, ...rows)));
    // The rule under the table in report.html's words (the server's), or why the order is results.json's ranking.
    if (doc.decision && doc.decision.rule) box.append(el('p', { class: 'muted', id: 'decision-rule' }, doc.decision.rule));
    else if (!doc.decision && doc.ranking) box.append(el('p', { class: 'error', id: 'decision-rule' }, `ranked by ${metricLabel(cat[doc.ranking.metric], doc.ranking.metric)} (${doc.ranking.metric}) alone, not by the report's decision order: ${doc.decisionError || 'the server gave none'}`));
    for (const b of doc.slas || []) box.append(el('p', { class: 'muted' }, `${b.name}: ${b.statement}`));
  }
  const keys = keyMetricsOf(doc);
  if (keys.length > 0) {
    // Metrics as rows, one column per variant in the verdict's order (best rank first, as in
    // report.html); each cell wraps its interval under the mean, so every variant fits the view
    // (no sideways scrolling) as in report.html.
    const head = el('tr', {}, el('th', {}, 'metric'), ...ranked.map((v) => el('th', {}, v.name)));
    const rows = keys.map((m) => {
      const unit = cat[m] ? cat[m].unit : undefined;
      const cells = ranked.map((v) => {
        const s = v.metrics[m];
        if (!s || s.n === 0) return el('td', { class: 'na' }, '—');
        const e = estimate(s, unit, doc.horizonSeconds, figureContext(doc, m));
        return el('td', { title: `n = ${s.n}` }, el('span', { class: 'mean' }, e.mean), ' ', el('span', { class: 'muted' }, `n=${s.n}`), e.ci);
      });
      return el('tr', { 'data-metric': m }, metricHead(cat, m), ...cells);
    });
    box.append(el('h3', {}, 'Key metrics (mean, 95 % interval, n)'), el('table', { class: 'numbers key-metrics' }, el('thead', {}, head), el('tbody', {}, ...rows)));
  }
  const warnings = warningsBox(doc, cat);
  if (warnings) box.append(warnings);
  return box;
}

/**
 * The warnings (imprecision left out: the precision figures say it), folded as report.html
 * folds them: counted by kind in the title; inside, per kind, its count, first and last
 * message and each metric once by label, every message in a fold of its own.
 */
function warningsBox(doc, cat) {
  const warnings = (doc.warnings || []).filter((w) => w.kind !== 'imprecise');
  if (warnings.length === 0) return null;
  const kinds = [...new Set(warnings.map((w) => w.kind))];
  const byKind = new Map(kinds.map((k) => [k, warnings.filter((w) => w.kind === k)]));
  const counts = kinds.map((k) => `${byKind.get(k).length} ${k}`).join(', ');
  const det = el('details', { class: 'warnings', id: 'run-warnings' }, el('summary', {}, `${warnings.length} warning${warnings.length === 1 ? '' : 's'} about these figures: ${counts}`));
  for (const [kind, list] of byKind) {
    const metrics = [...new Set(list.map((w) => w.metric).filter((m) => m))];
    const part = el('div', { class: 'wkind', 'data-kind': kind }, el('p', {}, el('strong', {}, `${list.length} ${kind}`), `: ${list[0].message}`));
    if (list.length > 1) part.append(el('p', { class: 'muted' }, `last: ${list[list.length - 1].message}`));
    if (metrics.length > 1) part.append(el('p', {}, metrics.map((m) => metricLabel(cat[m], m)).join(' · ')));
    if (list.length > 2) part.append(el('details', {}, el('summary', {}, `all ${list.length} messages`), el('ul', {}, ...list.map((w) => el('li', {}, w.message)))));
    det.append(part);
  }
  return det;
}

/**
 * What opsim validate and opsim run said about the scenario as planned (results.json
 * `scenarioWarnings`: an overloaded service or team), above the figures as in report.html, each
 * with the file, line:column and field where the planner would change it.
 */
function scenarioWarningsBox(doc) {
  const said = doc.scenarioWarnings || [];
  if (said.length === 0) return null;
  const where = (w) => `${w.file || '(inline)'}${w.line !== null && w.line !== undefined ? `:${w.line}:${w.column ?? ''}` : ''} `;
  return el(
    'div',
    { class: 'scenario-warnings', id: 'run-scenario-warnings' },
    el('h3', {}, `The scenario as planned has ${said.length === 1 ? 'a warning' : `${said.length} warnings`} (the run went ahead)`),
    el('ul', {}, ...said.map((w) => el('li', {}, `${w.message} `, el('span', { class: 'muted' }, '(', where(w), el('code', {}, w.path), ')')))),
  );
}

/** Failed replications, in red, each with its seed and error. */
function failuresBox(failures) {
  if (!failures || failures.length === 0) return null;
  const box = el('div', { class: 'failures', id: 'run-failures' });
  box.append(el('h3', {}, `${failures.length} replication(s) failed`));
  box.append(el('ul', {}, ...failures.slice(0, 20).map((f) => el('li', {}, `${f.variant} #${f.replication} (seed ${f.seed}): ${String(f.error).split('\n')[0]}`))));
  return box;
}

/** "about 2 min left" from the progress so far, or '' when it cannot be told yet. */
function eta(r) {
  if (r.status !== 'running' || !r.startedAt || !(r.progress.done > 0) || r.progress.total <= r.progress.done) return '';
  const elapsed = (Date.now() - Date.parse(r.startedAt)) / 1000;
  const left = (elapsed / r.progress.done) * (r.progress.total - r.progress.done);
  if (!Number.isFinite(left)) return '';
  return left < 90 ? ` · about ${Math.max(1, Math.round(left))} s left` : ` · about ${Math.round(left / 60)} min left`;
}

// ---- one run -----------------------------------------------------------------------------

let currentRun = null;
let stream = null;

async function embedCharts(container, run) {
  const box = el('div', { class: 'charts' });
  container.append(box);
  for (const name of run.charts) {
    const slot = el('div', { class: 'chart', 'data-chart': name });
    box.append(slot);
    try {
      const spec = await api(`/api/runs/${run.id}/charts/${name}?format=vl`);
      // SVG keeps the marks in the DOM, which is what the end-to-end test inspects.
      await vegaEmbed(slot, spec, { renderer: 'svg', actions: false, ast: true }); // ast: no eval, as the CSP requires
    } catch (err) {
      slot.append(el('p', { class: 'error' }, `${name}: ${err.message}`));
    }
  }
}

function runHeader(run) {
  const head = el('div', { class: 'run-head' });
  head.append(el('h2', {}, `Run ${run.id}`));
  const req = run.request || {};
  const knobs = Object.entries(req.overrides || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  head.append(el('p', { class: 'muted' }, `${run.scenario.name} · ${req.replications ? `${req.replications} replications` : 'scenario replications'}${knobs ? ` · ${knobs}` : ''}`));
  return head;
}

async function showRun(id) {
  currentRun = id;
  if (stream) stream.close();
  stream = null;
  const view = $('#view');
  let run;
  try {
    run = await api(`/api/runs/${id}`);
  } catch (err) {
    view.replaceChildren(el('p', { class: 'error' }, err.message));
    return;
  }
  const status = el('p', { id: 'run-status', class: `status-${run.status}` });
  const bar = el('progress', { id: 'run-progress', max: '1', value: '0' });
  const actions = el('p');
  const body = el('div', { id: 'run-body', 'data-run': id });
  view.replaceChildren(runHeader(run), status, bar, actions, body);
  const update = (r) => {
    // A run that finished with failed replications is not plain green: its figures rest on fewer replications.
    status.className = r.status === 'done' && r.progress.failed > 0 ? 'status-partial' : `status-${r.status}`;
    status.textContent = `${r.status} · ${r.progress.done}/${r.progress.total} replications${r.progress.failed ? ` (${r.progress.failed} failed)` : ''}${eta(r)}${r.error ? ` · ${r.error}` : ''}`;
    bar.max = Math.max(1, r.progress.total);
    bar.value = r.status === 'done' ? bar.max : r.progress.done;
    actions.replaceChildren();
    if (r.status === 'queued' || r.status === 'running') {
      actions.append(el('button', { type: 'button', onclick: () => api(`/api/runs/${r.id}`, { method: 'DELETE' }).catch(() => {}) }, 'Cancel'));
    }
    if (r.hasResults) actions.append(el('a', { href: `/api/runs/${r.id}/report`, target: '_blank' }, 'report.html'), ' ', el('a', { href: `/api/runs/${r.id}/results`, target: '_blank' }, 'results.json'));
  };
  update(run);
  const finish = async (r) => {
    update(r);
    await loadRuns();
    if (currentRun !== r.id) return;
    if (r.hasResults) {
      try {
        const doc = await resultsOf(r.id);
        const failed = failuresBox(doc.failures);
        if (failed) body.append(failed);
        body.append(summaryTables(doc));
      } catch (err) {
        body.append(el('p', { class: 'error' }, `results: ${err.message}`));
      }
    } else if (r.error) {
      body.append(el('div', { class: 'failures', id: 'run-failures' }, el('h3', {}, 'The run failed'), el('p', {}, r.error)));
    }
    if (r.charts.length > 0) await embedCharts(body, r);
    body.setAttribute('data-ready', 'true');
  };
  if (['done', 'failed', 'cancelled'].includes(run.status)) {
    await finish(run);
    return;
  }
  const url = `/api/runs/${id}/events${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  stream = new EventSource(url);
  const onEvent = (e) => update(JSON.parse(e.data));
  stream.addEventListener('status', onEvent);
  stream.addEventListener('progress', onEvent);
  stream.addEventListener('done', (e) => {
    stream.close();
    stream = null;
    void finish(JSON.parse(e.data));
  });
}

// ---- two runs compared -------------------------------------------------------------------

/**
 * Two runs: the comparison `opsim compare` makes (GET /api/compare, the same JSON as
 * `opsim compare --json`: every shared variant, a verdict per metric from a paired or Welch
 * test), then their charts side by side. `force` asks for a comparison the server refused
 * (different scenarios, horizons…), as --force; its notes then say what differs.
 */
async function showCompare(a, b, force) {
  currentRun = null;
  if (stream) stream.close();
  stream = null;
  const view = $('#view');
  // Another view (or this one again) routed while an answer was on its way: it owns the page then.
  const seq = viewSeq;
  const stale = () => seq !== viewSeq;
  let ra;
  let rb;
  try {
    [ra, rb] = await Promise.all([api(`/api/runs/${a}`), api(`/api/runs/${b}`)]);
  } catch (err) {
    if (stale()) return;
    view.replaceChildren(el('h2', {}, 'Compare runs'), el('p', { class: 'error' }, err.message));
    view.setAttribute('data-ready', 'true');
    return;
  }
  if (stale()) return;
  const swap = el('a', { id: 'compare-swap', onclick: () => (location.hash = `compare=${b},${a}`) }, 'swap baseline and current');
  const grid = el('div', { class: 'compare' });
  // What each run was asked for: the settings a planner changed are what the verdicts are about.
  const asked = (r) => {
    const set = Object.entries((r.request && r.request.overrides) || {}).map(([k, v]) => `${k}=${v}`);
    return `${r.id} (${r.scenario.name}${set.length > 0 ? `; ${set.join(', ')}` : ', as written'})`;
  };
  view.replaceChildren(el('h2', {}, 'Compare runs'), el('p', { class: 'muted', id: 'compare-runs' }, `baseline ${asked(ra)} · current ${asked(rb)} · `, swap), grid);
  const box = await comparisonBox(ra, rb, force);
  if (stale()) return;
  view.insertBefore(box, grid);
  const cols = [ra, rb].map((r, i) => {
    const col = el('div', { 'data-run': r.id });
    col.append(el('p', { class: 'muted' }, i === 0 ? 'baseline' : 'current'), runHeader(r));
    grid.append(col);
    return col;
  });
  // Charts are paired by name so the same view of both runs sits on one row, on one y scale.
  const names = [...new Set([...ra.charts, ...rb.charts])];
  for (const name of names) {
    const specs = await Promise.all([ra, rb].map((r) => (r.charts.includes(name) ? api(`/api/runs/${r.id}/charts/${name}?format=vl`) : null)));
    if (stale()) return;
    shareScales(specs.filter(Boolean));
    for (const [i, spec] of specs.entries()) {
      const slot = el('div', { class: 'chart', 'data-chart': name });
      cols[i].append(slot);
      if (!spec) {
        slot.append(el('p', { class: 'muted' }, `no ${name} chart`));
        continue;
      }
      spec.width = 420;
      await vegaEmbed(slot, spec, { renderer: 'svg', actions: false, ast: true }); // ast: no eval, as the CSP requires
    }
  }
  view.setAttribute('data-ready', 'true');
}

/**
 * Puts the band charts of both runs (layers plotting `mean`, `lo`, `hi` on y) on one y domain,
 * so equal heights mean equal values. Charts of other shapes keep their own scales.
 */
function shareScales(specs) {
  if (specs.length < 2) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of specs) {
    const values = (s.data && s.data.values) || [];
    if (!Array.isArray(s.layer) || values.length === 0 || !('mean' in values[0])) return;
    for (const v of values) for (const k of ['mean', 'lo', 'hi']) if (typeof v[k] === 'number') (lo = Math.min(lo, v[k])), (hi = Math.max(hi, v[k]));
  }
  if (!(hi >= lo)) return;
  for (const s of specs) {
    for (const layer of s.layer) {
      const y = layer.encoding && layer.encoding.y;
      if (!y || !['mean', 'lo'].includes(y.field)) continue;
      const fixed = y.scale && Array.isArray(y.scale.domain) ? y.scale.domain : null;
      y.scale = { ...(y.scale || {}), domain: fixed ? [Math.min(fixed[0], lo), Math.max(fixed[1], hi)] : [Math.min(0, lo), hi] };
      delete y.scale.zero;
      delete y.scale.domainMin;
    }
  }
}

/** Verdicts in the order a planner reads them: what moved for the worse first, what nobody can tell next. */
const VERDICT_ORDER = ['regression', 'inconclusive', 'improvement', 'changed', 'within-tolerance', 'unchanged'];
/** Only a verdict is coloured (never a raw difference): red a regression, amber inconclusive, green an improvement. */
const VERDICT_CLASS = { regression: 'bad', inconclusive: 'mid', improvement: 'good' };

/** "+12.3%" / "−4.0%" as `opsim compare` writes a change (null: the baseline was 0 and the value moved). */
function changeText(pct) {
  return pct === null || !Number.isFinite(pct) ? '—' : `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

/** `"a", "b"` */
const quoted = (names) => names.map((n) => `"${n}"`).join(', ');

/**
 * The comparison of two runs as a planner reads it: the gate's verdict over all variants, what
 * was not compared and why, the notes (different seeds, scenarios, horizons…), then one section
 * per shared variant. A refused comparison is said in words, with the way to compare anyway when
 * there is one.
 */
async function comparisonBox(ra, rb, force) {
  const box = el('div', { class: 'summary', id: 'compare-verdicts' });
  let report;
  try {
    report = await api(`/api/compare?baseline=${encodeURIComponent(ra.id)}&current=${encodeURIComponent(rb.id)}${force ? '&force=true' : ''}`);
  } catch (err) {
    const refused = el('div', { class: 'failures', id: 'compare-refused' }, el('h3', {}, 'These runs were not compared'), el('p', {}, err.message));
    if (err.body && err.body.problem === 'mismatch' && !force) {
      refused.append(el('button', { type: 'button', id: 'compare-force', onclick: () => (location.hash = `compare=${ra.id},${rb.id}&force=1`) }, 'Compare anyway (as --force: the notes say what differs)'));
    }
    box.append(refused);
    return box;
  }
  const [catA, catB] = await Promise.all([ra, rb].map((r) => api(`/api/runs/${r.id}/catalog`).then((c) => c.metrics, () => ({}))));
  // Labels and units as `opsim compare` reads them: the current run's catalog, else the baseline's.
  const spec = (m) => catB[m] || catA[m];
  const label = (m) => metricLabel(spec(m), m);
  const key = (m) => (spec(m) && spec(m).key !== undefined ? spec(m).key : Infinity);
  const n = report.sections.length;
  const regressed = report.sections.filter((s) => s.regressions > 0).map((s) => s.currentVariant);
  const open = report.sections.filter((s) => s.inconclusive > 0).map((s) => s.currentVariant);
  const headline = `${n} variant${n === 1 ? '' : 's'} compared: ${report.regressions === 0 ? 'no regression' : `${report.regressions} regression${report.regressions === 1 ? '' : 's'} (${quoted(regressed)})`}${report.inconclusive === 0 ? '' : `, ${report.inconclusive} inconclusive (${quoted(open)})`}`;
  box.append(el('p', { id: 'compare-headline', class: `headline ${report.regressions > 0 ? 'bad' : report.inconclusive > 0 ? 'mid' : ''}` }, headline));
  // Notes every section carries (e.g. the seeds differ) are said once, here.
  const common = report.sections[0].notes.filter((x) => report.sections.every((s) => s.notes.includes(x)));
  const said = [
    ...(report.notSelected.length > 0 ? [`not compared: ${quoted(report.notSelected)}`] : []),
    ...(report.onlyInCurrent.length > 0 ? [`not compared: new in the current run (not in the baseline): ${quoted(report.onlyInCurrent)}`] : []),
    ...(report.onlyInBaseline.length > 0 ? [`not compared: missing from the current run: ${quoted(report.onlyInBaseline)}`] : []),
    ...[...report.notes, ...common.filter((x) => !report.notes.includes(x))].map((x) => `note: ${x}`),
  ];
  if (said.length > 0) box.append(el('ul', { class: 'compare-notes', id: 'compare-notes' }, ...said.map((x) => el('li', {}, x))));
  for (const s of report.sections) box.append(variantSection(s, common, { label, key, unit: (m) => spec(m) && spec(m).unit }));
  return box;
}

/**
 * One variant's comparison: what was compared, the test, then its metrics: every verdict that
 * moved or cannot be told and every key metric in a table, the rest (unchanged or within the
 * tolerance) folded beneath it.
 */
function variantSection(s, common, words) {
  const same = s.baselineVariant === s.currentVariant;
  const sec = el('section', { class: 'compare-variant', 'data-variant': s.currentVariant });
  sec.append(el('h3', {}, same ? `variant ${s.currentVariant}` : `baseline variant ${s.baselineVariant} against current variant ${s.currentVariant}`));
  const runOf = (c) => `${c.replications} replication${c.replications === 1 ? '' : 's'}, seed "${c.seed}"`;
  const test = `${s.paired ? 'paired t-test (same seed and replications)' : 'Welch t-test'}${s.verdicts.some((v) => v.scale === 'log') ? ' (on log values for positive metrics: "log")' : ''}, tolerance ${s.tolerancePct}%`;
  const count = (w) => s.verdicts.filter((v) => v.verdict === w).length;
  const tally = [['regression', 'regression'], ['inconclusive', 'inconclusive'], ['improvement', 'improvement'], ['changed', 'changed (no better direction)']].filter(([w]) => count(w) > 0).map(([w, text]) => `${count(w)} ${text}${count(w) === 1 || w !== 'regression' && w !== 'improvement' ? '' : 's'}`);
  sec.append(
    el('p', {}, el('strong', { class: VERDICT_CLASS[s.regressions > 0 ? 'regression' : s.inconclusive > 0 ? 'inconclusive' : ''] || '' }, tally.length > 0 ? tally.join(' · ') : 'no change beyond the tolerance'), ` — ${test}`),
    el('p', { class: 'muted' }, `baseline ${runOf(s.baseline)}; current ${runOf(s.current)}`),
  );
  for (const x of s.notes.filter((x) => !common.includes(x))) sec.append(el('p', { class: 'muted' }, `note: ${x}`));
  const horizon = s.current.horizonSeconds ?? undefined;
  const rowOf = (v) => {
    // A metric observed in one run only has no mean on the other side: "—", never a difference from 0.
    const oneSided = v.baselineMean === null || v.currentMean === null;
    const [b0, c0, d0] = formatComparison(v.baselineMean ?? NaN, v.currentMean ?? NaN, words.unit(v.metric), horizon);
    const [b, c, d] = [v.baselineMean === null ? '—' : b0, v.currentMean === null ? '—' : c0, oneSided ? '—' : d0];
    const m = v.metric;
    const name = words.label(m) === m ? el('code', {}, m) : el('span', {}, el('span', { class: 'label' }, words.label(m)), el('br'), el('code', { class: 'name' }, m));
    const verdict = v.verdict.replace('-', ' ');
    const decide = v.verdict === 'inconclusive' && v.replicationsToDecide !== null ? el('span', { class: 'muted' }, `about ${v.replicationsToDecide} replications per run would decide it`) : '';
    return el(
      'tr',
      { 'data-metric': m, 'data-verdict': v.verdict },
      el('th', { scope: 'row' }, name),
      el('td', {}, v.direction),
      el('td', {}, b),
      el('td', {}, c),
      el('td', {}, d),
      el('td', {}, changeText(v.changePct)),
      el('td', {}, v.scale === 'log' ? `${v.test} log` : v.test),
      el('td', {}, v.p === null ? '-' : v.p < 1e-4 ? '<1e-4' : v.p.toFixed(4)),
      el('td', { class: `verdict ${VERDICT_CLASS[v.verdict] || ''}` }, verdict, decide),
    );
  };
  const table = (list) => el('table', { class: 'numbers compare-table' }, el('thead', {}, el('tr', {}, ...['metric', 'better', 'baseline', 'current', 'difference', 'change', 'test', 'p', 'verdict'].map((h) => el('th', {}, h)))), el('tbody', {}, ...list.map(rowOf)));
  const quiet = (v) => v.verdict === 'unchanged' || v.verdict === 'within-tolerance';
  const sorted = [...s.verdicts].sort((x, y) => VERDICT_ORDER.indexOf(x.verdict) - VERDICT_ORDER.indexOf(y.verdict) || words.key(x.metric) - words.key(y.metric) || byName(x.metric, y.metric));
  const shown = sorted.filter((v) => !quiet(v) || words.key(v.metric) !== Infinity);
  const folded = sorted.filter((v) => !shown.includes(v));
  if (shown.length > 0) sec.append(table(shown));
  if (folded.length > 0) sec.append(el('details', { class: 'compare-rest' }, el('summary', {}, `${folded.length} other metric${folded.length === 1 ? '' : 's'}: unchanged or within the tolerance`), table(folded)));
  const named = (list) => list.map((m) => (words.label(m) === m ? m : `${words.label(m)} (${m})`)).join(', ');
  if (s.skipped.length > 0) sec.append(el('p', { class: 'muted' }, `not tested (no observations in either run): ${named(s.skipped)}`));
  if (s.missingFromCurrent.length > 0) sec.append(el('p', { class: 'muted' }, `missing from the current run: ${named(s.missingFromCurrent)}`));
  if (s.missingFromBaseline.length > 0) sec.append(el('p', { class: 'muted' }, `new in the current run (not in the baseline): ${named(s.missingFromBaseline)}`));
  return sec;
}

// ---- policy search -----------------------------------------------------------------------

let currentSearch = null;

function fillSearchScenarios() {
  const sel = $('#search-scenario');
  const previous = sel.value;
  // Scenarios with a search: section first; any other stays selectable, and the server says why it refuses it.
  const group = (label, list) => el('optgroup', { label }, ...list.map((s) => el('option', { value: s.name }, s.name)));
  const withSearch = scenarios.filter((s) => s.search);
  sel.replaceChildren(group('with a search: section', withSearch), group('without one', scenarios.filter((s) => !s.search)));
  const preferred = scenarios.find((s) => s.name === previous) || withSearch[0];
  if (preferred) sel.value = preferred.name;
}

async function launchSearch(ev) {
  ev.preventDefault();
  $('#search-error').textContent = '';
  const body = { scenario: $('#search-scenario').value };
  const budget = $('#search-budget').value.trim();
  if (budget !== '') body.budget = Number(budget);
  try {
    const r = await api('/api/searches', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    location.hash = `search=${r.id}`;
  } catch (err) {
    const list = err.body && Array.isArray(err.body.errors) ? err.body.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`) : [];
    $('#search-error').textContent = [err.message, ...list].join('\n');
  }
}

function num(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1000 || Number.isInteger(x)) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(4)));
}

function decisionCell(d, text = d) {
  return el('td', { class: d === 'feasible' ? 'good' : d === 'infeasible' ? 'bad' : 'mid' }, text);
}

/** The candidates a search checked: all but those its budget could not start. */
function ran(doc) {
  return doc.candidates.filter((c) => c.undecidedReason !== 'not-started');
}

function spendBars(doc) {
  const used = doc.replications.used;
  const grid = doc.replications.grid.atLeast;
  const max = Math.max(used, grid, 1);
  const row = (label, v, cls) => {
    const fill = el('span', { class: `bar ${cls}` });
    fill.style.width = `${((100 * v) / max).toFixed(1)}%`;
    return el('div', { class: 'spend-row' }, el('span', { class: 'spend-label' }, label), el('span', { class: 'spend-track' }, fill), el('span', { class: 'spend-value' }, num(v)));
  };
  const box = el('div', { class: 'spend', id: 'search-spend' });
  box.append(
    row(`search (${ran(doc).length} policies)`, used, 'search'),
    row(`exhaustive grid (${doc.replications.grid.points} policies), at least`, grid, 'grid'),
    el('p', { class: 'muted' }, `${num(used)} replications used (${num(doc.replications.simulated)} simulated, ${num(doc.replications.reused)} reused) — ${grid > 0 ? `${Math.round((100 * used) / grid)} %` : '—'} of the least an exhaustive grid at the same confidence needs.`),
  );
  return box;
}

/**
 * A search constraint in the planner's words, as report.html writes it (src/search/words.ts):
 * its metric's label from the document (`constraintSpecs[].label`, with the bound of a chance
 * constraint on one) and its figures in the metric's unit; a document without labels shows
 * the names and plain numbers.
 */
function constraintWords(c) {
  const bounded = /^(.*)(>=|<=)(-?[0-9.e+-]+)$/.exec(c.metric);
  const bound = bounded ? ` ${bounded[2] === '>=' ? '≥' : '≤'} ${formatValue(Number(bounded[3]), c.unit)}` : '';
  const label = c.label ? c.label + bound : null;
  const figures = c.kind === 'chance' ? (xs) => xs.map((x) => (x === null ? '—' : percent(x))) : (xs) => (c.unit ? formatTogether(xs.map((x) => (x === null ? NaN : x)), c.unit) : xs.map(num));
  return { label, text: label ? `${label} (${c.metric})` : c.metric, figures };
}

/** The search document, answer first. */
function searchView(doc) {
  const box = el('div', { class: 'search-doc' });
  const a = doc.answer;
  const cls = doc.status === 'certified' ? 'good' : doc.status === 'feasible' ? 'mid' : 'bad';
  const head = el('div', { class: `search-answer ${cls}`, id: 'search-answer' });
  if (a) head.append(el('strong', {}, a.candidate), ` · ${doc.selection ? 'known cost' : 'cost'} ${num(a.cost)} · ${doc.status}`);
  head.append(el('p', {}, doc.summary));
  box.append(head);
  if (a) box.append(el('p', { class: 'muted' }, Object.entries(a.settings).map(([k, v]) => `${k} = ${v}`).join(' · ')));
  if (doc.misses && doc.misses.length > 0) box.append(el('div', { class: 'failures' }, el('h3', {}, 'The best found misses'), el('ul', {}, ...doc.misses.map((m) => el('li', {}, m)))));
  if (doc.cheaperNeighbours.length > 0) {
    box.append(el('h3', {}, 'What each one-step-cheaper policy missed'));
    const t = el('table', { class: 'numbers search-neighbours', id: 'search-neighbours' });
    t.append(el('thead', {}, el('tr', {}, ...['policy', 'cost', 'saves', 'decision'].map((h) => el('th', {}, h)), el('th', { class: 'missed' }, 'what it missed (estimate [95 % CI], observations)'))));
    const tb = el('tbody');
    for (const n of doc.cheaperNeighbours) {
      const dearer = n.decision === 'feasible' && doc.selection;
      tb.append(el('tr', {}, el('td', {}, n.candidate), el('td', {}, num(n.cost)), el('td', {}, a ? num(a.cost - n.cost) : '—'), dearer ? decisionCell('undecided', 'feasible, dearer in expectation') : decisionCell(n.decision), el('td', { class: 'missed' }, el('ul', {}, ...n.missed.map((m) => el('li', {}, m))))));
    }
    t.append(tb);
    box.append(el('div', { class: 'summary' }, t));
  }
  if (doc.selection) {
    const sel = doc.selection;
    box.append(el('h3', {}, `Lowest expected total cost among the certified-feasible (${sel.decision})`));
    const t = el('table', { class: 'numbers' });
    t.append(el('thead', {}, el('tr', {}, ...['policy', 'known cost', 'expected total cost [95 % CI]', 'n', 'eliminated'].map((h) => el('th', {}, h)))));
    const tb = el('tbody');
    for (const x of [...sel.systems].sort((p, q) => p.expectedCost - q.expectedCost)) {
      tb.append(el('tr', x.candidate === sel.best ? { class: 'chosen' } : {}, el('td', {}, x.candidate), el('td', {}, num(x.knownCost)), el('td', {}, `${num(x.expectedCost)} [${num(x.ci95[0])}, ${num(x.ci95[1])}]`), el('td', {}, String(x.n)), el('td', {}, x.eliminatedBy ? `at n = ${x.eliminatedAt} by ${x.eliminatedBy}` : '')));
    }
    t.append(tb);
    box.append(t, el('p', { class: 'muted' }, `${sel.procedure}; α = ${num(sel.alpha)}, δ = ${num(sel.delta)}, n0 = ${sel.initialReplications}`));
  }
  box.append(el('h3', {}, 'Replications spent'), spendBars(doc));
  const p = doc.procedure;
  const words = new Map(p.constraintSpecs.map((c) => [c.name, constraintWords(c)]));
  const t = el('table', { class: 'numbers', id: 'search-candidates' });
  // Each constraint's column: its name, its metric's label beneath, the metric's name in the tooltip.
  const constraintHead = (c) => {
    const w = words.get(c.name);
    const th = el('th', { title: w.text }, c.name);
    if (w.label) th.append(el('br'), el('span', { class: 'muted' }, w.label));
    return th;
  };
  t.append(el('thead', {}, el('tr', {}, ...['policy', 'cost', 'role', 'decision', 'reps'].map((h) => el('th', {}, h)), ...p.constraintSpecs.map(constraintHead))));
  const tb = el('tbody');
  for (const c of [...doc.candidates].sort((x, y) => x.cost - y.cost)) {
    const cells = p.constraintSpecs.map((spec) => {
      const k = c.constraints.find((x) => x.constraint === spec.name);
      if (!k) return el('td', { class: 'na' }, '—');
      const [est, lo, hi] = words.get(spec.name).figures([k.estimate, k.ci95[0], k.ci95[1]]);
      return decisionCell(k.decision, `${k.decision === 'feasible' ? '✓' : k.decision === 'infeasible' ? '✗' : '?'} ${est} [${lo}, ${hi}]`);
    });
    tb.append(el('tr', a && c.name === a.candidate ? { class: 'chosen' } : {}, el('td', {}, c.name), el('td', {}, num(c.cost)), el('td', {}, c.role + (c.level === 'probe' && c.undecidedReason !== 'not-started' ? " (decided at the probes' β)" : '')), decisionCell(c.decision, c.undecidedReason === undefined ? c.decision : `undecided (${c.undecidedReason === 'not-started' ? (c.reserve ? `not started: budget kept for the certificate of ${c.reserve.for}` : 'not started: budget') : c.undecidedReason})`), el('td', {}, String(c.replications)), ...cells));
  }
  t.append(tb);
  const details = el('details', {}, el('summary', {}, `The certificate: ${ran(doc).length} of ${doc.replications.grid.points} policies checked at ${Math.round(p.confidence * 1000) / 10} % confidence for all decisions together`));
  details.append(el('div', { class: 'summary' }, t), el('p', { class: 'muted' }, `α = ${num(p.alpha)} over K = ${p.candidatesCovered} policies × ${p.constraints} constraint(s), β = ${num(p.beta)} per decision${p.probeBeta > p.beta ? ` (the descent's probes at β = ${num(p.probeBeta)}; the chosen policy and its cheaper neighbours at the full β)` : ''}; ${p.mean}; ${p.chance}; n0 = ${p.initialReplications}, batch ${p.batch}, cap ${p.maxReplications}; descent: ${p.descent}.`));
  box.append(details);
  return box;
}

async function showSearch(id) {
  currentRun = null;
  currentSearch = id;
  if (stream) stream.close();
  stream = null;
  const view = $('#view');
  let job;
  try {
    job = await api(`/api/searches/${id}`);
  } catch (err) {
    view.replaceChildren(el('p', { class: 'error' }, err.message));
    return;
  }
  const status = el('p', { id: 'search-status' });
  const bar = el('progress', { id: 'search-progress', max: '1', value: '0' });
  const body = el('div', { id: 'search-body', 'data-search': id });
  // Stopping keeps what the search decided: it ends "cancelled" with its document.
  const stop = el('button', { type: 'button', id: 'search-stop', title: 'Stop the search; what it decided so far is kept' }, 'Stop');
  stop.addEventListener('click', async () => {
    stop.disabled = true;
    try {
      await api(`/api/searches/${id}`, { method: 'DELETE' });
    } catch (err) {
      status.textContent += ` · ${err.message}`;
    }
  });
  view.replaceChildren(el('h2', {}, 'Policy search'), status, bar, ...(job.status === 'running' ? [stop] : []), body);
  const update = (j) => {
    const p = j.progress;
    status.className = `status-${j.status}`;
    status.textContent = `${j.status}${p ? ` · ${p.simulated}/${p.budget} replications simulated · ${p.decided}/${p.candidates} policies decided` : ''}${j.error ? ` · ${j.error}` : ''}`;
    bar.max = p ? Math.max(1, p.budget) : 1;
    bar.value = j.status === 'done' ? bar.max : p ? p.simulated : 0;
  };
  const finish = (j) => {
    update(j);
    stop.remove();
    if (currentSearch !== j.id) return;
    if (j.document) body.append(searchView(j.document));
    else if (j.error) body.append(el('div', { class: 'failures' }, el('h3', {}, 'The search failed'), el('p', {}, j.error)));
    view.setAttribute('data-ready', 'true');
  };
  update(job);
  if (job.status !== 'running') {
    finish(job);
    return;
  }
  stream = new EventSource(`/api/searches/${id}/events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  stream.addEventListener('progress', (e) => update(JSON.parse(e.data)));
  stream.addEventListener('done', (e) => {
    stream.close();
    stream = null;
    finish(JSON.parse(e.data));
  });
}

// ---- routing -----------------------------------------------------------------------------

/** Counts routings, so a view whose answers arrive after the next routing leaves the page alone. */
let viewSeq = 0;

function route() {
  viewSeq++;
  const p = new URLSearchParams(location.hash.slice(1));
  $('#view').removeAttribute('data-ready');
  currentSearch = null;
  if (p.get('search')) return showSearch(p.get('search'));
  if (p.get('run')) return showRun(p.get('run'));
  if (p.get('compare')) {
    const [a, b] = p.get('compare').split(',');
    return showCompare(a, b, p.get('force') === '1');
  }
  return undefined;
}

async function start() {
  $('#launch').addEventListener('submit', launch);
  $('#search-form').addEventListener('submit', launchSearch);
  $('#scenario').addEventListener('change', renderKnobs);
  // The older run is the baseline (swap it in the view).
  $('#compare-button').addEventListener('click', () => {
    location.hash = `compare=${[...selected].sort((x, y) => (created.get(x) || '').localeCompare(created.get(y) || '') || byName(x, y)).join(',')}`;
  });
  window.addEventListener('hashchange', () => void route());
  try {
    const st = await api('/api/status');
    $('#server-status').textContent = `v${st.version} · ${st.running} running, ${st.queued} queued`;
    await Promise.all([loadScenarios(), loadRuns()]);
    await route();
  } catch (err) {
    $('#view').replaceChildren(el('p', { class: 'error' }, `Cannot reach the opsim API: ${err.message}`));
  }
}

void start();
