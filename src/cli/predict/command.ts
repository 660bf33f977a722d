/** `softmax predict`: declares the options; the implementation is lazy-imported so --help stays fast. */
import { ConfigError } from '../../core/errors.js';
import { makeCommand } from '../make-command.js';
import { checkPictureOut, checkTrainOptions, modelOptions } from '../options.js';

function positiveInt(raw: unknown): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!(Number.isInteger(n) && n >= 1 && n <= 200))
    throw new ConfigError(`--n must be an integer from 1 to 200, but got '${String(raw)}'.`);
  return n;
}

export const predictCommand = makeCommand({
  command: 'predict',
  describe: 'Show test images with true and predicted classes, or classify your own images (--image)',
  builder: (y) =>
    y
      .options({
        ...modelOptions,
        n: { requiresArg: true, default: 18, coerce: positiveInt, describe: 'How many test images to show' },
        out: {
          type: 'string',
          requiresArg: true,
          describe: 'Picture file: .png, .svg, .jpg or .webp (default preds.png, or preds-2.png... if it exists)',
        },
        image: {
          type: 'string',
          array: true,
          requiresArg: true,
          describe: 'Image file(s) to classify, top 3 classes each: PNG, JPEG, WebP, GIF, TIFF or AVIF',
        },
      })
      .check(checkTrainOptions)
      .check(checkPictureOut),
  handler: async (args) => {
    const [{ runPredict }, { rootLogger }] = await Promise.all([import('./run.js'), import('../logger.js')]);
    const logger = rootLogger({ level: args.logLevel, file: args.logFile });
    await runPredict(
      { model: args.model, backend: args.backend, dataDir: args.dataDir, n: args.n, out: args.out, image: args.image },
      { logger },
    );
  },
});
