// opsim dashboard: one small module over the JSON API. Charts come from the server as
// Vega-Lite specs and are drawn with vega-embed (served from node_modules, no CDN). All text
// from the server is inserted with textContent, never as HTML.

/* global vegaEmbed */

const $ = (sel) => document.querySelector(sel);

// A token may be handed over once in the URL fragment (#token=...) and kept for the tab.
const hashParams = new URLSearchParams(location.hash.slice(1));
if (hashParams.get('token')) sessionStorage.setItem('opsim-token', hashParams.get('token'));
const token = sessionStorage.getItem('opsim-token');

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
  for (const k of s.knobs) {
    const input = el('input', { name: k.path, 'data-path': k.path, 'data-default': String(k.value), value: String(k.value), title: k.path });
    if (typeof k.value === 'number') input.type = 'number';
    if (typeof k.value === 'number') input.step = 'any';
    const label = el('label', {}, `${k.label} `, el('span', { class: 'muted' }, k.values ? `(variants: ${k.values.join(', ')})` : ''), input);
    box.append(label);
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

async function loadRuns() {
  const { runs } = await api('/api/runs');
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
    status.className = `status-${r.status}`;
    status.textContent = `${r.status} · ${r.progress.done}/${r.progress.total} replications${r.progress.failed ? ` (${r.progress.failed} failed)` : ''}${r.error ? ` · ${r.error}` : ''}`;
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
    if (currentRun === r.id && r.charts.length > 0) await embedCharts(body, r);
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

// ---- two runs side by side ---------------------------------------------------------------

async function showCompare(a, b) {
  currentRun = null;
  if (stream) stream.close();
  const view = $('#view');
  const [ra, rb] = await Promise.all([api(`/api/runs/${a}`), api(`/api/runs/${b}`)]);
  const grid = el('div', { class: 'compare' });
  view.replaceChildren(el('h2', {}, 'Compare runs'), grid);
  const cols = [ra, rb].map((r) => {
    const col = el('div', { 'data-run': r.id });
    col.append(runHeader(r));
    grid.append(col);
    return col;
  });
  // Charts are paired by name so the same view of both runs sits on one row.
  const names = [...new Set([...ra.charts, ...rb.charts])];
  for (const name of names) {
    for (const [i, r] of [ra, rb].entries()) {
      const slot = el('div', { class: 'chart', 'data-chart': name });
      cols[i].append(slot);
      if (!r.charts.includes(name)) {
        slot.append(el('p', { class: 'muted' }, `no ${name} chart`));
        continue;
      }
      const spec = await api(`/api/runs/${r.id}/charts/${name}?format=vl`);
      spec.width = 420;
      await vegaEmbed(slot, spec, { renderer: 'svg', actions: false, ast: true }); // ast: no eval, as the CSP requires
    }
  }
  view.setAttribute('data-ready', 'true');
}

// ---- routing -----------------------------------------------------------------------------

function route() {
  const p = new URLSearchParams(location.hash.slice(1));
  $('#view').removeAttribute('data-ready');
  if (p.get('run')) return showRun(p.get('run'));
  if (p.get('compare')) {
    const [a, b] = p.get('compare').split(',');
    return showCompare(a, b);
  }
  return undefined;
}

async function start() {
  $('#launch').addEventListener('submit', launch);
  $('#scenario').addEventListener('change', renderKnobs);
  $('#compare-button').addEventListener('click', () => {
    location.hash = `compare=${[...selected].join(',')}`;
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
