import {
  effectiveDecision,
  isKept,
  notKeptReasons,
  type RunInfo,
  type StoredFile,
} from '@portrait-forge/manifest';
import { histogramSvg } from '@portrait-forge/svg-chart';
import { Eta } from 'eta';
import { copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { symmetryCut } from './decide';
import { REPORT_TEMPLATE } from './report-template';
import { summarise } from './summary';
import type { Thresholds } from './thresholds';

/** Thumbnails per report page: every file is shown, a section pages on (`<section>-<n>.html`). */
export const TILES_PER_PAGE = 300;
const TILE_WIDTH = 200;

export interface Histogram {
  caption: string;
  svg: string;
}

const fmt = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));

export { histogramSvg };

/** Landmarks (dots) and boxes of every face, in thumbnail pixels. */
function marksSvg(file: StoredFile, width: number, height: number): string {
  const s =
    (file.thumbScale ?? 1) * (width / Math.max(1, Math.round((file.width ?? 1) * (file.thumbScale ?? 1))));
  const parts = file.faces.map((f, i) => {
    const colour = i === 0 ? '#0f0' : '#ff0';
    const dots: string[] = [];
    for (let k = 0; k < f.landmarks.length; k += 2) {
      dots.push(
        `<circle cx="${(f.landmarks[k] * s).toFixed(1)}" cy="${(f.landmarks[k + 1] * s).toFixed(1)}" r="1.2" fill="${colour}"/>`,
      );
    }
    return `<rect x="${(f.box.x * s).toFixed(1)}" y="${(f.box.y * s).toFixed(1)}" width="${(f.box.width * s).toFixed(1)}" height="${(f.box.height * s).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="1"/>${dots.join('')}`;
  });
  return `<svg class="marks" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function hoverText(f: StoredFile): string {
  const s = f.scores;
  return [
    f.path,
    `decision ${effectiveDecision(f)}${f.override ? ' (override)' : ''}${f.reasons.length ? `: ${f.reasons.join(', ')}` : ''}`,
    `faces ${s.faceCount ?? '–'}, face size ${fmt(s.faceSize, 0)} px, roll ${fmt(s.roll, 1)}°, yaw ${fmt(s.yaw, 1)}°`,
    `BRISQUE ${fmt(s.brisque)}, symmetry ${fmt(s.symmetry, 3)}${s.symmetryBackend ? ` (${s.symmetryBackend})` : ''}${s.symmetryNote ? ` ${s.symmetryNote}` : ''}`,
    ...(f.decodeError ? [f.decodeError] : []),
  ].join('\n');
}

/** Hard link (no extra disk), copy when linking is not possible. */
async function place(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rm(to, { force: true });
  await link(from, to).catch(() => copyFile(from, to));
}

export interface ReportResult {
  indexPath: string;
  tiles: number;
  /** HTML pages written, index.html included. */
  pages: number;
}

const pageFile = (section: string, n: number) =>
  n === 1 ? 'index.html' : `${section.replace(/[^\w-]/g, '_')}-${n}.html`;

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Writes `<reportDir>/index.html` (counts, histograms, the first page of every section) and one more
 * page per further TILES_PER_PAGE files of a section, plus the thumbnails and kept crops they show.
 */
export async function writeReport(
  files: StoredFile[],
  outDir: string,
  reportDir: string,
  run: RunInfo | null,
  thresholds: Thresholds,
): Promise<ReportResult> {
  const summary = summarise(files);
  const sectionOf = (f: StoredFile): string[] => {
    if (isKept(f)) return ['kept'];
    if (f.reasons.length) return f.reasons;
    const notKept = notKeptReasons(f);
    return notKept.length ? notKept : ['override_reject'];
  };
  const names = [
    'kept',
    ...Object.keys(summary.byReason).sort((a, b) => summary.byReason[b] - summary.byReason[a]),
  ];
  const members = new Map<string, StoredFile[]>(names.map((n) => [n, []]));
  for (const f of files) {
    for (const r of sectionOf(f)) {
      const list = members.get(r) ?? [];
      list.push(f);
      members.set(r, list);
    }
  }
  await rm(reportDir, { recursive: true, force: true });
  const needed = new Set<string>();
  const tileOf = (f: StoredFile) => {
    const tw = f.width && f.thumbScale ? Math.max(1, Math.round(f.width * f.thumbScale)) : 0;
    const th = f.height && f.thumbScale ? Math.max(1, Math.round(f.height * f.thumbScale)) : 0;
    const width = Math.min(TILE_WIDTH, tw);
    const height = tw ? Math.round((th * width) / tw) : 0;
    if (f.thumbPath) needed.add(f.thumbPath);
    return {
      path: f.path,
      decision: effectiveDecision(f),
      hover: hoverText(f),
      thumb: f.thumbPath,
      width,
      height,
      svg: f.thumbPath ? marksSvg(f, width, height) : '',
      error: f.decodeError ?? '',
    };
  };
  const sections = [...members.entries()]
    .filter(([, list]) => list.length)
    .map(([name, list]) => {
      const pages = chunk(list, TILES_PER_PAGE);
      return {
        name,
        title: name === 'kept' ? 'Kept' : `Rejected: ${name}`,
        total: list.length,
        pages,
        links: pages.map((_, i) => ({ n: i + 1, href: `${pageFile(name, i + 1)}#reason-${name}` })),
      };
    });
  const sectionPage = (s: (typeof sections)[number], n: number) => ({
    name: s.name,
    title: s.title,
    total: s.total,
    page: n,
    first: (n - 1) * TILES_PER_PAGE + 1,
    links: s.links,
    tiles: s.pages[n - 1].map(tileOf),
  });
  const crops = files.filter(isKept).slice(0, 5000);
  for (const c of crops) if (c.alignedPath) needed.add(c.alignedPath);

  const pick = (get: (f: StoredFile) => number | null) =>
    files.map(get).filter((v): v is number => v !== null);
  const histograms: Histogram[] = [
    {
      caption: 'face BRISQUE, aligned crop (blurry above the red line)',
      svg: histogramSvg(
        pick((f) => f.scores.faceBrisque),
        thresholds.faceBrisque,
        'face BRISQUE',
      ),
    },
    {
      caption: `symmetry (reject at/above the red line${thresholds.symmetry === null ? ", the backend's default" : ''})`,
      svg: histogramSvg(
        pick((f) => f.scores.symmetry),
        symmetryCut(files.find((f) => f.scores.symmetryBackend)?.scores.symmetryBackend ?? null, thresholds),
        'symmetry',
      ),
    },
    {
      caption: '|roll| of the primary face, degrees',
      svg: histogramSvg(
        pick((f) => (f.scores.roll === null ? null : Math.abs(f.scores.roll))),
        thresholds.face.maxRollDeg,
        '|roll|°',
      ),
    },
    {
      caption: '|yaw| of the primary face, degrees',
      svg: histogramSvg(
        pick((f) => (f.scores.yaw === null ? null : Math.abs(f.scores.yaw))),
        thresholds.face.maxMeshYawDeg,
        '|yaw|°',
      ),
    },
    {
      caption: 'face size (FFHQ quad side, px); reject below the line',
      svg: histogramSvg(
        pick((f) => f.scores.faceSize),
        thresholds.face.targetSize / thresholds.face.maxUpscale,
        'face px',
      ),
    },
  ];
  const eta = new Eta({ autoEscape: true, autoTrim: false });
  const generatedAt = new Date().toISOString();
  const common = {
    inputRoot: run?.inputRoot ?? '?',
    generatedAt,
    summary,
    thresholdsJson: JSON.stringify(thresholds),
  };
  await mkdir(reportDir, { recursive: true });
  const indexPath = join(reportDir, 'index.html');
  await writeFile(
    indexPath,
    eta.renderString(REPORT_TEMPLATE, {
      ...common,
      index: true,
      reasons: Object.entries(summary.byReason)
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => ({ name, count })),
      histograms,
      sections: sections.map((s) => sectionPage(s, 1)),
      crops: crops.map((c) => ({ src: c.alignedPath, path: c.path })),
    }),
  );
  let pages = 1;
  for (const s of sections) {
    for (let n = 2; n <= s.pages.length; n++, pages++) {
      await writeFile(
        join(reportDir, pageFile(s.name, n)),
        eta.renderString(REPORT_TEMPLATE, { ...common, index: false, sections: [sectionPage(s, n)] }),
      );
    }
  }
  for (const rel of needed) await place(join(outDir, rel), join(reportDir, rel)).catch(() => undefined);
  return { indexPath, tiles: sections.reduce((n, s) => n + s.total, 0), pages };
}
