/** `softmax train`: declares the options; the implementation is lazy-imported so --help stays fast. */
import type { Options } from 'yargs';
import type { DatasetName } from '../../core/data/datasets.js';
import { DATASET_NAMES, datasetInfo } from '../../core/data/datasets.js';
import { ConfigError } from '../../core/errors.js';
import { isUsableLearningRate } from '../../core/learning-rate.js';
import type { LoadedSplits } from '../../node/data/store.js';
import type { Logger } from '../../core/logger.js';
import { makeCommand } from '../make-command.js';
import { BACKEND_CHOICES, checkTrainOptions, logOptions, numberFlag, positiveInt } from '../options.js';
import { ACTIVATION_NAMES } from '../../core/nn/activation-names.js';
import { checkLrSchedule } from './lr-schedule.js';
import { listFlag, resolveNetwork } from './network.js';

// No `type: 'number'` on numeric flags: yargs would turn 'abc' into NaN before we could quote it.
export const trainOptions = {
  impl: {
    choices: ['concise', 'scratch'] as const,
    defaultDescription: 'concise',
    describe: "concise: Gluon-style nn layers + Trainer; scratch: the book's explicit parameters, softmax and SGD",
  },
  model: {
    choices: ['softmax', 'mlp'] as const,
    defaultDescription: 'softmax',
    describe:
      'softmax: softmax regression (D2L 3.6-3.7); mlp: a multilayer perceptron (4.2-4.3), with --dropout the ' +
      'dropout chapter (4.6)',
  },
  hidden: {
    requiresArg: true,
    coerce: (raw: unknown) =>
      listFlag('hidden', raw, (n) => Number.isInteger(n) && n >= 1 && n <= 65536, 'layer sizes (1 to 65536)'),
    describe: 'mlp: units of each hidden layer (default 256; with --dropout, 256 per rate: 256,256)',
  },
  dropout: {
    requiresArg: true,
    coerce: (raw: unknown) => listFlag('dropout', raw, (n) => n >= 0 && n < 1, 'rates in [0, 1)'),
    describe: "mlp: dropout rate after each hidden layer, e.g. 0.2,0.5 (the book's; default none)",
  },
  activation: {
    choices: ACTIVATION_NAMES,
    describe: 'mlp: activation of the hidden layers (default relu)',
  },
  optimizer: {
    choices: ['sgd', 'adam'] as const,
    describe: "concise: the Trainer's optimizer (default sgd)",
  },
  momentum: {
    requiresArg: true,
    coerce: (raw: unknown) =>
      numberFlag('momentum', raw, (n) => Number.isFinite(n) && n >= 0 && n < 1, 'a number in [0, 1)'),
    describe: 'concise, sgd: momentum (default 0)',
  },
  wd: {
    requiresArg: true,
    coerce: (raw: unknown) => numberFlag('wd', raw, (n) => Number.isFinite(n) && n >= 0, 'a number >= 0'),
    describe: 'concise: weight decay of the weights (biases are not decayed, as in D2L 4.5; default 0)',
  },
  'lr-schedule': {
    type: 'string',
    requiresArg: true,
    coerce: (raw: string) => {
      checkLrSchedule(raw);
      return raw;
    },
    describe:
      'concise: learning-rate schedule, steps in epochs: factor,step=2[,factor=0.5] | multifactor,steps=3/6' +
      '[,factor=0.1] | poly[,pwr=2][,final=LR] | cosine[,final=LR]; each [,warmup=EPOCHS]',
  },
  epochs: {
    requiresArg: true,
    coerce: positiveInt('epochs'),
    describe: 'Passes over the training set (default 5 for softmax, 10 for mlp, as in the book)',
  },
  'batch-size': {
    requiresArg: true,
    defaultDescription: '256',
    coerce: positiveInt('batch-size'),
    describe: 'Examples per minibatch',
  },
  lr: {
    requiresArg: true,
    coerce: (raw: unknown) => {
      const lr = numberFlag('lr', raw, (n) => Number.isFinite(n) && n > 0, 'a positive finite number');
      // Training computes in float32: 1e-46 would be 0 there (nothing learned), 1e39 Infinity.
      if (!isUsableLearningRate(lr))
        throw new ConfigError(
          `--lr ${String(raw)} is ${Math.fround(lr)} in float32, where training computes: ` +
            'give a value from 1.4e-45 to 3.4e38.',
        );
      return lr;
    },
    describe: "Learning rate (default the chapter's: 0.1; 0.5 for mlp with --dropout; 0.001 for adam)",
  },
  seed: {
    requiresArg: true,
    defaultDescription: '0',
    coerce: (raw: unknown) =>
      numberFlag('seed', raw, (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer'),
    describe: 'Seed for initialization and shuffling: the same seed on the same backend repeats a run exactly',
  },
  backend: {
    choices: BACKEND_CHOICES,
    default: 'auto' as const,
    describe: 'auto tries tensorflow (tfjs-node), then blas (native OpenBLAS addon), then wasm, then cpu',
  },
  dataset: {
    choices: DATASET_NAMES,
    defaultDescription: 'fashion-mnist',
    describe: 'Data set to train on (both are 28x28 grayscale images of 10 classes)',
  },
  'data-dir': {
    type: 'string',
    describe:
      'Directory with the four data set files, used strictly (default: $SOFTMAX_DATA_DIR, else datasets/<name>, ' +
      'the user cache, /usr/share/datasets/<name>, else a download into the cache)',
  },
  mirror: {
    type: 'string',
    array: true,
    requiresArg: true,
    describe:
      'Base URL to download a missing data set from, tried in order; replaces the default mirrors ' +
      '(default: $SOFTMAX_MIRROR, comma-separated)',
  },
  ...logOptions,
  'check-leaks': { type: 'boolean', default: false, describe: 'Log tf.memory().numTensors after every epoch' },
  out: {
    type: 'string',
    requiresArg: true,
    describe: 'Run directory for metrics.jsonl, curves.svg/.png, run.json and model/ (default: runs/<timestamp>)',
  },
  json: {
    type: 'boolean',
    default: false,
    describe: 'Print one JSON object per epoch on stdout instead of the epoch line',
  },
  quiet: { type: 'boolean', default: false, describe: 'No progress bar or status notes, even on a terminal' },
  'checkpoint-dir': {
    type: 'string',
    requiresArg: true,
    describe:
      'Write a checkpoint (parameters, optimizer, data order, metrics) after every epoch and on Ctrl+C ' +
      'into this directory',
  },
  keep: {
    requiresArg: true,
    default: 3,
    coerce: positiveInt('keep'),
    describe: 'Checkpoints to keep in --checkpoint-dir (the newest)',
  },
  resume: {
    type: 'string',
    requiresArg: true,
    describe:
      'Continue the run whose checkpoints are in this directory (or in this run directory): its options are ' +
      "the checkpoint's unless given; checkpoints keep going there",
  },
  limit: {
    requiresArg: true,
    hidden: true,
    coerce: (raw: unknown) => (raw === undefined ? undefined : positiveInt('limit')(raw)),
    describe: 'Testing aid: use only the first N examples of each split',
  },
} satisfies Record<string, Options>;

/** Progress bars and status notes: only on a terminal, and not with --quiet or --json. */
export function showProgress(
  args: { quiet: boolean; json: boolean },
  stream: { isTTY?: boolean } = process.stdout,
): boolean {
  return stream.isTTY === true && !args.quiet && !args.json;
}

/**
 * Starts reading both splits of the data set from a local copy (never downloading) with the options
 * `runTrain` uses. Gives `undefined` instead of any error: `runTrain` then loads the data itself and
 * reports what is wrong, as without this. Loads only the light data modules.
 */
async function readSplitsEarly(
  args: { dataset: DatasetName; dataDir?: string | undefined },
  logger: Logger,
): Promise<LoadedSplits | undefined> {
  const { loadSplits } = await import('../../node/data/store.js');
  return loadSplits(datasetInfo(args.dataset), { root: args.dataDir, logger, download: false }).catch(() => undefined);
}

export const trainCommand = makeCommand({
  command: 'train',
  describe: 'Train softmax regression or an MLP on Fashion-MNIST and print the textbook epoch lines',
  builder: (y) =>
    y.options(trainOptions).check((args) => {
      checkTrainOptions(args);
      resolveNetwork(args); // refuses combinations such as --dropout without --model mlp before anything loads
      return true;
    }),
  handler: async (args) => {
    const [{ openRootLogger }, { printAbove }] = await Promise.all([import('../logger.js'), import('../terminal.js')]);
    const logger = await openRootLogger({ level: args.logLevel, file: args.logFile, json: args.json });
    const stderr = (text: string): void => void process.stderr.write(text);
    // Trapped from the start: a signal while the data loads or downloads stops the run before training.
    const trap = (await import('../signals.js')).trapSignals((line) => printAbove(`softmax: ${line}`, stderr));
    // Notes (where the data came from, the run directory) are for people: --quiet drops them.
    const notice = args.quiet ? () => {} : (line: string) => printAbove(line, stderr);
    // The defaults of the options a checkpoint holds are applied here or by the run (each chapter's lr and
    // epochs), not by yargs: with --resume, an option left out is the checkpoint's, and only one given may
    // conflict with it.
    const run = {
      impl: args.impl ?? 'concise',
      batchSize: args.batchSize ?? 256,
      seed: args.seed ?? 0,
      dataset: args.dataset ?? 'fashion-mnist',
    };
    // Reading the data set (mostly on libuv's threads) overlaps loading TensorFlow.js on this one; a
    // resumed run's data set is the checkpoint's, known later.
    const splits = args.resume === undefined ? readSplitsEarly({ ...run, dataDir: args.dataDir }, logger) : undefined;
    await (await import('./preload.js')).loadTfjsInSteps();
    const [{ runTrain }, { defaultRunDir }, { RUN_FLAGS, resolveResume }] = await Promise.all([
      import('./run.js'),
      import('./run-dir.js'),
      import('./checkpoints.js'),
    ]);
    // A resumed run keeps writing its run directory when the checkpoints are that directory's.
    const out = args.out ?? (args.resume === undefined ? undefined : resolveResume(args.resume).runDir);
    await runTrain(
      {
        ...run,
        epochs: args.epochs,
        lr: args.lr,
        model: args.model,
        hidden: args.hidden,
        dropout: args.dropout,
        activation: args.activation,
        optimizer: args.optimizer,
        momentum: args.momentum,
        wd: args.wd,
        lrSchedule: args.lrSchedule,
        backend: args.backend,
        dataDir: args.dataDir,
        checkLeaks: args.checkLeaks,
        out: out ?? defaultRunDir(),
        freshOut: out === undefined,
        json: args.json,
        checkpointDir: args.checkpointDir,
        keep: args.keep,
        resume: args.resume,
        limit: args.limit,
        mirror: args.mirror,
        given: RUN_FLAGS.filter((k) => args[k] !== undefined),
      },
      {
        logger,
        notice,
        warn: (line: string) => printAbove(line, stderr),
        progressStream: showProgress(args) ? process.stdout : undefined,
        signal: trap.signal,
        splits,
      },
    ).finally(() => trap.release());
  },
});
