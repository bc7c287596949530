// The review UI: a keyset-paged gallery over the manifest with keyboard triage, a detail view and
// live thresholds. Plain ES module, no build step; every write goes to the server at once.

const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

const state = {
  config: null,
  /** Cursors of the pages seen: cursors[i] starts page i (null = first). */
  cursors: [null],
  page: 0,
  next: null,
  total: null,
  tiles: [],
  focus: 0,
  detailOpen: false,
  previewActive: false,
  /** Threshold paths the user changed → value (null for "backend default"). */
  edits: new Map(),
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

let toastTimer = 0;
function toast(text, isError = false) {
  const t = $('toast');
  t.textContent = text;
  t.className = `show${isError ? ' error' : ''}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.className = ''), isError ? 5000 : 1800);
}

async function api(path, options = {}) {
  const init = { ...options, headers: { accept: 'application/json' } };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers['content-type'] = 'application/json';
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

const fmt = (v, digits = 2) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));
const decisionOf = (t) => (t.kept ? 'keep' : 'reject');

// ---- counts -------------------------------------------------------------------------------------

function showCounts(c) {
  const reasons = Object.entries(c.byReason)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  const box = $('counts');
  box.replaceChildren(
    el('span', {}, el('b', { text: c.total }), ' files · '),
    el('span', { class: 'keep' }, el('b', { id: 'count-kept', text: c.kept }), ' kept · '),
    el('span', { class: 'reject' }, el('b', { id: 'count-rejected', text: c.rejected }), ' rejected · '),
    el(
      'span',
      {},
      'overrides ',
      el('b', { id: 'count-overrides', text: c.overrides.keep + c.overrides.reject }),
      ` (${c.overrides.keep} keep, ${c.overrides.reject} reject)`,
    ),
    el('span', { class: 'reasons', text: reasons ? ` · ${reasons}` : '' }),
  );
}

async function refreshCounts() {
  showCounts(await api('/api/counts'));
}

// ---- gallery ------------------------------------------------------------------------------------

function filterParams() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const [k, v] of form.entries()) if (v !== '') params.set(k, String(v));
  if (state.previewActive) params.set('selection', '1');
  const limit = new URLSearchParams(location.search).get('limit');
  if (limit) params.set('limit', limit);
  return params;
}

const SCORE_TEXT = {
  symmetry: (s) => `symmetry ${fmt(s.symmetry, 3)}`,
  roll: (s) => `roll ${fmt(s.roll, 1)}°`,
  yaw: (s) => `yaw ${fmt(s.yaw, 1)}°`,
  faceSize: (s) => `face ${fmt(s.faceSize, 0)} px`,
  faceCount: (s) => `${s.faceCount ?? '–'} face(s)`,
};

/** The tile's main score: the one sorted by (face BRISQUE, which decides blur, when sorting by path). */
function mainScore(t, sort) {
  if (SCORE_TEXT[sort]) return SCORE_TEXT[sort](t.scores);
  if (sort === 'path') return `face BRISQUE ${fmt(t.scores.faceBrisque, 1)}`;
  return `${sort.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${fmt(t.scores[sort], 2)}`;
}

function tileNode(t, index) {
  const sort = $('filters').elements['sort'].value;
  const decision = decisionOf(t);
  const reasons = [...t.reasons, ...(t.duplicateOf !== null ? [`duplicate of #${t.duplicateOf}`] : [])];
  const pic = t.hasThumb
    ? el('img', { src: `/media/thumb/${t.id}`, alt: t.path, loading: 'lazy' })
    : el('div', { class: 'noimg', text: t.decodeError || 'no thumbnail' });
  const node = el(
    'div',
    {
      class: `tile ${decision}`,
      role: 'gridcell',
      'data-id': t.id,
      'data-index': index,
      'data-decision': decision,
      title: t.path,
    },
    el('div', { class: 'pic' }, pic),
    el(
      'div',
      { class: 'meta' },
      el('span', { class: `badge ${decision}`, text: decision }),
      t.override ? el('span', { class: 'badge override', text: `override ${t.override}` }) : null,
      t.proposed ? el('span', { class: 'badge proposed', text: `→ ${t.proposed.decision}` }) : null,
      el('div', { class: 'reasons', text: reasons.join(', ') }),
      el('div', { class: 'score', text: mainScore(t, sort) }),
      el('div', { class: 'name', text: t.path }),
    ),
  );
  node.addEventListener('click', () => setFocus(index));
  node.addEventListener('dblclick', () => openDetail());
  return node;
}

function renderGrid() {
  const grid = $('grid');
  grid.replaceChildren(...state.tiles.map(tileNode));
  const from = state.page * Number(filterParams().get('limit') || state.config.pageSize);
  const shown = state.tiles.length;
  $('page-info').textContent = shown
    ? `page ${state.page + 1} · ${from + 1}–${from + shown}${state.total !== null ? ` of ${state.total}` : ''}${state.previewActive ? ' (files the new thresholds would flip)' : ''}`
    : 'no files match';
  $('prev-page').disabled = state.page === 0;
  $('next-page').disabled = !state.next;
  setFocus(Math.min(state.focus, Math.max(0, shown - 1)));
}

async function loadPage(page, focus = 0) {
  const params = filterParams();
  const cursor = state.cursors[page];
  if (cursor) params.set('after', JSON.stringify(cursor));
  if (page === 0) params.set('total', '1');
  const data = await api(`/api/files?${params}`);
  state.page = page;
  state.tiles = data.tiles;
  state.next = data.next;
  if (data.total !== null) state.total = data.total;
  state.cursors.length = page + 1;
  if (data.next) state.cursors.push(data.next);
  state.focus = focus === 'last' ? data.tiles.length - 1 : focus;
  renderGrid();
}

function reload() {
  state.cursors = [null];
  return loadPage(0).catch((err) => toast(err.message, true));
}

// ---- focus and keyboard -------------------------------------------------------------------------

function setFocus(index) {
  const nodes = $('grid').children;
  for (const n of nodes) n.classList.remove('focus');
  state.focus = index;
  const node = nodes[index];
  if (!node) return;
  node.classList.add('focus');
  node.scrollIntoView({ block: 'nearest' });
  if (state.detailOpen) openDetail();
}

function columns() {
  const nodes = [...$('grid').children];
  if (!nodes.length) return 1;
  const top = nodes[0].offsetTop;
  const n = nodes.findIndex((x) => x.offsetTop !== top);
  return n === -1 ? nodes.length : n;
}

async function move(delta) {
  const target = state.focus + delta;
  if (target >= 0 && target < state.tiles.length) return setFocus(target);
  if (target >= state.tiles.length && state.next) return loadPage(state.page + 1, 0);
  if (target < 0 && state.page > 0) return loadPage(state.page - 1, 'last');
}

function replaceTile(tile) {
  const index = state.tiles.findIndex((t) => t.id === tile.id);
  if (index === -1) return -1;
  state.tiles[index] = tile;
  const node = tileNode(tile, index);
  $('grid').children[index].replaceWith(node);
  if (index === state.focus) node.classList.add('focus');
  return index;
}

async function decideFocused(decision) {
  const t = state.tiles[state.focus];
  if (!t) return;
  const result = await api(`/api/files/${t.id}/override`, { method: 'POST', body: { decision } });
  replaceTile(result.tile);
  showCounts(result.counts);
  toast(`${t.path}: ${decision}`);
  await move(1);
}

async function undo() {
  const result = await api('/api/undo', { method: 'POST' });
  const index = replaceTile(result.tile);
  showCounts(result.counts);
  if (index !== -1) setFocus(index);
  toast(`undone: ${result.entry.override ?? 'clear'} on ${result.entry.path}`);
}

const KEYS = {
  ArrowRight: () => move(1),
  j: () => move(1),
  ArrowLeft: () => move(-1),
  k: () => move(-1),
  ArrowDown: () => move(columns()),
  ArrowUp: () => move(-columns()),
  a: () => decideFocused('keep'),
  r: () => decideFocused('reject'),
  u: () => undo(),
  ' ': () => (state.detailOpen ? closeDetail() : openDetail()),
  Escape: () => closeDetail(),
};

function onKey(event) {
  const typing = event.target.closest && event.target.closest('input, select, textarea');
  if (typing && event.key !== 'Escape') return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const action = KEYS[event.key];
  if (!action) return;
  event.preventDefault();
  Promise.resolve(action()).catch((err) => toast(err.message, true));
}

// ---- detail -------------------------------------------------------------------------------------

function marks(d) {
  const layer = $('detail-marks');
  layer.replaceChildren();
  layer.setAttribute('viewBox', `0 0 ${d.width || 1} ${d.height || 1}`);
  const unit = Math.max(d.width || 1, d.height || 1) / 300;
  d.faces.forEach((f, i) => {
    const colour = i === 0 ? '#0f0' : '#ff0';
    layer.append(
      svg('rect', {
        class: 'face-box',
        x: f.box.x,
        y: f.box.y,
        width: f.box.width,
        height: f.box.height,
        fill: 'none',
        stroke: colour,
        'stroke-width': unit,
      }),
    );
    for (let k = 0; k + 1 < f.landmarks.length; k += 2) {
      layer.append(
        svg('circle', {
          class: 'landmark',
          cx: f.landmarks[k],
          cy: f.landmarks[k + 1],
          r: unit * 1.2,
          fill: i === 0 ? '#0ff' : '#ff0',
        }),
      );
    }
  });
  if (d.alignedQuad) {
    const q = d.alignedQuad;
    const points = [0, 2, 4, 6].map((k) => `${q[k]},${q[k + 1]}`).join(' ');
    layer.append(
      svg('polygon', {
        class: 'quad',
        points,
        fill: 'none',
        stroke: '#f0f',
        'stroke-width': unit,
        'stroke-dasharray': `${unit * 4} ${unit * 2}`,
      }),
    );
  }
}

function row(...cells) {
  return el('tr', {}, ...cells.map((c) => el('td', { text: c })));
}

async function openDetail() {
  const t = state.tiles[state.focus];
  if (!t) return;
  const d = await api(`/api/files/${t.id}`);
  state.detailOpen = true;
  $('detail').hidden = false;
  $('detail-title').textContent = `#${d.id} ${d.path}`;
  const photo = $('detail-photo');
  photo.onerror = () => {
    photo.onerror = null;
    if (d.hasThumb) photo.src = `/media/thumb/${d.id}`;
  };
  photo.src = d.sourceServed ? `/media/source/${d.id}` : `/media/thumb/${d.id}`;
  const aligned = $('detail-aligned');
  aligned.hidden = !d.hasAligned;
  if (d.hasAligned) aligned.src = `/media/aligned/${d.id}`;
  marks(d);
  const decision = decisionOf(d);
  $('detail-decision').replaceChildren(
    el('span', { class: `badge ${decision}`, text: decision }),
    ` stored decision ${d.decision}${d.reasons.length ? ` (${d.reasons.join(', ')})` : ''}`,
    d.override
      ? `; override ${d.override} at ${d.overrideAt ?? '?'}${d.overrideNote ? ` (“${d.overrideNote}”)` : ''}`
      : '; no override',
    d.duplicateOf !== null ? `; duplicate of #${d.duplicateOf}` : '',
    d.decodeError ? `; ${d.decodeError}` : '',
    d.proposed ? `; new thresholds → ${d.proposed.decision}` : '',
  );
  const checks = $('detail-checks');
  checks.replaceChildren(
    el('caption', { text: 'thresholds (red: this one rejected it)' }),
    el('tr', {}, ...['threshold', 'score', 'value', 'cut', 'rejects when'].map((h) => el('th', { text: h }))),
    ...d.checks.map((c) => {
      const r = row(
        c.path,
        c.score ?? '',
        fmt(c.value, 3),
        fmt(c.cut, 3),
        c.rejectAbove === null ? c.reason : `${c.rejectAbove ? 'above' : 'below'} cut → ${c.reason}`,
      );
      if (c.decided) r.classList.add('decided');
      return r;
    }),
  );
  const s = d.scores;
  const f0 = d.faces[0];
  $('detail-scores').replaceChildren(
    el('caption', { text: 'raw scores' }),
    row('size', `${d.width ?? '–'} × ${d.height ?? '–'} px, ${d.size} bytes`),
    row(
      'faces',
      `${s.faceCount ?? '–'} counted, ${d.faces.length} stored (scores ${d.faces.map((f) => fmt(f.score)).join(', ') || '–'})`,
    ),
    row('face size', `${fmt(s.faceSize, 1)} px (FFHQ quad side)`),
    row('roll / yaw', `${fmt(s.roll, 2)}° / ${fmt(s.yaw, 2)}°`),
    row('pitch', fmt(f0?.pitch, 3)),
    row('eye ΔY / centre Δ', `${fmt(f0?.eyeDyPct, 2)} % / ${fmt(f0?.centerDeltaPct, 2)} %`),
    row('BRISQUE', fmt(s.brisque, 3)),
    row('symmetry', `${fmt(s.symmetry, 4)} ${d.symmetryBackend ?? ''} ${d.symmetryNote ?? ''}`),
    row('sha256', d.sha256 ?? '–'),
  );
  $('detail-log').replaceChildren(
    ...d.log.map((l) =>
      el('li', {
        text: `${l.at}: ${l.override ?? 'cleared'}${l.note ? ` (${l.note})` : ''}${l.undoneAt ? ` — undone ${l.undoneAt}` : ''}`,
      }),
    ),
  );
}

function closeDetail() {
  state.detailOpen = false;
  $('detail').hidden = true;
}

// ---- thresholds ---------------------------------------------------------------------------------

function thresholdPatch() {
  const patch = {};
  for (const [path, value] of state.edits) {
    const keys = path.split('.');
    let node = patch;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys[keys.length - 1]] = value;
  }
  return patch;
}

function renderThresholdFields() {
  const form = $('threshold-fields');
  form.replaceChildren(
    ...state.config.fields.map((f) => {
      const input = el('input', {
        name: f.path,
        type: 'number',
        step: 'any',
        value: f.value ?? '',
        placeholder: f.nullMeans ?? '',
        title: `rejects as ${f.reason}`,
      });
      input.addEventListener('input', () => onThresholdInput(f, input));
      return el('label', {}, `${f.label} `, input);
    }),
  );
}

/** Awaits a re-decide request (preview, apply), showing the server's progress until it answers. */
async function withProgress(request) {
  const summary = $('preview-summary');
  summary.textContent = '— deciding…';
  const poll = setInterval(async () => {
    const { running } = await api('/api/thresholds/progress').catch(() => ({ running: null }));
    if (running?.total)
      summary.textContent = `— ${running.mode === 'apply' ? 'applying' : 'deciding'}… ${running.done} of ${running.total} files`;
  }, 300);
  try {
    return await request;
  } finally {
    clearInterval(poll);
  }
}

const SUPERSEDED = /superseded by a newer threshold change/;

let previewTimer = 0;
function onThresholdInput(field, input) {
  const raw = input.value.trim();
  const value = raw === '' ? null : Number(raw);
  if (value === field.value || (raw === '' && field.nullMeans === null)) state.edits.delete(field.path);
  else state.edits.set(field.path, value);
  input.classList.toggle('changed', state.edits.has(field.path));
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => preview().catch((err) => toast(err.message, true)), 250);
}

