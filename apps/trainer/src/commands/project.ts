import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  backendOption,
  commandAction,
  finiteNumber,
  nonNegativeNumber,
  positiveInt,
  UsageError,
  withDefault,
  type ArgParser,
} from '@portrait-forge/cli';
import { byteToRange } from '@portrait-forge/image-io';
import { RUNS_DIR } from '@portrait-forge/run-format';
import { BACKEND_PREFERENCE, initTf, type BackendChoice } from '@portrait-forge/tf-runtime';
import {
  PROJECTED_W_FILE,
  loadGenerator,
  loadImage,
  loadVgg16Lpips,
  pixelPyramidDistance,
  VGG16_LPIPS,
  project,
  ProjectOptionsSchema,
  psnr,
  resolveResume,
  type ProjectOptions,
  saveImageGrid,
  saveProjectedW,
  saveVideo,
} from '@portrait-forge/training';

/** The projector options a person sets here; help text and default are ProjectOptionsSchema's. */
const FLAGGED = [
  { name: 'numSteps', flags: '--num-steps <n>', parse: positiveInt },
  { name: 'initialLearningRate', flags: '--initial-learning-rate <lr>', parse: finiteNumber },
  { name: 'initialNoiseFactor', flags: '--initial-noise-factor <f>', parse: nonNegativeNumber },
  { name: 'seed', flags: '--seed <n>', parse: finiteNumber },
] as const satisfies ReadonlyArray<{ name: keyof ProjectOptions; flags: string; parse: ArgParser<number> }>;

type FlaggedName = (typeof FLAGGED)[number]['name'];

const DEFAULTS = ProjectOptionsSchema.parse({});

interface ProjectFlags extends Partial<Record<FlaggedName, number>> {
  network: string;
  target: string;
  outdir: string;
  saveVideo: boolean;
  wPlus: boolean;
  vgg16?: string;
  video: 'webp' | 'mp4';
  backend: BackendChoice | 'auto';
}

/** What `project` runs with: the flags, and the projector options resolved through ProjectOptionsSchema. */
interface ProjectSettings extends Omit<ProjectFlags, FlaggedName | 'wPlus'> {
  options: ProjectOptions;
}

function projectSettings(flags: ProjectFlags): ProjectSettings {
  const given = {
    ...Object.fromEntries(
      FLAGGED.flatMap(({ name }) => (flags[name] === undefined ? [] : [[name, flags[name]]])),
    ),
    wPlus: flags.wPlus,
  };
  const parsed = ProjectOptionsSchema.safeParse(given);
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues
        .map((issue) => {
          const flag = FLAGGED.find((f) => f.name === issue.path[0])?.flags.split(' ')[0];
          return `${flag ?? issue.path.join('.')}: ${issue.message}`;
        })
        .join('\n'),
    );
  const { network, target, outdir, saveVideo, video, backend, vgg16 } = flags;
  return { network, target, outdir, saveVideo, video, backend, vgg16, options: parsed.data };
}

function settingValue({ options, ...flags }: ProjectSettings, attribute: string): unknown {
  const flagged = FLAGGED.find(({ flags: f }) => new Option(f).attributeName() === attribute);
  if (attribute === 'wPlus') return options.wPlus;
  return flagged ? options[flagged.name] : flags[attribute as keyof typeof flags];
}

/** Frames in the progress video; projector.py renders every step, which is slow on CPU. */
const VIDEO_FRAMES = 100;

