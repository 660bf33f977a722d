/**
 * The weight-decay chapter (D2L §4.5): a small synthetic linear regression with 20 training examples of
 * 200 inputs, where a model over-fits, and its cure: the L2 penalty `λ/2·‖w‖²` added to the loss from
 * scratch, or `wd` in the Trainer (with the bias's `wdMult` 0, as the book sets it). Both report the
 * train and test loss every 5 epochs and the final ‖w‖.
 */
import { record } from '../autograd/record.js';
import { tf } from '../backend/tf.js';
import { assert } from '../errors.js';
import { L2Loss } from '../loss/l2.js';
import { Dense } from '../nn/dense.js';
import { Normal, Zeros } from '../nn/init.js';
import { Parameter } from '../nn/parameter.js';
import { Sequential } from '../nn/sequential.js';
import { childGenerator, nextSeed } from '../random.js';
import { BatchSampler, RandomSampler, SequentialSampler } from '../data/sampler.js';
import { Trainer } from '../trainer/trainer.js';
import type { TensorBatch } from './evaluate.js';
import { sgd } from './scratch/softmax-regression.js';

/** `y = X·w + b + ε`, X ~ N(0, 1) `[n, len(w)]`, ε ~ N(0, 0.01²); y is `[n, 1]`. d2l's synthetic_data. Caller owns both. */
export function syntheticData(w: tf.Tensor, b: number, numExamples: number): { X: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const X = tf.randomNormal([numExamples, w.size], 0, 1, 'float32', nextSeed());
    let y = tf.add(tf.matMul(X, tf.reshape(w, [-1, 1])), b);
    y = tf.add(y, tf.randomNormal(y.shape, 0, 0.01, 'float32', nextSeed()));
    return { X, y: tf.reshape(y, [-1, 1]) };
  });
}

/**
 * Minibatches of `(X, y)` of `batchSize` (the last may be short), reshuffled each pass when `shuffle`
 * (from a generator seeded from the global one). d2l's load_array. Each batch is the consumer's to
 * dispose; the arrays stay the caller's.
 */
export function loadArray(
  data: { X: tf.Tensor; y: tf.Tensor },
  batchSize: number,
  shuffle = true,
): Iterable<TensorBatch> {
  const n = data.X.shape[0] ?? 0;
  // A seed is drawn from the global generator whether or not the loader shuffles, so the draws after it
  // (the model's initial weights) do not depend on the test loader's choice.
  const random = childGenerator();
  const batches = new BatchSampler(shuffle ? new RandomSampler(n, random) : new SequentialSampler(n), batchSize);
  return {
    *[Symbol.iterator]() {
      for (const indices of batches.epoch()) {
        const idx = tf.tensor1d(Int32Array.from(indices), 'int32');
        const batch = { X: tf.gather(data.X, idx), y: tf.gather(data.y, idx) };
        idx.dispose();
        yield batch;
      }
    },
  };
}

/** `X·w + b`, d2l's linreg; caller owns the result. */
export function linreg(X: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.matMul(X, w), b));
}

/** `(ŷ − y)²/2` per example, d2l's squared_loss; caller owns the result. */
export function squaredLoss(yHat: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(tf.square(tf.sub(yHat, tf.reshape(y, yHat.shape))), 2));
}

/** `Σw²/2`, the book's l2_penalty (a scalar); caller owns the result. */
export function l2Penalty(w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(tf.sum(tf.square(w)), 2));
}

