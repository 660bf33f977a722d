/** The book's loop on a small slice of the real data (cpu): figures, line format, memory, errors. */
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';
import type { ArrayDataset } from '../../../src/core/data/dataset.js';
import { ConfigError, DivergenceError } from '../../../src/core/errors.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Normal } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import { formatEpoch } from '../../../src/core/d2l/format.js';
import { trainCh3 } from '../../../src/core/d2l/train.js';
import { realSlices } from '../../helpers.js';

let train: ArrayDataset;
let test: ArrayDataset;
beforeAll(async () => {
  ({ train, test } = await realSlices(1000, 500));
});

function concise() {
  seed(1);
  const net = new Sequential().add(new Dense(10));
  net.initialize(Normal(0.01));
  return net;
}

describe('trainCh3', () => {
  it("reports the mean per-example loss and accuracy of the epoch's batches, checked in float64", () => {
    const net = concise();
    const lines: string[] = [];
    tf.tidy(() => net.forward(tf.zeros([1, 784]))).dispose(); // complete deferred init to read W and b
    const W = net.get(0).collectParams().get('weight')?.data().arraySync() as number[][];
    const b = net.get(0).collectParams().get('bias')?.data().arraySync() as number[];
    // A no-op updater keeps the weights fixed, so the epoch's figures are those of W, b on the data.
    const [m] = trainCh3(
      net,
      new DataLoader(train, { batchSize: 64 }),
      new DataLoader(test, { batchSize: 100 }),
      new SoftmaxCrossEntropyLoss(),
      1,
      64,
      { trainer: { step: () => {} }, print: (l) => lines.push(l) },
    );
    const figures = (d: ArrayDataset) => {
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < d.count; i++) {
        const o = W.map((row, k) => row.reduce((s, w, j) => s + (w * (d.images[i * 784 + j] ?? 0)) / 255, b[k] ?? 0));
        const max = Math.max(...o);
        const lse = max + Math.log(o.reduce((s, v) => s + Math.exp(v - max), 0));
        const y = d.labels[i] ?? 0;
        loss += lse - (o[y] ?? 0);
        if (o.indexOf(max) === y) correct += 1;
      }
      return { loss: loss / d.count, acc: correct / d.count };
    };
    const ref = figures(train);
    expect(m?.loss).toBeCloseTo(ref.loss, 4);
    expect(m?.trainAcc).toBeCloseTo(ref.acc, 10);
    expect(m?.testAcc).toBeCloseTo(figures(test).acc, 10);
    expect(m?.examples).toBe(1000);
    expect(lines).toEqual([formatEpoch(m!)]);
    expect(lines[0]).toMatch(/^epoch 1, loss \d\.\d{4}, train acc 0\.\d{3}, test acc 0\.\d{3}$/);
    net.dispose();
  });

  it('keeps tf.memory().numTensors flat across epochs and frees everything on dispose', () => {
    const base = tf.memory().numTensors;
    const net = concise();
    const loss = new SoftmaxCrossEntropyLoss();
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    const counts: number[] = [];
    const trainIter = new DataLoader(train, { batchSize: 100, shuffle: true, seed: 3 });
    const before = tf.memory().numTensors;
    const history = trainCh3(net, trainIter, new DataLoader(test, { batchSize: 100 }), loss, 3, 100, {
      trainer,
      print: () => {},
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    // New after training: W (its init was deferred to the first batch; b's shape was known) and the
    // two gradients the parameters hold. Nothing else survives a batch.
    expect(counts[0]).toBe(before + 3);
    expect(history.map((h) => h.numTensors)).toEqual(counts);
    expect(history[2]!.loss).toBeLessThan(history[0]!.loss);
    trainer.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('stops with DivergenceError naming the epoch when the loss is not finite', () => {
    const net = concise();
    const nanLoss = (yHat: tf.Tensor) => tf.mul(tf.sum(yHat, 1), Number.NaN);
    expect(() =>
      trainCh3(
        net,
        new DataLoader(train, { batchSize: 500 }),
        new DataLoader(test, { batchSize: 500 }),
        nanLoss,
        2,
        500,
        {
          trainer: { step: () => {} },
          print: () => {},
        },
      ),
    ).toThrow(new DivergenceError(1, Number.NaN, 1, 'the mean loss of the batch'));
    net.dispose();
  });

  it('needs a trainer or params with lr, and sane counts', () => {
    const net = concise();
    const it = new DataLoader(test, { batchSize: 500 });
    const loss = new SoftmaxCrossEntropyLoss();
    expect(() => trainCh3(net, it, it, loss, 1, 256)).toThrow(ConfigError);
    expect(() => trainCh3(net, it, it, loss, 0, 256, { trainer: { step: () => {} } })).toThrow(/numEpochs .* got 0/);
    expect(() => trainCh3(net, it, it, loss, 1, 2.5, { trainer: { step: () => {} } })).toThrow(/batchSize .* got 2.5/);
    net.dispose();
  });
});
