/**
 * `softmax train`, as a function: pick the backend, seed, load the data, build the concise or the
 * scratch model, run the book's loop, report. The CLI handler calls it; tests call it with fakes.
 */
import { initBackend, tf } from '../backend/index.js';
import { loadFashionMnist } from '../data/data-loader.js';
import { defaultDataDir } from '../data/fashion-mnist.js';
import type { Logger } from '../logger.js';
import { SoftmaxCrossEntropyLoss } from '../loss/softmax-cross-entropy.js';
import { Dense } from '../nn/dense.js';
import { Normal } from '../nn/init.js';
import { Sequential } from '../nn/sequential.js';
import { seed as seedGlobal } from '../random.js';
import { SoftmaxRegressionScratch, crossEntropy } from '../scratch/softmax-regression.js';
import { Trainer } from '../trainer/trainer.js';
import type { EpochMetrics } from './train.js';
import { examplesPerSecond, trainCh3 } from './train.js';

export interface TrainArgs {
  impl: 'concise' | 'scratch';
  epochs: number;
  batchSize: number;
  lr: number;
  /** Undefined ⇒ a random seed, reported so the run can be repeated. */
  seed?: number | undefined;
  backend: string;
  dataDir?: string | undefined;
  checkLeaks?: boolean;
}

export interface TrainDeps {
  logger: Logger;
  /** Where the human lines go (default stdout). */
  print?: (line: string) => void;
}

export interface TrainResult {
  backend: string;
  seed: number;
  history: EpochMetrics[];
  examplesPerSec: number;
}

/** Runs a whole training job as the CLI does; see `TrainArgs`. */
export async function runTrain(args: TrainArgs, deps: TrainDeps): Promise<TrainResult> {
  const { logger } = deps;
  const print = deps.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const backend = await initBackend(args.backend);
  for (const s of backend.skipped) logger.info({ backend: s.name, reason: s.reason }, 'backend skipped');
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  seedGlobal(seed);
  const root = args.dataDir ?? defaultDataDir();
  const loadStart = performance.now();
  const [trainIter, testIter] = await loadFashionMnist(args.batchSize, { root });
  logger.info({ root, seconds: (performance.now() - loadStart) / 1000 }, 'data loaded and verified');
  print(
    `training ${args.impl} softmax regression on ${backend.name}: ${args.epochs} epoch${args.epochs === 1 ? '' : 's'}, ` +
      `batch size ${args.batchSize}, lr ${args.lr}, seed ${seed}`,
  );
  logger.info({ ...args, seed, backend: backend.name, dataDir: root }, 'training started');

  const onEpoch = (m: EpochMetrics): void => {
    if (args.checkLeaks) logger.info({ epoch: m.epoch, numTensors: m.numTensors }, 'tensor count');
  };
  let history: EpochMetrics[];
  if (args.impl === 'scratch') {
    const model = new SoftmaxRegressionScratch(784, 10, 0.01);
    const net = (X: tf.Tensor): tf.Tensor => model.forward(X);
    history = trainCh3(net, trainIter, testIter, crossEntropy, args.epochs, args.batchSize, {
      params: model.params(),
      lr: args.lr,
      logger,
      print,
      onEpoch,
    });
    model.dispose();
  } else {
    const net = new Sequential();
    net.add(new Dense(10));
    net.initialize(Normal(0.01));
    const loss = new SoftmaxCrossEntropyLoss();
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: args.lr });
    history = trainCh3(net, trainIter, testIter, loss, args.epochs, args.batchSize, { trainer, logger, print, onEpoch });
    trainer.dispose();
    net.dispose();
  }
  const examplesPerSec = examplesPerSecond(history);
  print(`${examplesPerSec.toFixed(1)} examples/sec on ${backend.name}`);
  const last = history[history.length - 1];
  logger.info({ backend: backend.name, seed, examplesPerSec, ...last }, 'training done');
  return { backend: backend.name, seed, history, examplesPerSec };
}
