/** net.saveParameters / loadParameters, loadModel, and Trainer.saveStates / loadStates on a slice of the real data. */
import { join } from 'node:path';
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';
import type { ArrayDataset } from '../../../src/core/data/dataset.js';
import { FASHION_MNIST_CLASSES } from '../../../src/core/data/fashion-mnist.js';
import { ModelFormatError, ModelMismatchError } from '../../../src/core/errors.js';
import { loadModel } from '../../../src/core/nn/model.js';
import { evaluate } from '../../../src/core/d2l/evaluate-model.js';
import { trainEpochCh3 } from '../../../src/core/d2l/train.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Normal } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import { firstExamples, realSlices, tempDir } from '../../helpers.js';

let train: ArrayDataset;
let test: ArrayDataset;
beforeAll(async () => {
  ({ train, test } = await realSlices(2000, 1000));
});

function trained(optimizer: 'sgd' | 'adam' = 'sgd') {
  seed(5);
  const net = new Sequential().add(new Dense(10));
  net.initialize(Normal(0.01));
  const trainer = new Trainer(
    net.collectParams(),
    optimizer,
    optimizer === 'sgd' ? { learningRate: 0.1, momentum: 0.9 } : {},
  );
  trainEpochCh3(net, new DataLoader(train, { batchSize: 200 }), new SoftmaxCrossEntropyLoss(), trainer);
  return { net, trainer };
}
const accuracyOf = (net: Sequential) => evaluate(net, new DataLoader(test, { batchSize: 250 }), FASHION_MNIST_CLASSES);

describe('saved models', () => {
  it('save -> load -> evaluate gives the same figures as before saving', async () => {
    const { net, trainer } = trained();
    const before = accuracyOf(net);
    expect(before.accuracy).toBeGreaterThan(0.6);
    const dir = join(tempDir(), 'model');
    await net.saveParameters(dir, {
      classes: FASHION_MNIST_CLASSES,
      dataset: 'fashion-mnist',
      metrics: { testAcc: before.accuracy },
    });

    const fresh = new Sequential().add(new Dense(10)); // deferred: inUnits comes from the file
    const meta = await fresh.loadParameters(dir);
    expect(meta.classes).toEqual([...FASHION_MNIST_CLASSES]);
    expect(meta.architecture).toEqual({
      type: 'Sequential',
      layers: [{ type: 'Dense', units: 10, inUnits: 784, activation: null, useBias: true, flatten: true }],
    });
    expect(accuracyOf(fresh)).toEqual(before);

    const { net: rebuilt, meta: m2 } = await loadModel(dir);
    expect(m2.metrics).toEqual({ testAcc: before.accuracy });
    expect(accuracyOf(rebuilt)).toEqual(before);
    for (const n of [net, fresh, rebuilt]) n.dispose();
    trainer.dispose();
  });

  it('another architecture is ModelMismatchError (8) naming every key and shape, and changes nothing', async () => {
    const { net, trainer } = trained();
    const dir = join(tempDir(), 'model');
    await net.saveParameters(dir);
    const other = new Sequential().add(new Dense(5, { inUnits: 784 }), new Dense(10, { useBias: false }));
    other.initialize();
    const before = other.get(0).collectParams().get('weight')!.data().dataSync().slice();
    const err = await other.loadParameters(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMismatchError);
    expect((err as Error).message).toMatch(/'0\.weight' has shape \[10,784\] in the file but \[5,784\] in the network/);
    expect((err as Error).message).toMatch(/'0\.bias' has shape \[10\] in the file but \[5\]/);
    expect((err as Error).message).toMatch(/'1\.weight' \(shape \[10,\?\]\) is not in the file/);
    expect(Array.from(other.get(0).collectParams().get('weight')!.data().dataSync())).toEqual(Array.from(before));
    for (const n of [net, other]) n.dispose();
    trainer.dispose();
  });

  it('loadModel of a directory that is not a model is ModelFormatError (7)', async () => {
    const err = await loadModel(tempDir()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/model\.json: no such model manifest/);
  });

  it('Trainer.saveStates / loadStates restore momentum, so the next step is identical', async () => {
    const a = trained('sgd');
    const dir = join(tempDir(), 'trainer');
    await a.trainer.saveStates(dir);
    await a.net.saveParameters(join(dir, '..', 'model'));
    const b = new Sequential().add(new Dense(10));
    await b.loadParameters(join(dir, '..', 'model'));
    const trainerB = new Trainer(b.collectParams(), 'sgd', { learningRate: 0.5, momentum: 0.9 });
    await trainerB.loadStates(dir);
    expect(trainerB.learningRate).toBe(0.1);
    const one = firstExamples(train, 200);
    trainEpochCh3(a.net, new DataLoader(one, { batchSize: 200 }), new SoftmaxCrossEntropyLoss(), a.trainer);
    trainEpochCh3(b, new DataLoader(one, { batchSize: 200 }), new SoftmaxCrossEntropyLoss(), trainerB);
    const w = (n: Sequential) => Array.from(n.collectParams().get('0.weight')!.data().dataSync());
    expect(w(b)).toEqual(w(a.net));

    const adam = new Trainer(b.collectParams(), 'adam');
    const err = await adam.loadStates(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMismatchError);
    expect((err as Error).message).toMatch(/saved by optimizer "sgd", this Trainer uses 'adam'/);
    const numTensors = tf.memory().numTensors;
    await trainerB.loadStates(dir); // replacing state frees the old tensors
    expect(tf.memory().numTensors).toBe(numTensors);
    for (const t of [a.trainer, trainerB, adam]) t.dispose();
    a.net.dispose();
    b.dispose();
  });
});
