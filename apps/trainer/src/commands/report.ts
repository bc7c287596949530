import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { Eta } from 'eta';
import { UsageError } from '@portrait-forge/cli';
import {
  FailureMonitor,
  alertStory,
  formatAlert,
  formatRecordedAlert,
  metricPoints,
  parseAlertLog,
  recordedAlerts,
  toTraceRecord,
  withSnapshotMetrics,
  type Alert,
  type AlertStory,
  type MetricPoint,
  type TraceRecord,
} from '@portrait-forge/metrics';
import { lineChart, type Series } from '@portrait-forge/svg-chart';
import {
  LOG_FILE,
  METRIC_FILE_RE,
  REPORT_FILE,
  SAMPLE_GRID_RE,
  STAT,
  metricTraceKey,
  STATS_FILE,
} from '@portrait-forge/run-format';
import { readTrainingOptions, type TrainingOptionsFile } from '@portrait-forge/training';

export interface SampleGrid {
  kimg: number;
  /** Path relative to the run directory. */
  file: string;
}

export interface RunData {
  dir: string;
  /** training_options.json, when the run has one (our trainer writes it; other trainers' runs may not). */
  options?: TrainingOptionsFile;
  trace: TraceRecord[];
  metrics: MetricPoint[];
  grids: SampleGrid[];
  /** The ALERT blocks of log.txt (the figures and remedy of each live alert); empty without a log. */
  loggedAlerts: Alert[];
}

export async function readRun(dir: string): Promise<RunData> {
  const statsPath = join(dir, STATS_FILE);
  if (!existsSync(statsPath)) {
    throw new UsageError(
      `${statsPath} not found: pass --run the training run directory (the one holding stats.jsonl)`,
    );
  }
  const trace = parseJsonLines(await readFile(statsPath, 'utf8'), statsPath).map((json) =>
    toTraceRecord(json),
  );
  const names = await readdir(dir);
  const metrics: MetricPoint[] = [];
  for (const name of names.filter((n) => METRIC_FILE_RE.test(n)).sort()) {
    const path = join(dir, name);
    metrics.push(...parseJsonLines(await readFile(path, 'utf8'), path).flatMap(metricPoints));
  }
  const grids: SampleGrid[] = [];
  for (const sub of ['.', 'samples', 'grids']) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of await readdir(folder)) {
      const match = SAMPLE_GRID_RE.exec(name);
      if (match) grids.push({ kimg: Number(match[1]), file: join(sub, name) });
    }
  }
  grids.sort((a, b) => a.kimg - b.kimg);
  const logPath = join(dir, LOG_FILE);
  const loggedAlerts = existsSync(logPath) ? parseAlertLog(await readFile(logPath, 'utf8')) : [];
  return { dir, options: readTrainingOptions(dir), trace, metrics, grids, loggedAlerts };
}

export function parseJsonLines(text: string, label: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new UsageError(
          `${label}:${i + 1}: not valid JSON (a truncated last line? delete it and re-run)`,
        );
      }
    });
}

function traceSeries(trace: TraceRecord[], keys: string[]): Series[] {
  return keys
    .filter((key) => trace.some((r) => r.values[key] !== undefined))
    .map((key) => ({
      name: key,
      points: trace
        .filter((r) => r.values[key] !== undefined)
        .map((r): [number, number] => [r.kimg, r.values[key]]),
    }));
}

function metricSeries(points: MetricPoint[]): Series[] {
  const names = [...new Set(points.map((p) => p.metric))].sort();
  return names.map((name) => ({
    name,
    points: points.filter((p) => p.metric === name).map((p): [number, number] => [p.kimg, p.value]),
  }));
}

/** Monitor alerts over the whole trace, each at the kimg it first fired. */
export function runAlerts(trace: TraceRecord[]): Alert[] {
  const monitor = new FailureMonitor();
  return trace.flatMap((r) => monitor.observe(r));
}