export function projectCommand(): Command {
  const cmd = new Command('project')
    .description(
      `Invert an aligned photo into W, or W+ with --w-plus (NVlabs projector.py: w_avg start, noise regularisation, LR ramp). Writes proj.png, target.png, ${PROJECTED_W_FILE} and proj.webp|mp4 to --outdir. ` +
        `Loss: projector.py's VGG16 LPIPS with --vgg16, else ${pixelPyramidDistance.name} (pixel MSE over a pyramid).`,
    )
    .requiredOption(
      '--network <ckpt|run dir|latest>',
      'checkpoint (or a pickle converted with trainer convert)',
    )
    .requiredOption('--target <image>', 'aligned face photo; cover-resized to the network resolution')
    .option('--outdir <dir>', 'where results go', 'data/projected')
    .option('--no-save-video', 'skip the progress video')
    .option('--w-plus', ProjectOptionsSchema.shape.wPlus.description ?? 'W+', DEFAULTS.wPlus)
    .addOption(
      new Option('--video <format>', 'progress video format (mp4 needs ffmpeg)')
        .choices(['webp', 'mp4'])
        .default('webp'),
    )
    .option(
      '--vgg16 <npz>',
      `projector.py's VGG16 LPIPS loss: ${VGG16_LPIPS.url} (sha256 ${VGG16_LPIPS.sha256.slice(0, 12)}…) converted once with tools/scripts/convert-vgg16.py; without it the loss is ${pixelPyramidDistance.name}`,
    )
    .addOption(backendOption(BACKEND_PREFERENCE));
  for (const { name, flags, parse } of FLAGGED) {
    const help = withDefault(ProjectOptionsSchema.shape[name].description ?? name, DEFAULTS[name]);
    cmd.addOption(new Option(flags, help).argParser(parse));
  }
  return commandAction<ProjectSettings, ProjectFlags>(
    cmd,
    { resolve: projectSettings, valueAt: settingValue },
    async (f) => {
      const { numSteps } = f.options;
      const { tf } = await initTf({ backend: f.backend });
      const file = resolveResume(f.network, RUNS_DIR, '--network');
      const G = loadGenerator(tf, file);
      const { resolution: r, channels: c, wDim } = G.config;
      const bytes = await loadImage(f.target, f.target, r, c, false);
      const target = tf.tensor4d(
        Float32Array.from(bytes, (b) => byteToRange(b, '-1..1')),
        [1, r, r, c],
      );
      mkdirSync(f.outdir, { recursive: true });
      const started = Date.now();
      const vgg16 = f.vgg16 ? await loadVgg16Lpips(tf, f.vgg16) : undefined;
      const loss = vgg16 ?? pixelPyramidDistance;
      process.stdout.write(`loss: ${loss.name}\n`);
      const result = project(tf, G, target, f.options, loss, (s) => {
        if (s.step % 100 === 0 || s.step === numSteps - 1)
          process.stdout.write(
            `step ${s.step + 1}/${numSteps}: dist ${s.distance.toFixed(5)} loss ${s.loss.toFixed(5)}\n`,
          );
      });
      const render = (w: Float32Array): Float32Array =>
        tf
          .tidy(() => G.synthesize(tf.tensor3d(w, [1, G.numWs, wDim]), { noiseMode: 'const' }))
          .dataSync() as Float32Array;
      const projected = render(result.w);
      const targetData = target.dataSync() as Float32Array;
      await saveImageGrid(join(f.outdir, 'proj.png'), projected, [1, r, r, c], 1);
      await saveImageGrid(join(f.outdir, 'target.png'), targetData, [1, r, r, c], 1);
      await saveProjectedW(join(f.outdir, PROJECTED_W_FILE), result.w, G.numWs, wDim);
      if (f.saveVideo) {
        // Each frame: target | synthesis, as projector.py's proj.mp4.
        const count = Math.min(VIDEO_FRAMES, result.steps.length);
        const last = result.steps.length - 1;
        const picks = Array.from({ length: count }, (_, i) =>
          Math.round((i * last) / Math.max(1, count - 1)),
        );
        const frames = new Float32Array(picks.length * r * 2 * r * c);
        picks.forEach((step, k) => {
          const synth = render(result.steps[step]);
          for (let y = 0; y < r; y++) {
            const row = (k * r + y) * 2 * r * c;
            frames.set(targetData.subarray(y * r * c, (y + 1) * r * c), row);
            frames.set(synth.subarray(y * r * c, (y + 1) * r * c), row + r * c);
          }
        });
        await saveVideo(join(f.outdir, `proj.${f.video}`), frames, [picks.length, r, 2 * r, c]);
      }
      target.dispose();
      G.dispose();
      vgg16?.dispose();
      process.stdout.write(
        `projected ${f.target} into ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s: final dist ${result.finalDistance.toFixed(5)}, PSNR ${psnr(projected, targetData).toFixed(2)} dB against the target; wrote ${f.outdir}/proj.png, ${PROJECTED_W_FILE}\n`,
      );
    },
  );
}
