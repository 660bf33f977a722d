/**
 * Fault corpus, classes "silent wrong results" and "wrong messages" in the library: inputs that used
 * to give NaN weights, a NaN figure or a misleading message now throw a clear error of their own
 * class (the CLI maps them: EmptyDataError → 3, ConfigError → 2, DisposedError → 4), and nothing is
 * changed by the refused call.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tf } from '../../src/core/backend/tf.js';
import { main } from '../../src/cli/main.js';
import { record } from '../../src/core/autograd/record.js';
import { DataLoader } from '../../src/core/data/data-loader.js';
import { evaluate } from '../../src/core/d2l/evaluate-model.js';
import { evaluateAccuracy } from '../../src/core/d2l/evaluate.js';
import { SoftmaxRegressionScratch, crossEntropy, sgd } from '../../src/core/d2l/scratch/softmax-regression.js';
import { trainCh3 } from '../../src/core/d2l/train.js';
import { ConfigError, DisposedError, EmptyDataError } from '../../src/core/errors.js';
import { SoftmaxCrossEntropyLoss } from '../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../src/core/nn/dense.js';
import { Zeros } from '../../src/core/nn/init.js';
import { Trainer } from '../../src/core/trainer/trainer.js';
import { expectError, tempDir, values } from '../helpers.js';
import { REAL_DATA, expectRefused, runCli } from './input-harness.js';

/** An empty data set and its loader. */
const emptyLoader = () =>
  new DataLoader({ images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, featureSize: 4 }, { batchSize: 2 });

/** A scratch model on 4 features with gradients from one batch of 2. */
function withGrads(): SoftmaxRegressionScratch {
  const m = new SoftmaxRegressionScratch(4, 3);
  const r = record(() => {
    const yHat = m.forward(
      tf.tensor2d([
        [1, 2, 3, 4],
        [4, 3, 2, 1],
      ]),
    );
    return { yHat, l: crossEntropy(yHat, tf.tensor1d([0, 2], 'int32')) };
  });
  r.backward();
  r.dispose();
  return m;
}

describe('scratch sgd refuses what would write NaN weights', () => {
  test.each([
    ['batch size 0', 0.1, 0, /Expected batchSize to be a positive number, but got 0\./],
    ['batch size NaN', 0.1, Number.NaN, /Expected batchSize to be a positive number, but got NaN\./],
    ['a NaN learning rate', Number.NaN, 2, /Expected lr to be a positive finite float32 number, but got NaN\./],
    ['a negative learning rate', -0.1, 2, /but got -0\.1\./],
    ['a learning rate that is 0 in float32 (1e-46)', 1e-46, 2, /but got 1e-46\./],
  ])('%s: ConfigError, weights unchanged', (_, lr, batchSize, pattern) => {
    const m = withGrads();
    const before = values(m.W.data());
    expectError(() => sgd(m.params(), lr, batchSize), ConfigError, pattern);
    expect(values(m.W.data())).toEqual(before);
    m.dispose();
  });
});

describe('learning rates float32 cannot hold', () => {
  test.each([1e-46, 1e39])('new Trainer(..., { learningRate: %s }): ConfigError', (lr) => {
    const net = new Dense(2, { inUnits: 2 });
    net.initialize(Zeros());
    expectError(() => new Trainer(net.collectParams(), 'sgd', { learningRate: lr }), ConfigError, /float32/);
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    expectError(
      () => trainer.setLearningRate(lr),
      ConfigError,
      new RegExp(`${String(lr).replace('+', '\\+')} is (0|Infinity) in float32`),
    );
    expect(trainer.learningRate).toBe(0.1);
    net.dispose();
  });

  test.each(['1e-46', '1e39'])('softmax train --lr %s: exit 2 before any work', async (lr) => {
    let err = '';
    const code = await main(['train', '--lr', lr, '--log-level', 'silent'], {
      stdout: () => {},
      stderr: (t) => void (err += t),
    });
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`^softmax: --lr ${lr} is (0|Infinity) in float32, where training computes`));
  });
});

describe('empty data: a clear error, not NaN and not "diverged"', () => {
  const net = (X: tf.Tensor) => tf.zeros([X.shape[0] ?? 0, 3]);

  test('evaluateAccuracy of an empty loader throws EmptyDataError', () => {
    expectError(() => evaluateAccuracy(net, emptyLoader()), EmptyDataError, /yielded no examples/);
  });

  test('evaluate (softmax evaluate) of an empty loader throws EmptyDataError', () => {
    expectError(() => evaluate(net, emptyLoader(), ['a', 'b', 'c']), EmptyDataError, /yielded no examples/);
  });

  test('trainCh3 on empty iterators says the data is empty (not "use a smaller learning rate")', () => {
    const m = new SoftmaxRegressionScratch(4, 3);
    const err = expectError(
      () =>
        trainCh3((X) => m.forward(X), emptyLoader(), emptyLoader(), crossEntropy, 1, 2, {
          params: m.params(),
          lr: 0.1,
          print: () => {},
        }),
      EmptyDataError,
      /Epoch 1: the training data iterator yielded no examples/,
    );
    expect(err.message).not.toMatch(/learning rate|diverged/);
    m.dispose();
  });
});

describe('use after dispose() says so', () => {
  test('trainer.step after trainer.dispose(): DisposedError', () => {
    const net = new Dense(3, { inUnits: 4 });
    net.initialize(Zeros());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    const loss = new SoftmaxCrossEntropyLoss();
    const r = record(() => {
      const yHat = net.forward(tf.ones([2, 4]));
      return { yHat, l: loss.forward(yHat, tf.tensor1d([0, 1], 'int32')) };
    });
    r.backward();
    r.dispose();
    trainer.dispose();
    expectError(() => trainer.step(2), DisposedError, /Trainer\.step: this Trainer was disposed; create a new Trainer/);
    net.dispose();
  });

  test('r.backward() after r.dispose(): DisposedError, not "already called"', () => {
    const m = new SoftmaxRegressionScratch(4, 3);
    const r = record(() => {
      const yHat = m.forward(tf.ones([2, 4]));
      return { yHat, l: crossEntropy(yHat, tf.tensor1d([0, 1], 'int32')) };
    });
    r.dispose();
    const err = expectError(
      () => r.backward(),
      DisposedError,
      /backward\(\) after dispose\(\): this recording was disposed/,
    );
    expect(err.message).not.toMatch(/already called/);
    m.dispose();
  });
});

describe('--dataset mnist refuses Fashion-MNIST files (content digests)', () => {
  test('plain (decompressed) Fashion-MNIST files under MNIST names: exit 3 naming what they are', async () => {
    const dir = tempDir();
    for (const f of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ])
      execFileSync('sh', ['-c', `gunzip -c "${join(REAL_DATA, `${f}.gz`)}" > "${join(dir, f)}"`]);
    const run = await runCli([
      'train',
      '--dataset',
      'mnist',
      '--data-dir',
      dir,
      '--backend',
      'cpu',
      '--log-level',
      'silent',
    ]);
    expectRefused(
      run,
      3,
      /(train|t10k)-(images|labels)-idx\d-ubyte: is Fashion-MNIST's \1-\2-idx\d-ubyte\.gz, not the file this data set needs/,
    );
  });
});
