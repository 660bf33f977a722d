/** `softmax predict`: declares the options; the implementation is lazy-imported so --help stays fast. */
import { makeCommand } from '../make-command.js';
import { checkPictureOut, checkTrainOptions, modelOptions, numberFlag } from '../options.js';

/** How many images a grid shows: 1 to 200 (`--n`). */
export function gridCount(raw: unknown): number {
  return numberFlag('n', raw, (n) => Number.isInteger(n) && n >= 1 && n <= 200, 'an integer from 1 to 200');
}

export const predictCommand = makeCommand({
  command: 'predict',
  describe: 'Show test images with true and predicted classes, or classify your own images (--image)',
  builder: (y) =>
    y
      .options({
        ...modelOptions,
        n: { requiresArg: true, default: 18, coerce: gridCount, describe: 'How many test images to show' },
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