async function preview() {
  const summary = $('preview-summary');
  if (!state.edits.size) {
    summary.textContent = '';
    $('show-changes').disabled = $('apply-thresholds').disabled = true;
    if (state.previewActive) {
      state.previewActive = false;
      await api('/api/thresholds/preview', { method: 'DELETE' });
      await reload();
    }
    return;
  }
  let p;
  try {
    p = await withProgress(
      api('/api/thresholds/preview', { method: 'POST', body: { thresholds: thresholdPatch() } }),
    );
  } catch (err) {
    if (SUPERSEDED.test(err.message)) return; // a newer edit's preview answers instead
    throw err;
  }
  summary.textContent = `— ${p.changed} photo(s) would change: ${p.toKeep} → keep, ${p.toReject} → reject`;
  summary.dataset.changed = String(p.changed);
  $('show-changes').disabled = p.changed === 0;
  $('apply-thresholds').disabled = false;
  if (state.previewActive) await reload();
}

async function applyThresholds() {
  const result = await withProgress(
    api('/api/thresholds/apply', { method: 'POST', body: { thresholds: thresholdPatch() } }),
  );
  toast(`re-decided ${result.files} files: ${result.changed} changed (run #${result.runId})`);
  state.edits.clear();
  state.previewActive = false;
  state.config = await api('/api/config');
  renderThresholdFields();
  $('preview-summary').textContent = '';
  $('show-changes').disabled = $('apply-thresholds').disabled = true;
  showCounts(result.counts);
  await reload();
}

