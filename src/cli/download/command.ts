/** `softmax download`: declares the options; the implementation is lazy-imported (it loads no TensorFlow.js). */
import type { Options } from 'yargs';
import { DATASET_NAMES } from '../../core/data/datasets.js';
import { logOptions } from '../options.js';
import { makeCommand } from '../make-command.js';
import { positiveInt } from '../options.js';

export const downloadOptions = {
  dataset: { choices: DATASET_NAMES, default: 'fashion-mnist' as const, describe: 'Data set to fetch' },
  dir: {
    type: 'string',
    requiresArg: true,
    describe:
      'Directory to fill (default: $SOFTMAX_DATA_DIR, else the user cache $XDG_CACHE_HOME/softmax/datasets/<name>)',
  },
  mirror: {
    type: 'string',
    array: true,
    requiresArg: true,
    describe:
      'Base URL to fetch the files from, tried in order; replaces the default mirrors ' +
      '(default: $SOFTMAX_MIRROR, comma-separated)',
  },
  force: { type: 'boolean', default: false, describe: 'Download even files that are present and verify' },
  'min-rate': {
    requiresArg: true,
    default: 1024,
    coerce: positiveInt('min-rate'),
    describe:
      'Slowest transfer accepted, in bytes/s averaged over each minute; a slower mirror is retried, then skipped',
  },
  ...logOptions,
} satisfies Record<string, Options>;

export const downloadCommand = makeCommand({
  command: 'download',
  describe: 'Download a data set into a directory, verified, with resume and mirror fall-through',
  builder: (y) => y.options(downloadOptions),
  handler: async (args) => {
    const [{ runDownload }, { openRootLogger }, { trapSignals }] = await Promise.all([
      import('./run.js'),
      import('../logger.js'),
      import('../signals.js'),
    ]);
    const logger = await openRootLogger({ level: args.logLevel, file: args.logFile });
    // A signal ends the transfer at once; the partial file is kept as <file>.part, which the next run resumes.
    const trap = trapSignals((line) => void process.stderr.write(`softmax: ${line}\n`), 'stopping the download');
    await runDownload(
      { dataset: args.dataset, dir: args.dir, mirror: args.mirror, force: args.force },
      { logger, signal: trap.signal, network: { minBytesPerSecond: args.minRate } },
    ).finally(() => trap.release());
  },
});