const TEMPLATE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Run report: <%= it.title %></title>
<style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em}
figure{display:inline-block;margin:4px}figure img{max-width:256px;image-rendering:pixelated}
pre{background:#fff4f4;border-left:4px solid #d62728;padding:6px;white-space:pre-wrap}
pre.rediagnosed{background:#f4f4ff;border-left-color:#1f77b4}</style></head>
<body>
<h1>Run report: <%= it.title %></h1>
<p><%= it.summary %></p>
<h2>Failure-mode monitor</h2>
<h3>Raised during training</h3>
<p>What the run's live monitor raised (<code>Alerts/&lt;rule&gt;</code> in stats.jsonl, figures and remedy from log.txt); the charts mark these as <q>ALERT</q>.</p>
<% if (it.monitor.raised.length === 0) { %><p>None.</p><% } %>
<% it.monitor.raised.forEach(function (a) { %><pre><%= a %></pre><% }) %>
<% if (it.monitor.differs) { %>
<h3>Re-diagnosis with the current rules (differs from the above)</h3>
<p>The monitor's rules as they are now, applied to the whole trace after the fact; the charts mark alerts found only here as <q>re-diagnosed</q>.</p>
<% it.monitor.notRediagnosed.forEach(function (a) { %><p>Not raised by the current rules: <%= a %>.</p><% }) %>
<% if (it.monitor.onlyRediagnosed.length === 0) { %><p>The current rules raise no other alert.</p><% } %>
<% it.monitor.onlyRediagnosed.forEach(function (a) { %><pre class="rediagnosed"><%= a %></pre><% }) %>
<% } else if (it.monitor.raised.length > 0) { %><p>The current rules, re-applied to the whole trace, raise the same alerts.</p><% } %>
<h2>Losses</h2>
<%~ it.charts.losses %>
<%~ it.charts.regularizers %>
<%~ it.charts.logits %>
<h2>Metrics</h2>
<p>Metric names carry their feature extractor (e.g. <code>fid[face128]</code>); only <code>[inception]</code> values are comparable with published FID.</p>
<% it.charts.metrics.forEach(function (svg) { %><%~ svg %><% }) %>
<h2>ADA</h2>
<%~ it.charts.ada %>
<h2>Sample grids over time</h2>
<% if (it.grids.length === 0) { %><p>No sample grids found (fakesNNNNNN.png in the run directory or samples/).</p><% } %>
<% it.grids.forEach(function (g) { %><figure><img src="<%= g.src %>" alt="kimg <%= g.kimg %>"><figcaption>kimg <%= g.kimg %></figcaption></figure><% }) %>
</body></html>
`;

/** Chart markers for exactly the alerts the monitor section lists: the live ones, then those only re-diagnosed. */
export function alertMarkers(story: AlertStory): { x: number; label: string }[] {
  return [
    ...story.raised.map((a) => ({ x: a.kimg, label: `ALERT ${a.rule}` })),
    ...story.onlyRediagnosed.map((a) => ({ x: a.kimg, label: `re-diagnosed ${a.name}` })),
  ];
}

/** The run's live alerts and today's re-diagnosis of its trace (with the snapshot metrics). */
export function monitorStory(run: RunData): AlertStory {
  return alertStory(
    recordedAlerts(run.trace, run.loggedAlerts),
    runAlerts(withSnapshotMetrics(run.trace, run.metrics)),
  );
}

/** `cfg at res² × channels on dataset (N images), backend; ` from training_options.json. */
function runDescription(o: TrainingOptionsFile | undefined): string {
  if (!o) return '';
  return `${o.cfg} at ${o.resolution}² × ${o.channels} on ${o.dataset} (${o.num_images} images), ${o.backend_name}; `;
}

export function renderReport(run: RunData, outPath: string): string {
  const { trace } = run;
  const last = trace[trace.length - 1];
  const metricCharts = metricSeries([
    ...run.metrics,
    ...traceSeries(
      trace,
      Object.keys(last?.values ?? {}).filter((k) => k.startsWith(metricTraceKey(''))),
    ).flatMap((s) => s.points.map(([kimg, value]) => ({ metric: s.name, kimg, value }))),
  ]).map((s) => lineChart([s], { title: s.name }));
  const story = monitorStory(run);
  const markers = alertMarkers(story);
  const eta = new Eta({ autoEscape: true, autoTrim: false });
  return eta.renderString(TEMPLATE, {
    title: run.dir,
    summary: `${runDescription(run.options)}${trace.length} stats records, last at kimg ${last ? last.kimg : '–'}; ${run.metrics.length} metric results; ${run.grids.length} sample grids.`,
    monitor: {
      raised: story.raised.map(formatRecordedAlert),
      differs: story.onlyRediagnosed.length > 0 || story.notRediagnosed.length > 0,
      notRediagnosed: story.notRediagnosed.map((a) => `${a.rule} at kimg ${a.kimg}`),
      onlyRediagnosed: story.onlyRediagnosed.map(formatAlert),
    },
    charts: {
      losses: lineChart(traceSeries(trace, [STAT.gLoss, STAT.dLoss]), { title: 'G and D loss', markers }),
      regularizers: lineChart(traceSeries(trace, [STAT.r1Penalty, STAT.plPenalty, STAT.gGradNorm]), {
        title: 'Regularisers and G gradient norm',
        markers,
      }),
      logits: lineChart(traceSeries(trace, [STAT.scoresReal, STAT.scoresFake]), {
        title: 'D logits: D(real) and D(fake)',
        markers,
      }),
      metrics: metricCharts.length > 0 ? metricCharts : ['<p>No metric results yet.</p>'],
      ada: lineChart(traceSeries(trace, [STAT.augment, STAT.signsReal]), { title: 'ADA p and r_t', markers }),
    },
    grids: run.grids.map((g) => ({
      kimg: g.kimg,
      src: relative(dirname(outPath), resolve(run.dir, g.file)),
    })),
  });
}

export async function runReport(opts: { run: string; out?: string }): Promise<string> {
  const out = opts.out ?? join(opts.run, REPORT_FILE);
  const html = renderReport(await readRun(opts.run), out);
  await writeFile(out, html);
  return out;
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'HTML run report from a training run directory: loss, metric and ADA curves (inline SVG), monitor alerts, sample grids over time',
    )
    .requiredOption('--run <dir>', 'run directory holding stats.jsonl (and metric-*.jsonl, fakesNNNNNN.png)')
    .option('--out <html>', 'output file (default <run>/report.html)')
    .action(async (opts: { run: string; out?: string }) => {
      const out = await runReport(opts);
      process.stderr.write(`report → ${out}\n`);
    });
}
