/**
 * Contact sheet of silhouette masks on faces-dev: per photo the picture, its mask (with the
 * width // 2 split line in red) and the symmetry score; grouped by category, most asymmetric first.
 * Run: npx tsx tools/scripts/symmetry-contact-sheet.ts [--backend selfie] [--categories keep,tilted] [--out data/symmetry]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { rawToSharp } from '@portrait-forge/image-io';
import {
  createSilhouette,
  isSilhouette,
  isSilhouetteChoice,
  symmetryThreshold,
} from '@portrait-forge/symmetry';
import { readFacesDev, scorePhoto, type ScoredPhoto } from './symmetry-faces-dev';

const program = new Command()
  .description('Contact sheet of silhouette masks and symmetry scores on faces-dev')
  .option('--backend <name>', 'u2net | u2netp | selfie | meet | auto', 'selfie')
  .option('--u2net-model <path>', 'local U-2-Net .onnx')
  .option('--categories <list>', 'faces-dev categories to include (default: all)')
  .option('--cell <px>', 'panel size in pixels', '112')
  .option('--columns <n>', 'photos per row', '5')
  .option('--out <dir>', 'output folder', 'data/symmetry')
  .parse();
const opts = program.opts<{
  backend: string;
  u2netModel?: string;
  categories?: string;
  cell: string;
  columns: string;
  out: string;
}>();
const CELL = Number(opts.cell);
const CAPTION = 16;
const GAP = 6;

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textSvg(width: number, height: number, text: string, color = '#000', size = 12): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="2" y="${height - 4}" font-family="sans-serif" font-size="${size}" fill="${color}">${escapeXml(text)}</text></svg>`,
  );
}

async function panels(row: ScoredPhoto): Promise<{ photo: Buffer; mask: Buffer }> {
  const fit = { width: CELL, height: CELL, fit: 'contain' as const, background: '#fff' };
  const photo = await rawToSharp(row.image).resize(fit).png().toBuffer();
  const { width, height } = row.image;
  // Mask as RGB with the split column (width // 2) in red.
  const rgb = new Uint8Array(width * height * 3);
  const cut = Math.floor(width / 2);
  for (let i = 0; i < width * height; i++) {
    const onLine = i % width === cut;
    rgb[3 * i] = onLine ? 255 : row.mask[i];
    rgb[3 * i + 1] = rgb[3 * i + 2] = onLine ? 0 : row.mask[i];
  }
  const mask = await rawToSharp({ data: rgb, width, height, channels: 3 })
    .resize({ ...fit, background: '#888' })
    .png()
    .toBuffer();
  return { photo, mask };
}

async function main(): Promise<void> {
  if (!isSilhouetteChoice(opts.backend)) throw new Error(`--backend: unknown backend "${opts.backend}"`);
  const wanted = opts.categories?.split(',');
  const photos = readFacesDev().filter((p) => !wanted || wanted.includes(p.category));
  const silhouette = await createSilhouette({ backend: opts.backend, u2netModel: opts.u2netModel });
  if (!isSilhouette(silhouette)) throw new Error(`no silhouette: ${silhouette.reason}`);
  const cut = symmetryThreshold(silhouette.name);
  const rows: ScoredPhoto[] = [];
  for (const photo of photos) rows.push(await scorePhoto(silhouette, photo));
  await silhouette.dispose();

  const categories = [...new Set(rows.map((r) => r.category))];
  const columns = Number(opts.columns);
  const cellW = 2 * CELL + GAP;
  const cellH = CELL + CAPTION + GAP;
  const layers: sharp.OverlayOptions[] = [];
  let top = 0;
  const width = columns * cellW + GAP;
  layers.push({
    input: textSvg(
      width,
      24,
      `${silhouette.name} (${silhouette.runtime}) — score ≥ ${cut} in red`,
      '#000',
      16,
    ),
    left: 0,
    top,
  });
  top += 28;
  for (const category of categories) {
    const group = rows.filter((r) => r.category === category).sort((a, b) => b.score - a.score);
    layers.push({ input: textSvg(width, 20, `${category} (${group.length})`, '#004', 14), left: GAP, top });
    top += 22;
    for (let i = 0; i < group.length; i++) {
      const row = group[i];
      const left = GAP + (i % columns) * cellW;
      const y = top + Math.floor(i / columns) * cellH;
      const { photo, mask } = await panels(row);
      const name = row.file.split('/').pop() ?? row.file;
      layers.push({ input: photo, left, top: y }, { input: mask, left: left + CELL, top: y });
      layers.push({
        input: textSvg(
          2 * CELL,
          CAPTION,
          `${row.score.toFixed(3)} ${name}`,
          row.score >= cut ? '#c00' : '#060',
          11,
        ),
        left,
        top: y + CELL,
      });
    }
    top += Math.ceil(group.length / columns) * cellH + GAP;
  }
  mkdirSync(resolve(opts.out), { recursive: true });
  const file = join(
    resolve(opts.out),
    `contact-sheet-${silhouette.name}${wanted ? `-${wanted.join('-')}` : ''}.png`,
  );
  await sharp({ create: { width, height: top, channels: 3, background: '#fff' } })
    .composite(layers)
    .png()
    .toFile(file);
  process.stdout.write(`wrote ${file} (${rows.length} photos)\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
