/**
 * The MLP chapters through the book's loop on a slice of the real data: concise (D2L 4.3, 4.6) and
 * scratch (4.2, 4.6) learn, leak no tensor across epochs (STYLE §4.4: numTensors the same after every
 * epoch), and evaluating a dropout network twice gives the same accuracy (dropout is off outside record).
 */
import { DataLoader } from '../../../src/core/data/data-loader.js';
import type { ArrayDataset } from '../../../src/core/data/dataset.js';
import { evaluateAccuracy } from '../../../src/core/d2l/evaluate.js';
import { MlpScratch } from '../../../src/core/d2l/scratch/mlp.js';
import { trainCh3 } from '../../../src/core/d2l/train.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Dropout } from '../../../src/core/nn/dropout.js';
import { Normal } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import { realSlices } from '../../helpers.js';

let train: ArrayDataset;
let test: ArrayDataset;
beforeAll(async () => {
  ({ train, test } = await realSlices(3000, 1000));
});

const iters = () =>
  [new DataLoader(train, { batchSize: 100, shuffle: true }), new DataLoader(test, { batchSize: 250 })] as const;
const quiet = { print: () => undefined };

describe('MLP training (D2L 4.2-4.6)', () => {
  it('concise MLP with dropout 0.2, 0.5: learns, no tensor leaks across epochs, deterministic evaluation', () => {
    seed(1);
    const net = new Sequential().add(
      new Dense(64, { activation: 'relu' }),
      new Dropout(0.2),
      new Dense(32, { activation: 'relu' }),
      new Dropout(0.5),
      new Dense(10),
    );
    net.initialize(Normal(0.01));
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 });
    const [trainIter, testIter] = iters();
    const history = trainCh3(net, trainIter, testIter, new SoftmaxCrossEntropyLoss(), 4, 100, { trainer, ...quiet });
    expect(new Set(history.map((h) => h.numTensors)).size).toBe(1);
    // 120 updates from N(0, 0.01²) weights: well past chance (0.1), and still falling
    expect(history.at(-1)!.testAcc).toBeGreaterThan(0.3);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
    expect(evaluateAccuracy(net, testIter)).toBe(evaluateAccuracy(net, testIter));
    trainer.dispose();
    net.dispose();
  });

  it('scratch MLP (relu from maximum, the book sgd) learns and leaks nothing', () => {
    seed(2);
    const model = new MlpScratch({ hiddens: [64], dropouts: [0.2] });
    const [trainIter, testIter] = iters();
    const net = (X: Parameters<MlpScratch['forward']>[0]) => model.forward(X);
    const history = trainCh3(net, trainIter, testIter, new SoftmaxCrossEntropyLoss(), 4, 100, {
      params: model.params(),
      lr: 0.1,
      ...quiet,
    });
    expect(new Set(history.map((h) => h.numTensors)).size).toBe(1);
    expect(history.at(-1)!.testAcc).toBeGreaterThan(0.6);
    model.dispose();
  });
});