/** The mean loss over a data set: d2l's evaluate_loss. Disposes each batch. */
export function evaluateLoss(
  net: (X: tf.Tensor) => tf.Tensor,
  dataIter: Iterable<TensorBatch>,
  loss: (yHat: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): number {
  let sum = 0;
  let count = 0;
  for (const { X, y } of dataIter) {
    const [s, c] = tf.tidy(() => {
      const l = loss(net(X), y);
      return [tf.sum(l).dataSync()[0] ?? 0, l.size];
    });
    sum += s;
    count += c;
    tf.dispose([X, y]);
  }
  assert(count > 0, () => 'evaluateLoss: the data set is empty.');
  return sum / count;
}

/** The chapter's set-up: sizes, the true model, the two data sets. */
export interface WeightDecayData {
  train: { X: tf.Tensor; y: tf.Tensor };
  test: { X: tf.Tensor; y: tf.Tensor };
  batchSize: number;
  numInputs: number;
  dispose(): void;
}

/** n_train 20, n_test 100, 200 inputs, batch size 5, true w = 0.01·1, true b = 0.05 (drawn from the global seed). */
export function weightDecayData(): WeightDecayData {
  const numInputs = 200;
  const trueW = tf.fill([numInputs, 1], 0.01);
  const train = syntheticData(trueW, 0.05, 20);
  const test = syntheticData(trueW, 0.05, 100);
  trueW.dispose();
  return {
    train,
    test,
    batchSize: 5,
    numInputs,
    dispose: () => tf.dispose([train.X, train.y, test.X, test.y]),
  };
}

/** What a weight-decay run reports: (epoch, train loss, test loss) every 5 epochs, and ‖w‖ at the end. */
export interface WeightDecayResult {
  curve: { epoch: number; trainLoss: number; testLoss: number }[];
  normW: number;
}

const NUM_EPOCHS = 100;
const LR = 0.003;

/**
 * The chapter's loop: 100 epochs of `record(l)`, backward, `update(batchSize)`; every 5 epochs the mean
 * loss of `net` on both sets (with `lossFn`, no penalty) goes on the curve.
 */
function trainLoop(
  data: WeightDecayData,
  net: (X: tf.Tensor) => tf.Tensor,
  l: (X: tf.Tensor, y: tf.Tensor) => tf.Tensor,
  update: (batchSize: number) => void,
  lossFn: (yHat: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): WeightDecayResult['curve'] {
  const trainIter = loadArray(data.train, data.batchSize);
  const testIter = loadArray(data.test, data.batchSize, false);
  const curve: WeightDecayResult['curve'] = [];
  for (let epoch = 1; epoch <= NUM_EPOCHS; epoch++) {
    for (const { X, y } of trainIter) {
      const r = record(() => ({ l: l(X, y) }));
      r.backward();
      update(data.batchSize);
      r.dispose();
      tf.dispose([X, y]);
    }
    if (epoch % 5 === 0)
      curve.push({
        epoch,
        trainLoss: evaluateLoss(net, trainIter, lossFn),
        testLoss: evaluateLoss(net, testIter, lossFn),
      });
  }
  return curve;
}

const normOf = (t: tf.Tensor): number => tf.tidy(() => tf.norm(t).dataSync()[0] ?? Number.NaN);

/**
 * From scratch: w ~ N(0, 1), b = 0, `l = squared_loss(linreg(X), y) + λ·l2_penalty(w)`, sgd at lr 0.003
 * for 100 epochs. d2l's `train(lambd)`.
 */
export function trainWeightDecayScratch(data: WeightDecayData, lambd: number): WeightDecayResult {
  const w = new Parameter('wd/w', { shape: [data.numInputs, 1] });
  const b = new Parameter('wd/b', { shape: [1] });
  w.initialize(Normal(1));
  b.initialize(Zeros());
  const net = (X: tf.Tensor): tf.Tensor => linreg(X, w.data(), b.data());
  try {
    const curve = trainLoop(
      data,
      net,
      (X, y) => tf.add(squaredLoss(net(X), y), tf.mul(l2Penalty(w.data()), lambd)),
      (batchSize) => sgd([w, b], LR, batchSize),
      squaredLoss,
    );
    return { curve, normW: normOf(w.data()) };
  } finally {
    w.dispose();
    b.dispose();
  }
}

/**
 * Concise: `Dense(1)` with N(0, 1) init, `L2Loss`, `Trainer('sgd', { learningRate: 0.003, wd })` and the
 * bias's `wdMult` set to 0. d2l's `train_concise(wd)`.
 */
export function trainWeightDecayConcise(data: WeightDecayData, wd: number): WeightDecayResult {
  const net = new Sequential().add(new Dense(1, { inUnits: data.numInputs }));
  net.initialize(Normal(1));
  const loss = new L2Loss();
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: LR, wd });
  net.collectParams(/.*bias/).setattr('wdMult', 0);
  const forward = (X: tf.Tensor): tf.Tensor => net.forward(X);
  const l2 = (yHat: tf.Tensor, y: tf.Tensor): tf.Tensor => loss.forward(yHat, y);
  try {
    const curve = trainLoop(
      data,
      forward,
      (X, y) => l2(forward(X), y),
      (batchSize) => trainer.step(batchSize),
      l2,
    );
    return { curve, normW: normOf(net.get(0).collectParams().get('weight')!.data()) };
  } finally {
    trainer.dispose();
    net.dispose();
  }
}
