/** Dependency-free inline-SVG charts: line charts (training run report), histograms (curation report). */

export interface Series {
  name: string;
  points: [number, number][];
}

export interface ChartOptions {
  title: string;
  xLabel?: string;
  width?: number;
  height?: number;
  /** Vertical marks at x with a label (e.g. the kimg where a monitor alert fired). */
  markers?: { x: number; label: string }[];
}

/** Marker labels sit in rows above the plot: row height and a sans-serif 11 px width estimate (no text metrics in SVG strings). */
const LABEL_ROW_PX = 12;
const LABEL_CHAR_PX = 6.5;
const LABEL_GAP_PX = 3;

export interface PlacedLabel {
  /** Text anchor x (px), the row (0 = nearest the plot) and which side of the marker line the text runs. */
  x: number;
  row: number;
  anchor: 'start' | 'end';
}

/**
 * Greedy interval layout of marker labels: each label runs right of its line unless it would pass
 * `right` (then left of it), and takes the lowest row where it clears every label already there.
 * `lines` are marker x positions in px, sorted or not; the result is in the same order.
 */
export function placeMarkerLabels(
  lines: number[],
  labels: string[],
  left: number,
  right: number,
): PlacedLabel[] {
  const rows: [number, number][][] = [];
  const order = lines.map((_, i) => i).sort((a, b) => lines[a] - lines[b]);
  const placed: PlacedLabel[] = new Array(lines.length);
  for (const i of order) {
    const width = labels[i].length * LABEL_CHAR_PX;
    const anchor =
      lines[i] + LABEL_GAP_PX + width <= right || lines[i] - LABEL_GAP_PX - width < left ? 'start' : 'end';
    const x = anchor === 'start' ? lines[i] + LABEL_GAP_PX : lines[i] - LABEL_GAP_PX;
    const span: [number, number] = anchor === 'start' ? [x, x + width] : [x - width, x];
    let row = rows.findIndex((taken) =>
      taken.every(([a, b]) => span[1] + LABEL_GAP_PX <= a || span[0] >= b + LABEL_GAP_PX),
    );
    if (row === -1) row = rows.push([]) - 1;
    rows[row].push(span);
    placed[i] = { x, row, anchor };
  }
  return placed;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values spanning [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function lineChart(series: Series[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const plotHeight = options.height ?? 260;
  const markers = options.markers ?? [];
  const base = { left: 56, right: 12, top: 28, bottom: 36 };
  const finite = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const title = `<text x="${base.left}" y="18" font-weight="bold">${escapeXml(options.title)}</text>`;
  if (finite.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60" font-family="sans-serif" font-size="12">${title}<text x="${base.left}" y="44">no data</text></svg>`;
  }
  const xs = [...finite.map((p) => p[0]), ...markers.map((k) => k.x)];
  const ys = finite.map((p) => p[1]);
  const [x0, x1] = padRange(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = padRange(Math.min(...ys), Math.max(...ys));
  const sxAt = (x: number): number => base.left + ((x - x0) / (x1 - x0)) * (width - base.left - base.right);
  const labels = placeMarkerLabels(
    markers.map((k) => sxAt(k.x)),
    markers.map((k) => k.label),
    0,
    width,
  );
  // The label rows get their own band between title and plot, clear of the data and the legend.
  const band = labels.length ? (Math.max(...labels.map((l) => l.row)) + 1) * LABEL_ROW_PX + 4 : 0;
  const m = { ...base, top: base.top + band };
  const height = plotHeight + band;
  const sx = sxAt;
  const sy = (y: number): number => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const axis = [
    ...niceTicks(y0, y1).map(
      (t) =>
        `<line x1="${m.left}" x2="${width - m.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/><text x="${m.left - 4}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${formatTick(t)}</text>`,
    ),
    ...niceTicks(x0, x1).map(
      (t) =>
        `<text x="${sx(t).toFixed(1)}" y="${height - m.bottom + 14}" text-anchor="middle">${formatTick(t)}</text>`,
    ),
    `<text x="${width - m.right}" y="${height - 4}" text-anchor="end">${escapeXml(options.xLabel ?? 'kimg')}</text>`,
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#999"/>`,
  ];
  const lines = series.map((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const path = segments(s.points)
      .map(
        (seg) =>
          `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${seg.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      )
      .join('');
    const dots =
      s.points.length <= 40
        ? s.points
            .filter(isFinitePoint)
            .map(
              ([x, y]) =>
                `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${colour}"/>`,
            )
            .join('')
        : '';
    const legend = `<text x="${width - m.right - 4}" y="${m.top + 14 + i * 14}" text-anchor="end" fill="${colour}">${escapeXml(s.name)}</text>`;
    return path + dots + legend;
  });
  const marks = markers.map((k, i) => {
    const label = labels[i];
    const y = m.top - 4 - label.row * LABEL_ROW_PX;
    // The white halo keeps a label legible where a higher row's marker line crosses it.
    return `<line x1="${sx(k.x).toFixed(1)}" x2="${sx(k.x).toFixed(1)}" y1="${y - 10}" y2="${height - m.bottom}" stroke="#d62728" stroke-dasharray="4 3"/><text x="${label.x.toFixed(1)}" y="${y}" text-anchor="${label.anchor}" fill="#d62728" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(k.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">${title}${axis.join('')}${lines.join('')}${marks.join('')}</svg>`;
}

function isFinitePoint([x, y]: [number, number]): boolean {
  return Number.isFinite(x) && Number.isFinite(y);
}

/** Splits a series at non-finite values (NaN losses show as gaps, not as lines to 0). */
function segments(points: [number, number][]): [number, number][][] {
  const out: [number, number][][] = [[]];
  for (const p of points) {
    if (isFinitePoint(p)) out[out.length - 1].push(p);
    else if (out[out.length - 1].length > 0) out.push([]);
  }
  return out.filter((s) => s.length > 0);
}

function padRange(lo: number, hi: number): [number, number] {
  if (hi > lo) return [lo, hi];
  const pad = Math.abs(lo) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

function formatTick(t: number): string {
  return Math.abs(t) >= 1e4 || (Math.abs(t) < 1e-3 && t !== 0)
    ? t.toExponential(1)
    : String(Number(t.toPrecision(4)));
}
