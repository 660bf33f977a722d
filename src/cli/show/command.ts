/** `softmax show`: declares the options; the implementation is lazy-imported so --help stays fast. */
import { DATASET_NAMES } from '../../core/data/datasets.js';
import { makeCommand } from '../make-command.js';
import { gridCount } from '../predict/command.js';
import { checkPictureOut, checkTrainOptions, logOptions } from '../options.js';

export const showCommand = makeCommand({
  command: 'show',
  describe: "Draw training images with their labels (d2l's show_fashion_mnist) to a picture",
  builder: (y) =>
    y
      .options({
        n: { requiresArg: true, default: 18, coerce: gridCount, describe: 'How many images' },
        split: { choices: ['train', 'test'] as const, default: 'train' as const, describe: 'Which split' },
        dataset: { choices: DATASET_NAMES, default: 'fashion-mnist' as const, describe: 'Data set' },
        'data-dir': { type: 'string', describe: "Directory with the data set's four files (default: as for train)" },
        out: {
          type: 'string',
          requiresArg: true,
          describe: 'Picture file: .png, .svg, .jpg or .webp (default show.png, or show-2.png... if it exists)',
        },
        ...logOptions,
      })
      .check(checkTrainOptions)
      .check(checkPictureOut),
  handler: async (args) => {
    const [{ runShow }, { rootLogger }] = await Promise.all([import('./run.js'), import('../logger.js')]);
    const logger = rootLogger({ level: args.logLevel, file: args.logFile });
    await runShow(
      { n: args.n, split: args.split, dataset: args.dataset, dataDir: args.dataDir, out: args.out },
      { logger },
    );
  },
});
