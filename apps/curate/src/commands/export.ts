import { exportDataset, MANIFEST_FILE, type ExportFormat } from '@portrait-forge/curation';
import { Manifest } from '@portrait-forge/manifest';
import { Command } from 'commander';
import { oneOf } from '@portrait-forge/cli';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_OUT, fail, outDir } from '../options';

const format = oneOf<ExportFormat>(['sg2ada', 'folder']);

export function exportCommand(): Command {
  return new Command('export')
    .description(
      'write the kept aligned crops as a StyleGAN2-ADA dataset zip (dataset.json, 00000/img00000000.png) or a folder',
    )
    .option('-o, --out <dir>', 'output folder of a filter run', DEFAULT_OUT)
    .option('--format <f>', 'sg2ada (zip) or folder', format, 'sg2ada')
    .option('--dest <path>', 'zip file or folder to write; unset: <out>/dataset.zip or <out>/dataset')
    .action(async (flags: { out?: string; format: ExportFormat; dest?: string }) => {
      try {
        const out = outDir(flags.out);
        const manifest = Manifest.open(join(out, MANIFEST_FILE), { readonly: true });
        const kept = manifest.kept();
        manifest.close();
        const dest = resolve(flags.dest ?? join(out, flags.format === 'sg2ada' ? 'dataset.zip' : 'dataset'));
        const result = await exportDataset(kept, out, dest, flags.format);
        process.stdout.write(
          `exported ${result.count} image(s) to ${relative(process.cwd(), result.path)}\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
}
