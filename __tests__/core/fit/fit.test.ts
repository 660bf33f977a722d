/**
 * The fit loop: the book's step in epochs with callbacks in order, restored epochs replayed first,
 * a stop a callback asks for (mid-epoch or between epochs), a start in the middle of an epoch, and
 * the same figures as trainCh3 on the same model and data.
 */
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';
import type { BatchProgress, EpochMetrics } from '../../../src/core/d2l/train.js';
import { trainCh3 } from '../../../src/core/d2l/train.js';
import type { Callback, EpochEndInfo, FitControl, History } from '../../../src/core/fit/callbacks.js';
import { fit } from '../../../src/core/fit/fit.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';

const ds = {
  images: Uint8Array.from({ length: 10 * 4 }, (_, i) => (i * 37) % 256),
  labels: Uint8Array.from({ length: 10 }, (_, i) => i % 3),
  count: 10,
  featureSize: 4,
};

function setup() {
  const net = new Dense(3, { inUnits: 4, weightInitializer: Constant(0.01) });
  net.initialize();
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 });
  const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3 });
  const test = new DataLoader(ds, { batchSize: 4 });
  const dispose = () => {
    trainer.dispose();
    net.dispose();
  };
  return { net, trainer, loader, test, loss: new SoftmaxCrossEntropyLoss(), dispose };
}

/** A callback recording every hook call as a short string. */
function recorder(log: string[], extra: Partial<Callback> = {}): Callback {
  return {
    onTrainBegin: (c: FitControl) => {
      log.push('begin');
      extra.onTrainBegin?.(c);
    },
    onBatchEnd: (p: BatchProgress, c: FitControl) => {
      log.push(`batch ${p.epoch}.${p.batch}`);
      return extra.onBatchEnd?.(p, c);
    },
    onEpochEnd: (m: EpochMetrics, info: EpochEndInfo, c: FitControl) => {
      log.push(`epoch ${m.epoch}${info.replayed ? ' (replayed)' : ''}`);
      return extra.onEpochEnd?.(m, info, c);
    },
    onTrainEnd: (h: History) => {
      log.push(
        `end ${h.epochs.length}${h.stopped ? ` stopped at ${h.stopped.epoch}.${h.stopped.position.batch}` : ''}`,
      );
    },
  };
}

it('runs the epochs with each hook in order and gives trainCh3 its figures, bit for bit', async () => {
  const a = setup();
  const log: string[] = [];
  const h = await fit(a.net, a.loader, a.test, a.loss, {
    epochs: 2,
    batchSize: 4,
    updater: a.trainer,
    callbacks: [recorder(log)],
  });
  expect(log).toEqual([
    'begin',
    'batch 1.1',
    'batch 1.2',
    'batch 1.3',
    'epoch 1',
    'batch 2.1',
    'batch 2.2',
    'batch 2.3',
    'epoch 2',
    'end 2',
  ]);
  const b = setup();
  const book = trainCh3(b.net, b.loader, b.test, b.loss, 2, 4, { trainer: b.trainer, print: () => {} });
  const figures = (ms: EpochMetrics[]) =>
    ms.map(({ epoch, loss, trainAcc, testAcc, examples }) => [epoch, loss, trainAcc, testAcc, examples]);
  expect(figures(h.epochs)).toEqual(figures(book));
  expect(h.stopped).toBeUndefined();
  a.dispose();
  b.dispose();
});

it('reports restored epochs first as replayed, then trains from initialEpoch', async () => {
  const a = setup();
  const log: string[] = [];
  const restored: EpochMetrics = {
    epoch: 1,
    loss: 1,
    trainAcc: 0.5,
    testAcc: 0.5,
    seconds: 1,
    examples: 10,
    numTensors: 0,
  };
  const h = await fit(a.net, a.loader, a.test, a.loss, {
    epochs: 2,
    batchSize: 4,
    updater: a.trainer,
    callbacks: [recorder(log)],
    initialEpoch: 2,
    initialHistory: [restored],
  });
  expect(log).toEqual(['begin', 'epoch 1 (replayed)', 'batch 2.1', 'batch 2.2', 'batch 2.3', 'epoch 2', 'end 2']);
  expect(h.epochs[0]).toBe(restored);
  a.dispose();
});

it('stops after the batch in which a callback set stopTraining, leaving the epoch unfinished', async () => {
  const a = setup();
  const log: string[] = [];
  const stopAt2 = recorder(log, {
    onBatchEnd: (p, c) => void (p.epoch === 2 && p.batch === 2 && (c.stopTraining = true)),
  });
  const h = await fit(a.net, a.loader, a.test, a.loss, {
    epochs: 3,
    batchSize: 4,
    updater: a.trainer,
    callbacks: [stopAt2],
  });
  expect(log.slice(-3)).toEqual(['batch 2.1', 'batch 2.2', 'end 1 stopped at 2.2']);
  expect(h.stopped?.position).toMatchObject({ batch: 2, examples: 8 });
  a.dispose();
});

it('a stop asked for at an epoch end stops before the next epoch, at its start', async () => {
  const a = setup();
  const log: string[] = [];
  const stopAfter1 = recorder(log, { onEpochEnd: (_m, _i, c) => void (c.stopTraining = true) });
  const h = await fit(a.net, a.loader, a.test, a.loss, {
    epochs: 3,
    batchSize: 4,
    updater: a.trainer,
    callbacks: [stopAfter1],
  });
  expect(log.slice(-2)).toEqual(['epoch 1', 'end 1 stopped at 2.0']);
  expect(h.stopped).toEqual({ epoch: 2, position: { batch: 0, lossSum: 0, correct: 0, examples: 0, seconds: 0 } });
  a.dispose();
});

it('continues an epoch from initialPosition, adding to its sums', async () => {
  const a = setup();
  a.loader.restore(a.loader.state(), { skipBatches: 2 });
  const log: string[] = [];
  const position = { batch: 2, lossSum: 5, correct: 3, examples: 8, seconds: 0.5 };
  const h = await fit(a.net, a.loader, a.test, a.loss, {
    epochs: 1,
    batchSize: 4,
    updater: a.trainer,
    callbacks: [recorder(log)],
    initialPosition: position,
  });
  expect(log).toEqual(['begin', 'batch 1.3', 'epoch 1', 'end 1']);
  expect(h.epochs[0]?.examples).toBe(10);
  expect(h.epochs[0]?.loss).toBeGreaterThan(5 / 10);
  a.dispose();
});

it('leaves no tensor behind across epochs', async () => {
  const a = setup();
  await fit(a.net, a.loader, a.test, a.loss, { epochs: 1, batchSize: 4, updater: a.trainer });
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  await fit(a.net, a.loader, a.test, a.loss, {
    epochs: 3,
    batchSize: 4,
    updater: a.trainer,
    callbacks: [{ onEpochEnd: (m) => void counts.push(m.numTensors) }],
  });
  expect(counts).toEqual([before, before, before]);
  expect(tf.memory().numTensors).toBe(before);
  a.dispose();
});
