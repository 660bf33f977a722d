/** `softmax evaluate`: declares the options; the implementation is lazy-imported so --help stays fast. */
import { makeCommand } from '../make-command.js';
import { checkPictureOut, checkTrainOptions, modelOptions } from '../options.js';

export const evaluateCommand = makeCommand({
  command: 'evaluate',
  describe: 'Test loss, accuracy, per-class accuracy and confusion matrix of a saved model',
  builder: (y) =>
    y
      .options({
        ...modelOptions,
        out: {
          type: 'string',
          requiresArg: true,
          describe: 'Confusion heat map file: .png, .svg, .jpg or .webp (default: confusion.png in the run directory)',
        },
      })
      .check(checkTrainOptions)
      .check(checkPictureOut),
  handler: async (args) => {
    const [{ runEvaluate }, { openRootLogger }, { trapSignals }] = await Promise.all([
      import('./run.js'),
      import('../logger.js'),
      import('../signals.js'),
    ]);
    const logger = await openRootLogger({ level: args.logLevel, file: args.logFile });
    // A signal stops a download of the test set at once, and the command before it writes its picture.
    const trap = trapSignals((line) => void process.stderr.write(`softmax: ${line}\n`), 'stopping');
    await runEvaluate(
      { model: args.model, backend: args.backend, dataDir: args.dataDir, out: args.out },
      { logger, signal: trap.signal },
    ).finally(() => trap.release());
  },
});
