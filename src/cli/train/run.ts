/**
 * `softmax train`, as a function: pick the backend, seed, load the data, build the concise or the
 * scratch model, run the book's loop, report. The CLI handler calls it; tests call it with fakes.
 */
import { initBackend } from '../../core/backend/registry.js';
import { loadFashionMnist } from '../../core/data/data-loader.js';
import type { DatasetName } from '../../core/data/datasets.js';
import { datasetInfo } from '../../core/data/datasets.js';
import type { DataSource, LoadedSplits } from '../../node/data/store.js';
import type { Logger } from '../../core/logger.js';
import { seed as seedGlobal } from '../../core/random.js';
import { withStatus } from './progress.js';
import { buildModel, resumeCommand } from './model.js';
import { CheckpointSession } from './checkpoints.js';
import { TrainOutputs } from './outputs.js';
import type { EpochMetrics, EpochPosition } from '../../core/d2l/train.js';
import { trainCh3Async } from '../../core/fit/fit.js';
import { examplesPerSecond, formatEpoch } from '../../core/d2l/train.js';

export interface TrainArgs {
  impl: 'concise' | 'scratch';
  epochs: number;
  batchSize: number;
  lr: number;
  /** Undefined ⇒ a random seed, reported so the run can be repeated. */
  seed?: number | undefined;
  backend: string;
  /** Explicit data directory (strict: must hold the files); undefined ⇒ search, then download. */
  dataDir?: string | undefined;
  /** `fashion-mnist` (default) or `mnist`. */
  dataset?: DatasetName;
  checkLeaks?: boolean;
  /** Run directory for metrics.jsonl, curves, run.json and the model; undefined writes none (the CLI defaults to runs/<timestamp>). */
  out?: string | undefined;
  /** Print one JSON object per epoch on stdout instead of the book's lines. */
  json?: boolean | undefined;
  /** Write a checkpoint after every epoch (and on SIGINT/SIGTERM) into this directory. */
  checkpointDir?: string | undefined;
  /** Checkpoints kept (default 3). */
  keep?: number | undefined;
  /** Continue from the newest intact checkpoint in this directory (and keep writing checkpoints there). */
  resume?: string | undefined;
  /** Use only the first N examples of each split: a testing aid. */
  limit?: number | undefined;
}

export interface TrainDeps {
  logger: Logger;
  /** Where the human lines go (default stdout). */
  print?: (line: string) => void;
  /** Where the one line saying where the data came from goes (default stderr, keeping stdout the book's). */
  notice?: (line: string) => void;
  /** A TTY to draw progress bars and status notes on; undefined (the default) draws none. */
  progressStream?: NodeJS.WriteStream | undefined;
  /** Aborted (reason 'SIGINT' or 'SIGTERM') to stop after the current batch with a checkpoint. */
  signal?: AbortSignal | undefined;
  /** The data set already being read (the CLI starts early); `undefined` from it means: load as usual. */
  splits?: Promise<LoadedSplits | undefined>;
}

/** One human line: where the data set was found, or where it was downloaded from and to. */
export function describeSource(title: string, source: DataSource): string {
  if (source.kind !== 'download') return `${title}: using the ${source.kind} copy in ${source.dir}`;
  const urls = [...new Set((source.files ?? []).flatMap((f) => (f.url === undefined ? [] : [new URL('.', f.url).href])))];
  return `${title}: downloaded into ${source.dir}${urls.length ? ` from ${urls.join(', ')}` : ''} and verified`;
}

export interface TrainResult {
  backend: string;
  seed: number;
  history: EpochMetrics[];
  examplesPerSec: number;
  /** Where the model was saved (with --out). */
  modelDir?: string | undefined;
}

