/** `softmax predict`: declares the options; the implementation is lazy-imported so --help stays fast. */
import { ConfigError } from '../../core/errors.js';
import { makeCommand } from '../make-command.js';
import { checkTrainOptions, modelOptions } from '../options.js';

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
        out: { type: 'string', requiresArg: true, default: 'preds.png', describe: 'Picture file, .png or .svg' },
        image: {
          type: 'string',
          array: true,
          requiresArg: true,
          describe: 'PNG or JPEG file(s) to classify (top 3 classes each)',
        },
      })
      .check(checkTrainOptions),
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
