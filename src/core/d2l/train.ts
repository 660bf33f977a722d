/**
 * The book's training loop (D2L §3.6 softmax-regression-scratch, train_epoch_ch3 / train_ch3), shared
 * by the from-scratch and the concise implementations: the same loop, metrics and epoch line.
 */
import { tf } from '../backend/tf.js';
import { record } from '../autograd/record.js';
import { ConfigError, DivergenceError, EmptyDataError, assert } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { Loss } from '../loss/loss.js';
import type { Parameter } from '../nn/parameter.js';
import { sgd } from './scratch/softmax-regression.js';
import { Accumulator } from './accumulator.js';
import type { TensorBatch, Net } from './evaluate.js';
import { accuracy, applyNet, evaluateAccuracy, sumOf } from './evaluate.js';
import { formatEpoch } from './format.js';

/** A loss object (`loss.forward(yHat, y)`) or function (`loss(yHat, y)`), giving per-example losses. */
export type LossFn = Loss | ((yHat: tf.Tensor, y: tf.Tensor) => tf.Tensor);

/** Anything with Trainer's `step(batchSize)`: a Trainer, or the scratch SGD updater. */
export interface Updater {
  step(batchSize: number): void;
}

/** One epoch's figures, as the book prints them. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  trainAcc: number;
  testAcc: number;
  /** Seconds spent in the training batches (not evaluation). */
  seconds: number;
  examples: number;
  /** `tf.memory().numTensors` at the end of the epoch. */
  numTensors: number;
}

export interface TrainCh3Options {
  /** Scratch: the parameters `sgd` updates (with `lr`), when no `trainer` is given. */
  params?: Parameter[];
  lr?: number;
  /** Concise: a Trainer (or any `step(batchSize)` updater). */
  trainer?: Updater;
  logger?: Logger;
  /** Where the epoch lines go (default: `console.log`, standard output in Node). */
  print?: (line: string) => void;
  /** Called after each epoch, e.g. for progress or checkpoints. */
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Called after each training batch with the epoch's running sums, e.g. for a progress bar. */
  onBatch?: (progress: BatchProgress) => void;
}

/** Running figures of the epoch so far, after one more batch. */
export interface BatchProgress {
  epoch: number;
  /** Batches done in this epoch (1-based). */
  batch: number;
  examples: number;
  lossSum: number;
  correct: number;
}

function lossOf(loss: LossFn, yHat: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return typeof loss === 'function' ? loss(yHat, y) : loss.forward(yHat, y);
}

/** Where an epoch stands after some batches: what a mid-epoch checkpoint saves to resume exactly. */
export interface EpochPosition {
  /** Batches done in this epoch. */
  batch: number;
  lossSum: number;
  correct: number;
  examples: number;
  /** Seconds spent in this epoch's training batches so far. */
  seconds: number;
}

/** The position before an epoch's first batch. */
export function startOfEpoch(): EpochPosition {
  return { batch: 0, lossSum: 0, correct: 0, examples: 0, seconds: 0 };
}

/**
 * The batches of one epoch, one training step each (record, backward, `updater.step(actual batch
 * size)`, metrics), disposing every batch; yields the position after each. Continues `start` when
 * given (its sums; the caller has positioned `trainIter`). With `epoch`, a non-finite batch loss
 * throws `DivergenceError` naming the epoch and batch.
 */
export function* epochSteps(
  net: Net,
  trainIter: Iterable<TensorBatch>,
  loss: LossFn,
  updater: Updater,
  { epoch, start }: { epoch?: number; start?: EpochPosition } = {},
): Generator<EpochPosition, void, void> {
  const metric = new Accumulator(3); // sum of losses, correct predictions, examples
  const from = start ?? startOfEpoch();
  metric.add(from.lossSum, from.correct, from.examples);
  let { batch, seconds } = from;
  let t0 = performance.now();
  for (const { X, y } of trainIter) {
    const r = record(() => {
      const yHat = applyNet(net, X);
      return { yHat, l: lossOf(loss, yHat, y) };
    });
    r.backward();
    updater.step(X.shape[0] ?? 0);
    const batchLoss = sumOf(r.l);
    metric.add(batchLoss, accuracy(r.yHat, y), y.size);
    r.dispose();
    tf.dispose([X, y]);
    batch += 1;
    if (epoch !== undefined && !Number.isFinite(batchLoss))
      throw new DivergenceError(epoch, batchLoss / y.size, batch, 'the mean loss of the batch');
    const now = performance.now();
    seconds += (now - t0) / 1000;
    yield { batch, lossSum: metric.get(0), correct: metric.get(1), examples: metric.get(2), seconds };
    t0 = performance.now(); // time spent by the consumer between batches is not training time
  }
}

