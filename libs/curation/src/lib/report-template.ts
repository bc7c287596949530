/** Eta template of the review report (`it` = ReportModel). <%= %> escapes; <%~ %> is for our own SVG. */
export const REPORT_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>portrait-forge curation report</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
  h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
  table.counts td, table.counts th { padding: 2px 10px; text-align: right; }
  table.counts td:first-child, table.counts th:first-child { text-align: left; }
  .hists { display: flex; flex-wrap: wrap; gap: 16px; }
  .hists figure { margin: 0; }
  .grid { display: flex; flex-wrap: wrap; gap: 8px; }
  .tile { position: relative; width: 200px; border: 3px solid transparent; background: #f4f4f4; }
  .tile.keep { border-color: #3a3; }
  .tile.reject { border-color: #c33; }
  .tile.changed { outline: 3px dashed #f90; }
  .tile .pic { position: relative; }
  .tile img { display: block; max-width: 200px; }
  .tile svg.marks { position: absolute; left: 0; top: 0; pointer-events: none; }
  .tile .name { font-size: 11px; overflow-wrap: anywhere; padding: 2px 4px; }
  .tile button { width: 100%; cursor: pointer; }
  .crops img { width: 128px; height: 128px; }
  #review { position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #ddd; z-index: 2; }
  textarea { width: 100%; height: 2.5em; font-family: monospace; }
  nav.pages { margin: 4px 0 8px; }
  nav.pages a, nav.pages strong { padding: 0 3px; }
</style>
</head>
<body>
<h1>Curation report</h1>
<p>Input <code><%= it.inputRoot %></code>, <%= it.summary.total %> files, <strong><%= it.summary.kept %> kept</strong>,
<%= it.summary.rejected %> rejected. Generated <%= it.generatedAt %>.<% if (!it.index) { %> <a href="index.html">Back to the summary</a>.<% } %></p>
<div id="review" data-report="<%= it.generatedAt %>">
  Manual review: click a thumbnail's button to flip keep/reject (remembered across this report's pages).
  <span id="changed-count">0</span> change(s).
  <button id="export-review">Export choices (JSON)</button>
  then <code>nx run curate:review --apply FILE</code> (or review live: <code>nx run curate:review</code>).
  <textarea id="review-json" readonly placeholder="exported choices appear here too"></textarea>
</div>
<% if (it.index) { %>
<h2>Counts by reason</h2>
<table class="counts">
<tr><th>outcome / reason</th><th>files</th></tr>
<tr><td>kept</td><td><%= it.summary.kept %></td></tr>
<tr><td>rejected</td><td><%= it.summary.rejected %></td></tr>
<% it.reasons.forEach(function (r) { %><tr><td>&nbsp;&nbsp;<a href="#reason-<%= r.name %>"><%= r.name %></a></td><td><%= r.count %></td></tr>
<% }) %></table>
<p>Thresholds: <code><%= it.thresholdsJson %></code></p>

<h2>Score histograms</h2>
<div class="hists">
<% it.histograms.forEach(function (h) { %><figure><%~ h.svg %><figcaption><%= h.caption %></figcaption></figure>
<% }) %></div>

<% } %>
<% it.sections.forEach(function (s) { %>
<h2 id="reason-<%= s.name %>"><%= s.title %> (<%= s.links.length > 1 ? s.first + '–' + (s.first + s.tiles.length - 1) + ' of ' : '' %><%= s.total %>)</h2>
<% if (s.links.length > 1) { %><nav class="pages">pages: <% s.links.forEach(function (l) { %><% if (l.n === s.page) { %><strong><%= l.n %></strong> <% } else { %><a href="<%= l.href %>"><%= l.n %></a> <% } %><% }) %></nav><% } %>
<div class="grid">
<% s.tiles.forEach(function (t) { %><div class="tile <%= t.decision %>" data-path="<%= t.path %>" data-decision="<%= t.decision %>" data-original="<%= t.decision %>" title="<%= t.hover %>">
  <div class="pic"><% if (t.thumb) { %><img src="<%= t.thumb %>" width="<%= t.width %>" height="<%= t.height %>" loading="lazy" alt="<%= t.path %>"><%~ t.svg %><% } else { %><div style="padding:20px 4px">no image: <%= t.error %></div><% } %></div>
  <div class="name"><%= t.path %></div>
  <button class="flip" type="button"><%= t.decision %> → flip</button>
</div>
<% }) %></div>
<% }) %>

<% if (it.index) { %>
<h2 id="kept-crops">Kept aligned crops (<%= it.crops.length %>)</h2>
<div class="grid crops">
<% it.crops.forEach(function (c) { %><img src="<%= c.src %>" alt="<%= c.path %>" title="<%= c.path %>" loading="lazy">
<% }) %></div>
<% } %>

<script>
(function () {
  // Flips live in localStorage under this report's timestamp, so every page of it exports them all.
  var key = 'pf-review:' + document.getElementById('review').dataset.report;
  var memory = {};
  function load() {
    try { return JSON.parse(localStorage.getItem(key) || '{}'); } catch (e) { return memory; }
  }
  function save(flips) {
    memory = flips;
    try { localStorage.setItem(key, JSON.stringify(flips)); } catch (e) { /* file:// without storage */ }
  }
  var tiles = Array.prototype.slice.call(document.querySelectorAll('.tile'));
  function show(t, decision) {
    t.dataset.decision = decision;
    t.classList.remove('keep', 'reject');
    t.classList.add(decision);
    t.classList.toggle('changed', decision !== t.dataset.original);
    t.querySelector('button').textContent = decision + ' → flip';
  }
  function render() {
    var flips = load();
    tiles.forEach(function (t) { show(t, flips[t.dataset.path] || t.dataset.original); });
    document.getElementById('changed-count').textContent = String(Object.keys(flips).length);
  }
  function setDecision(path, original, decision) {
    var flips = load();
    if (decision === original) delete flips[path];
    else flips[path] = decision;
    save(flips);
    render();
  }
  tiles.forEach(function (t) {
    t.querySelector('button').addEventListener('click', function () {
      setDecision(t.dataset.path, t.dataset.original, t.dataset.decision === 'keep' ? 'reject' : 'keep');
    });
  });
  render();
  document.getElementById('export-review').addEventListener('click', function () {
    var flips = load();
    var overrides = Object.keys(flips).sort().map(function (p) { return { path: p, decision: flips[p] }; });
    var json = JSON.stringify({ format: 'portrait-forge-review', version: 1, overrides: overrides }, null, 2);
    document.getElementById('review-json').value = json;
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    a.download = 'review.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
})();
</script>
</body>
</html>
`;
