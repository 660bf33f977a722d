/**
 * `softmax train`, as a function: pick the backend, seed, load the data, build the concise or the
 * scratch model, run the book's loop, report. The CLI handler calls it; tests call it with fakes.
 */
import { initBackend, tf } from '../backend/index.js';
import { loadFashionMnist } from '../data/data-loader.js';
import type { DatasetName } from '../data/datasets.js';
import { datasetInfo } from '../data/datasets.js';
import type { DataSource } from '../data/sources.js';
import type { Logger } from '../logger.js';
import { SoftmaxCrossEntropyLoss } from '../loss/softmax-cross-entropy.js';
import { Dense } from '../nn/dense.js';
import { Normal } from '../nn/init.js';
import { Sequential } from '../nn/sequential.js';
import { seed as seedGlobal } from '../random.js';
import { SoftmaxRegressionScratch, crossEntropy } from '../scratch/softmax-regression.js';
import { Trainer } from '../trainer/trainer.js';
import { withStatus } from './progress.js';
import { TrainOutputs } from './run-outputs.js';
import type { EpochMetrics } from './train.js';
import { examplesPerSecond, trainCh3Async } from './train.js';

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
}

export interface TrainDeps {
  logger: Logger;
  /** Where the human lines go (default stdout). */
  print?: (line: string) => void;
  /** Where the one line saying where the data came from goes (default stderr, keeping stdout the book's). */
  notice?: (line: string) => void;
  /** A TTY to draw progress bars and status notes on; undefined (the default) draws none. */
  progressStream?: NodeJS.WriteStream | undefined;
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
  const loadStart = performance.now();
  let source: DataSource | undefined;
  const [trainIter, testIter] = await withStatus(deps.progressStream, `loading and verifying ${dataset.title}`, () =>
    loadFashionMnist(args.batchSize, {
      root: args.dataDir,
      dataset,
      logger,
      onSource: (s) => (source = s),
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

  const onEpoch = (m: EpochMetrics): Promise<void> => {
    if (args.checkLeaks) logger.info({ epoch: m.epoch, numTensors: m.numTensors }, 'tensor count');
    return outputs.onEpoch(m);
  };
  const hooks = { logger, print: outputs.line, onEpoch, onBatch: outputs.onBatch };
  const meta = { classes: dataset.classes, dataset: dataset.name, impl: args.impl };
  let modelDir: string | undefined;
  let history: EpochMetrics[];
  if (args.impl === 'scratch') {
    const model = new SoftmaxRegressionScratch(784, 10, 0.01);
    const net = (X: tf.Tensor): tf.Tensor => model.forward(X);
    history = await trainCh3Async(net, trainIter, testIter, crossEntropy, args.epochs, args.batchSize, {
      params: model.params(),
      lr: args.lr,
      ...hooks,
    });
    modelDir = await outputs.saveModel(model, { ...meta, metrics: finalMetrics(history) });
    model.dispose();
  } else {
    const net = new Sequential();
    net.add(new Dense(10));
    net.initialize(Normal(0.01));
    const loss = new SoftmaxCrossEntropyLoss();
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: args.lr });
    history = await trainCh3Async(net, trainIter, testIter, loss, args.epochs, args.batchSize, { trainer, ...hooks });
    modelDir = await outputs.saveModel(net, { ...meta, metrics: finalMetrics(history) });
    trainer.dispose();
    net.dispose();
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
