/** `softmax evaluate`: declares the options; the implementation is lazy-imported so --help stays fast. */
import type { Options } from 'yargs';
import { LOG_LEVELS } from '../logger.js';
import { makeCommand } from '../make-command.js';
import { BACKEND_CHOICES, checkTrainOptions } from '../train/command.js';

/** Options shared by the commands that load a saved model. */
export const modelOptions = {
  model: { type: 'string', demandOption: true, requiresArg: true, describe: "A model directory written by 'softmax train' (runs/NAME/model)" },
  'data-dir': { type: 'string', describe: "Directory with the data set's four files (default: as for train)" },
  backend: { choices: BACKEND_CHOICES, default: 'auto' as const, describe: 'auto tries tensorflow (tfjs-node), then wasm, then cpu' },
  'log-level': { choices: LOG_LEVELS, default: 'warn' as const, describe: 'Level of the JSON log records' },
  'log-file': { type: 'string', describe: 'Write JSON log records to this file instead of stderr' },
} satisfies Record<string, Options>;

export const evaluateCommand = makeCommand({
  command: 'evaluate',
  describe: 'Test loss, accuracy, per-class accuracy and confusion matrix of a saved model',
  builder: (y) =>
    y
      .options({
        ...modelOptions,
        out: { type: 'string', requiresArg: true, describe: 'Confusion heat map file, .png or .svg (default: confusion.png beside the model)' },
      })
      .check(checkTrainOptions),
  handler: async (args) => {
    const [{ runEvaluate }, { rootLogger }] = await Promise.all([import('../model/run.js'), import('../logger.js')]);
    const logger = rootLogger({ level: args.logLevel, file: args.logFile });
    await runEvaluate({ model: args.model, backend: args.backend, dataDir: args.dataDir, out: args.out }, { logger });
  },
});
