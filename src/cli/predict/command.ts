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
    const [{ runPredict }, { openRootLogger }, { trapSignals }] = await Promise.all([
      import('./run.js'),
      import('../logger.js'),
      import('../signals.js'),
    ]);
    const logger = await openRootLogger({ level: args.logLevel, file: args.logFile });
    // A signal stops a download of the test set at once, and the command before it writes its picture.
    const trap = trapSignals((line) => void process.stderr.write(`softmax: ${line}\n`), 'stopping');
    await runPredict(
      { model: args.model, backend: args.backend, dataDir: args.dataDir, n: args.n, out: args.out, image: args.image },
      { logger, signal: trap.signal },
    ).finally(() => trap.release());
  },
});