// ---- start --------------------------------------------------------------------------------------

async function start() {
  state.config = await api('/api/config');
  const filters = $('filters');
  filters.elements['reason'].append(...state.config.reasons.map((r) => el('option', { text: r })));
  filters.elements['sort'].append(
    ...state.config.sorts.map((s) =>
      el('option', { value: s, text: s.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`) }),
    ),
  );
  filters.addEventListener('change', () => reload());
  filters.addEventListener('submit', (e) => e.preventDefault());
  renderThresholdFields();
  $('show-changes').addEventListener('click', () => {
    state.previewActive = true;
    reload();
  });
  $('apply-thresholds').addEventListener('click', () =>
    applyThresholds().catch((err) => toast(err.message, true)),
  );
  $('reset-thresholds').addEventListener('click', () => {
    state.edits.clear();
    renderThresholdFields();
    preview().catch((err) => toast(err.message, true));
  });
  const pageButton = (id, delta) =>
    $(id).addEventListener('click', (e) => {
      e.currentTarget.blur();
      loadPage(state.page + delta).catch((err) => toast(err.message, true));
    });
  pageButton('prev-page', -1);
  pageButton('next-page', 1);
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', onKey);
  await refreshCounts();
  await reload();
  document.body.dataset.ready = 'true';
}

start().catch((err) => toast(err.message, true));
