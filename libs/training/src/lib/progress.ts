/** Formatting of the per-tick progress line (pure, so it is testable). */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.max(0, Math.round(sec));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${String(h).padStart(2, '0')}h ${String(m).padStart(2, '0')}m`;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m ${String(s % 60).padStart(2, '0')}s`;
  return `${m}m ${String(s % 60).padStart(2, '0')}s`;
}

export interface TickFigures {
  tick: number;
  kimg: number;
  totalKimg: number;
  totalSec: number;
  secPerTick: number;
  secPerKimg: number;
  gLoss?: number;
  dLoss?: number;
  r1?: number;
  pl?: number;
  augmentP: number;
  backend: string;
  rssGb: number;
  tensors: number;
}

const num = (v: number | undefined, digits = 3): string => (v === undefined ? '-' : v.toFixed(digits));

/** `tick 3  kimg 12.0/500  time 4m 10s  sec/tick 80.1  sec/kimg 20.03  ETA 2h 42m 47s  G 0.812 D 1.254 …` */
export function formatTick(f: TickFigures): string {
  const eta = (f.totalKimg - f.kimg) * f.secPerKimg;
  return [
    `tick ${f.tick}`,
    `kimg ${f.kimg.toFixed(1)}/${f.totalKimg}`,
    `time ${formatDuration(f.totalSec)}`,
    `sec/tick ${f.secPerTick.toFixed(1)}`,
    `sec/kimg ${f.secPerKimg.toFixed(2)}`,
    `ETA ${formatDuration(eta)}`,
    `G ${num(f.gLoss)}`,
    `D ${num(f.dLoss)}`,
    `r1 ${num(f.r1, 4)}`,
    `pl ${num(f.pl, 4)}`,
    `augment ${f.augmentP.toFixed(3)}`,
    `backend ${f.backend}`,
    `rss ${f.rssGb.toFixed(2)}GB`,
    `tensors ${f.tensors}`,
  ].join('  ');
}
