import { extname } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '@portrait-forge/cli';
import { RUNS_DIR } from '@portrait-forge/run-format';
import { resolveResume } from '@portrait-forge/training';
import {
  DEFAULT_NVLABS_DIR,
  DEFAULT_PYTHON,
  checkpointToPickle,
  pickleToCheckpoint,
  type NvlabsEnv,
} from '../lib/nvlabs';

interface ConvertFlags extends NvlabsEnv {
  network: string;
  out: string;
}

/** The direction follows the file names: .ckpt (or a run dir / latest) → .pkl, .pkl → .ckpt. */
export function convert(f: ConvertFlags): string {
  const outExt = extname(f.out);
  if (extname(f.network) === '.pkl') {
    if (outExt !== '.ckpt')
      throw new UsageError(
        `--out ${f.out}: a pickle converts into a .ckpt; name the output e.g. ffhq256.ckpt`,
      );
    const meta = pickleToCheckpoint(f, f.network, f.out);
    const c = meta.config;
    const notes = meta.notes.length ? `; note: ${meta.notes.join('; ')}` : '';
    return `${f.network} → ${f.out} (${c.resolution}² × ${c.channels}, cbase ${c.channelBase}, cmax ${c.channelMax}, map ${c.mappingLayers}, G ${c.gArchitecture}, D ${c.dArchitecture})${notes}`;
  }
  if (outExt !== '.pkl')
    throw new UsageError(
      `--out ${f.out}: a checkpoint converts into an NVlabs .pkl; name it network-snapshot-*.pkl`,
    );
  const ckpt = resolveResume(f.network, RUNS_DIR, '--network');
  checkpointToPickle(f, ckpt, f.out);
  return `${ckpt} → ${f.out} (NVlabs stylegan2-ada-pytorch pickle: G, D, G_ema)`;
}

export function convertCommand(): Command {
  return new Command('convert')
    .description(
      'Convert networks to and from NVlabs stylegan2-ada-pytorch pickles with their own code (needs python3-torch and a checkout): ' +
        'ckpt → network-snapshot-*.pkl that legacy.load_network_pkl, generate.py and train.py --resume load; ' +
        'SG2-ADA or TF StyleGAN2 .pkl → a .ckpt for generate, project and train --resume (transfer learning).',
    )
    .requiredOption('--network <ckpt|run dir|latest|pkl>', 'what to convert')
    .requiredOption('--out <file.pkl|file.ckpt>', 'output file')
    .option('--nvlabs <dir>', 'checkout of NVlabs/stylegan2-ada-pytorch (env NVLABS_DIR)', DEFAULT_NVLABS_DIR)
    .option('--python <exe>', 'Python with torch (env PYTHON)', DEFAULT_PYTHON)
    .action((f: ConvertFlags) => {
      process.stdout.write(`${convert(f)}\n`);
    });
}