/** Runs a whole training job as the CLI does; see `TrainArgs`. */
export async function runTrain(args: TrainArgs, deps: TrainDeps): Promise<TrainResult> {
  const { logger } = deps;
  const startedAt = new Date();
  const print = deps.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const backend = await initBackend(args.backend);
  for (const s of backend.skipped) logger.info({ backend: s.name, reason: s.reason }, 'backend skipped');
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  seedGlobal(seed);
  const notice = deps.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const dataset = datasetInfo(args.dataset ?? 'fashion-mnist');
  const run = { impl: args.impl, batchSize: args.batchSize, lr: args.lr, seed, dataset: dataset.name, limit: args.limit ?? null, backend: backend.name };
  const checkpoints = await CheckpointSession.open(
    { dir: args.checkpointDir ?? args.resume, keep: args.keep ?? 3, resume: args.resume, epochs: args.epochs },
    run,
    (dir) => resumeCommand({ ...args, seed }, dir),
    notice,
  );
  const loadStart = performance.now();
  let source: DataSource | undefined;
  const [trainIter, testIter] = await withStatus(deps.progressStream, `loading and verifying ${dataset.title}`, () =>
    loadFashionMnist(args.batchSize, {
      root: args.dataDir,
      dataset,
      logger,
      limit: args.limit,
      onSource: (s) => (source = s),
      splits: deps.splits,
    }),
  );
  const root = source?.dir;
  logger.info({ dataset: dataset.name, source: source?.kind, root, seconds: (performance.now() - loadStart) / 1000 }, 'data loaded and verified');
  if (source !== undefined) notice(describeSource(dataset.title, source));
  const outputs = await TrainOutputs.start({ out: args.out, json: args.json, progressStream: deps.progressStream }, print, {
    title: `${args.impl} softmax regression on ${dataset.title}`,
    epochs: args.epochs,
    batches: trainIter.length,
  });
  if (outputs.runDir !== undefined) notice(`run directory: ${outputs.runDir} (metrics.jsonl, curves.svg/.png, run.json, model/)`);
  (args.json ? notice : print)(
    `training ${args.impl} softmax regression on ${backend.name}: ${args.epochs} epoch${args.epochs === 1 ? '' : 's'}, ` +
      `batch size ${args.batchSize}, lr ${args.lr}, seed ${seed}`,
  );
  logger.info({ ...args, seed, backend: backend.name, dataDir: root }, 'training started');

  const model = buildModel(args.impl, args.lr);
  const parts = { params: model.params, trainer: model.trainer, loader: trainIter };
  const history: EpochMetrics[] = [];
  let modelDir: string | undefined;
  try {
    const { startAt, history: done } = checkpoints.restore(parts);
    if (checkpoints.resumedFrom !== undefined) notice(`resuming from ${checkpoints.resumedFrom}`);
    const onEpoch = async (m: EpochMetrics): Promise<void> => {
      if (args.checkLeaks) logger.info({ epoch: m.epoch, numTensors: m.numTensors }, 'tensor count');
      history.push(m);
      await outputs.onEpoch(m);
      if (m.epoch >= startAt.epoch) await checkpoints.afterEpoch(history, parts);
    };
    for (const m of done) {
      outputs.line(formatEpoch(m)); // replayed: a resumed run prints every epoch line of the run
      await onEpoch(m);
    }
    const signal = deps.signal;
    const onStop = async (epoch: number, p: EpochPosition): Promise<never> => {
      await outputs.settle().catch(() => undefined); // the curves of the epochs done; the stop is what is reported
      return checkpoints.interrupted(signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT', epoch, p, history, parts);
    };
    await trainCh3Async(model.net, trainIter, testIter, model.loss, args.epochs, args.batchSize, {
      ...model.updater,
      logger,
      print: outputs.line,
      onEpoch,
      onBatch: outputs.onBatch,
      startAt,
      signal,
      onStop,
    });
    const meta = { classes: dataset.classes, dataset: dataset.name, impl: args.impl, metrics: finalMetrics(history) };
    modelDir = await outputs.saveModel(model.saveable, meta);
  } finally {
    model.dispose();
    // Leave no drawing half done, on failure too. A drawing's error is thrown again by `finish`; after
    // a failure it is secondary to the error in flight.
    await outputs.settle().catch(() => undefined);
  }
  const examplesPerSec = examplesPerSecond(history);
  (args.json ? notice : print)(`${examplesPerSec.toFixed(1)} examples/sec on ${backend.name}`);
  await outputs.finish({ args, backend: backend.name, seed, dataset, dataDir: root, history, examplesPerSec, startedAt });
  const last = history[history.length - 1];
  logger.info({ backend: backend.name, seed, examplesPerSec, ...last, runDir: outputs.runDir }, 'training done');
  return { backend: backend.name, seed, history, examplesPerSec, modelDir };
}

/** The last epoch's figures, for the model's manifest. */
function finalMetrics(history: readonly EpochMetrics[]): Record<string, number> {
  const last = history[history.length - 1];
  return last === undefined ? {} : { epochs: last.epoch, loss: last.loss, trainAcc: last.trainAcc, testAcc: last.testAcc };
}
