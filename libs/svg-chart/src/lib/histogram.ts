const fmt = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));

/** Inline SVG histogram of `values` with the threshold marked as a red line. */
export function histogramSvg(values: number[], threshold: number | null, label: string, bins = 30): string {
  const W = 320,
    H = 140,
    pad = 24;
  if (values.length === 0)
    return `<svg width="${W}" height="${H}" role="img" aria-label="${label}: no values"><text x="10" y="70">no values</text></svg>`;
  let lo = Math.min(...values, threshold ?? Infinity);
  let hi = Math.max(...values, threshold ?? -Infinity);
  if (hi === lo) hi = lo + 1;
  const span = hi - lo;
  lo -= span * 0.02;
  hi += span * 0.02;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  const max = Math.max(...counts);
  const bw = (W - 2 * pad) / bins;
  const x = (v: number) => pad + ((v - lo) / (hi - lo)) * (W - 2 * pad);
  const bars = counts
    .map((c, i) => {
      const h = (c / max) * (H - 2 * pad);
      return `<rect x="${(pad + i * bw).toFixed(1)}" y="${(H - pad - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#68a"><title>${c}</title></rect>`;
    })
    .join('');
  const cut =
    threshold === null
      ? ''
      : `<line class="threshold" x1="${x(threshold).toFixed(1)}" x2="${x(threshold).toFixed(1)}" y1="${pad / 2}" y2="${H - pad}" stroke="#d22" stroke-width="2"/><text x="${(x(threshold) + 3).toFixed(1)}" y="${pad}" fill="#d22" font-size="11">${threshold}</text>`;
  const axis = `<text x="${pad}" y="${H - 6}" font-size="11">${fmt(lo)}</text><text x="${W - pad}" y="${H - 6}" font-size="11" text-anchor="end">${fmt(hi)}</text><text x="${W / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${label}</text>`;
  return `<svg width="${W}" height="${H}" role="img" aria-label="${label} histogram">${bars}${cut}${axis}</svg>`;
}