/**
 * One pass over `trainIter`: record, backward, `updater.step(actual batch size)`, metrics. Disposes
 * every batch. Returns `[mean loss per example, train accuracy, examples]`. D2L's train_epoch_ch3.
 */
export function trainEpochCh3(
  net: Net,
  trainIter: Iterable<TensorBatch>,
  loss: LossFn,
  updater: Updater,
  onBatch?: (progress: Omit<BatchProgress, 'epoch'>) => void,
): [number, number, number] {
  let p = startOfEpoch();
  for (p of epochSteps(net, trainIter, loss, updater)) onBatch?.(p);
  return [p.lossSum / p.examples, p.correct / p.examples, p.examples];
}

/** Default `print`: the book prints its lines on standard output. */
const printLine = (line: string): void => console.log(line);

/**
 * The end of an epoch: test accuracy on `testIter` and the epoch's figures from position `p`. A
 * non-finite mean training loss throws `DivergenceError`; an epoch (or a test set) without examples
 * `EmptyDataError`. Shared by `trainCh3` and `fit`.
 */
export function finishEpoch(net: Net, testIter: Iterable<TensorBatch>, epoch: number, p: EpochPosition): EpochMetrics {
  // No examples is not divergence: 0 / 0 would be reported as a NaN loss and blamed on the learning rate.
  assert(
    p.examples > 0,
    () => `Epoch ${epoch}: the training data iterator yielded no examples; pass a non-empty data set.`,
    EmptyDataError,
  );
  const [trainLoss, trainAcc] = [p.lossSum / p.examples, p.correct / p.examples];
  if (!Number.isFinite(trainLoss)) throw new DivergenceError(epoch, trainLoss);
  const testAcc = evaluateAccuracy(net, testIter);
  return {
    epoch,
    loss: trainLoss,
    trainAcc,
    testAcc,
    seconds: p.seconds,
    examples: p.examples,
    numTensors: tf.memory().numTensors,
  };
}

/** The updater `trainCh3` options choose: the Trainer, or the scratch `sgd` on `params` at `lr`. */
export function updaterOf(options: Pick<TrainCh3Options, 'params' | 'lr' | 'trainer'>): Updater {
  const { params, lr, trainer } = options;
  if (trainer !== undefined) return trainer;
  if (params !== undefined && lr !== undefined) return { step: (n) => sgd(params, lr, n) };
  throw new ConfigError('trainCh3 needs either options.trainer or both options.params and options.lr.');
}

/** Checks the epoch count and nominal batch size the book's loops take. */
export function checkEpochsAndBatchSize(numEpochs: number, batchSize: number): void {
  assert(
    Number.isInteger(numEpochs) && numEpochs >= 1,
    () => `Expected numEpochs to be a positive integer, but got ${numEpochs}.`,
  );
  assert(
    Number.isInteger(batchSize) && batchSize >= 1,
    () => `Expected batchSize to be a positive integer, but got ${batchSize}.`,
  );
}

/**
 * Trains for `numEpochs`, printing the book's line after each; returns every epoch's figures.
 * `batchSize` is the nominal size (the scratch `sgd` is given each batch's actual size). Mirrors
 * d2l's train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, params, lr, trainer).
 * Synchronous, as the book's; `fit` (src/core/fit) is the same step in an async loop with callbacks.
 */
export function trainCh3(
  net: Net,
  trainIter: Iterable<TensorBatch>,
  testIter: Iterable<TensorBatch>,
  loss: LossFn,
  numEpochs: number,
  batchSize: number,
  options: TrainCh3Options = {},
): EpochMetrics[] {
  checkEpochsAndBatchSize(numEpochs, batchSize);
  const updater = updaterOf(options);
  const { logger = silentLogger, print = printLine } = options;
  const history: EpochMetrics[] = [];
  for (let epoch = 1; epoch <= numEpochs; epoch++) {
    let p: EpochPosition | undefined;
    for (p of epochSteps(net, trainIter, loss, updater, { epoch })) options.onBatch?.({ ...p, epoch });
    const metrics = finishEpoch(net, testIter, epoch, p ?? startOfEpoch());
    print(formatEpoch(metrics));
    logger.info({ ...metrics, examplesPerSec: metrics.examples / metrics.seconds }, 'epoch done');
    history.push(metrics);
    options.onEpoch?.(metrics);
  }
  return history;
}

/** d2l's closing figure: training examples per second over all epochs (evaluation excluded). */
export function examplesPerSecond(history: readonly EpochMetrics[]): number {
  const examples = history.reduce((a, m) => a + m.examples, 0);
  const seconds = history.reduce((a, m) => a + m.seconds, 0);
  return examples / seconds;
}
