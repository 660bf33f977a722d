/** Trainer: hand-derived steps, stale gradients, update order, options, state and memory. */
import { record } from '../../../src/core/autograd/record.js';
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError, StaleGradientError } from '../../../src/core/errors.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';
import { Parameter } from '../../../src/core/nn/parameter.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import type { TrainerOptions } from '../../../src/core/trainer/trainer.js';
import { expectClose, expectError, expectNoLeak, valuesOf } from '../../helpers.js';

const made: Parameter[] = [];
afterEach(() => made.splice(0).forEach((p) => p.dispose()));

/** An initialized parameter holding `value`. */
function param(value: number[], name = 'w'): Parameter {
  const p = new Parameter(name, { shape: [value.length] });
  p.initialize(Constant(0));
  tf.tidy(() => p.setData(tf.tensor1d(value)));
  made.push(p);
  return p;
}

/** Publishes `grad` as if backward() had produced it. */
function grad(p: Parameter, g: number[]): void {
  p.setGrad(tf.tensor1d(g));
}

/** A trainer over one parameter `w` (value w0); returns its value after each step with the given grads and batch. */
function steps(
  optimizer: 'sgd' | 'adam',
  options: TrainerOptions,
  w0: number[],
  updates: [number[], number][],
): number[][] {
  const w = param(w0);
  const trainer = new Trainer(new Map([['w', w]]), optimizer, options);
  const out = updates.map(([g, batchSize]) => {
    grad(w, g);
    trainer.step(batchSize);
    return valuesOf(w);
  });
  trainer.dispose();
  return out;
}

describe('Trainer sgd, by hand', () => {
  // w = 0, Σ grad = 4 over a batch of 4, lr 1: step(4) ⇒ 0 − 1·4/4 = −1; step(1) ⇒ 0 − 4 = −4.
  it('step(4) gives −1 and step(1) gives −4 (STYLE §9)', () => {
    expect(steps('sgd', { learningRate: 1 }, [0], [[[4], 4]])).toEqual([[-1]]);
    expect(steps('sgd', { learningRate: 1 }, [0], [[[4], 1]])).toEqual([[-4]]);
  });

  // The last batch of Fashion-MNIST's 60000 at 256 is 96: Σ grad = 96·0.5 = 48 ⇒ w = −0.1·48/96 = −0.05.
  it('rescales a short last batch by 1/96', () => {
    expectClose(steps('sgd', { learningRate: 0.1 }, [0], [[[48], 96]])[0] ?? [], [-0.05], 1e-6);
  });

  it('defaults to lr 0.01 for sgd, 0.001 for adam', () => {
    const w = param([0]);
    expect(new Trainer(new Map([['w', w]]), 'sgd').learningRate).toBe(0.01);
    expect(new Trainer(new Map([['w', w]]), 'adam').learningRate).toBe(0.001);
  });

  // w ← w − lr·(grad/batchSize + wd·w) = 2 − 0.1·(4/2 + 0.5·2) = 1.7.
  it('applies weight decay', () => {
    expectClose(steps('sgd', { learningRate: 0.1, wd: 0.5 }, [2], [[[4], 2]])[0] ?? [], [1.7], 1e-6);
  });

  // lr 0.1, μ 0.9, w₀ = 1, Σ grad 4 over batch 2 (g = 2): m₁ = −0.2, w₁ = 0.8;
  // m₂ = 0.9·(−0.2) − 0.2 = −0.38, w₂ = 0.42.
  it('applies momentum over two steps', () => {
    const [w1, w2] = steps(
      'sgd',
      { learningRate: 0.1, momentum: 0.9 },
      [1],
      [
        [[4], 2],
        [[4], 2],
      ],
    );
    expectClose([...(w1 ?? []), ...(w2 ?? [])], [0.8, 0.42], 1e-6);
  });

  // g/batch = [10, −10, 0.5] (batch 4) clipped to ±2 ⇒ w = 0 − [2, −2, 0.5].
  it('clips the rescaled gradient with clipGradient', () => {
    expect(steps('sgd', { learningRate: 1, clipGradient: 2 }, [0, 0, 0], [[[40, -40, 2], 4]])).toEqual([[-2, 2, -0.5]]);
  });

  // Gluon passes clip_gradient to the kernel only when it is truthy: 0 means no clipping, not clip to 0.
  it('treats clipGradient 0 as off, as Gluon does', () => {
    expect(steps('sgd', { learningRate: 1, clipGradient: 0 }, [0], [[[4], 4]])).toEqual([[-1]]);
  });

  it('setLearningRate changes the step size', () => {
    const w = param([0]);
    const trainer = new Trainer(new Map([['w', w]]), 'sgd', { learningRate: 1 });
    trainer.setLearningRate(0.5);
    expect(trainer.learningRate).toBe(0.5);
    grad(w, [4]);
    trainer.step(4);
    expect(valuesOf(w)).toEqual([-0.5]);
    expectError(() => trainer.setLearningRate(-1), ConfigError, /positive learning rate, but got -1/);
  });
});

describe('Trainer adam, by hand', () => {
  // Same numbers as the adamUpdate test (lr 0.1, w₀ = 1, g = 0.5 then −1.5, batch 1):
  // t = 1: w = 1 − 0.0316228·0.05/0.0158114 = 0.9000001; t = 2: w = 0.9000001 + 0.0235317·2.1001046 = 0.9494190.
  it('counts t per parameter and takes two bias-corrected steps', () => {
    const [w1, w2] = steps(
      'adam',
      { learningRate: 0.1 },
      [1],
      [
        [[0.5], 1],
        [[-1.5], 1],
      ],
    );
    expectClose([...(w1 ?? []), ...(w2 ?? [])], [0.9000001, 0.949419], 1e-6);
  });

  // Batch 4, Σ grad 2 ⇒ g = 0.5: the first Adam step moves by lr·sign(g) whatever |g|, so w = 1 − 0.1.
  it('rescales by 1/batchSize', () => {
    expectClose(steps('adam', { learningRate: 0.1 }, [1], [[[2], 4]])[0] ?? [], [0.9], 1e-6);
  });
});

describe('Trainer stale gradients', () => {
  it('throws StaleGradientError naming the key when a gradient was not refreshed', () => {
    const w = param([0]);
    const trainer = new Trainer(new Map([['0.weight', w]]), 'sgd', { learningRate: 1 });
    const err = expectError(
      () => trainer.step(1),
      StaleGradientError,
      /Parameter '0\.weight' has not been updated by backward.*ignoreStaleGrad/,
    );
    expect((err as StaleGradientError).param).toBe('0.weight');
    grad(w, [1]);
    trainer.step(1);
    expectError(() => trainer.step(1), StaleGradientError, /'0\.weight'/);
    expect(valuesOf(w)).toEqual([-1]); // the failed step changed nothing
  });

  it('ignoreStaleGrad skips stale parameters and updates fresh ones', () => {
    const [a, b] = [param([1], 'a'), param([1], 'b')];
    const trainer = new Trainer(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      'sgd',
      { learningRate: 1 },
    );
    grad(a, [1]);
    grad(b, [1]);
    trainer.step(1);
    grad(b, [2]);
    trainer.step(1, { ignoreStaleGrad: true });
    expect([valuesOf(a), valuesOf(b)]).toEqual([[0], [-2]]);
    expect(b.freshGrad).toBe(false);
  });

  it('skips parameters with gradReq null', () => {
    const frozen = new Parameter('frozen', { shape: [1], gradReq: 'null' });
    frozen.initialize(Constant(3));
    made.push(frozen);
    const w = param([0]);
    const trainer = new Trainer(
      new Map([
        ['frozen', frozen],
        ['w', w],
      ]),
      'sgd',
      { learningRate: 1 },
    );
    grad(w, [1]);
    trainer.step(1);
    expect([valuesOf(frozen), valuesOf(w)]).toEqual([[3], [-1]]);
  });
});

describe('Trainer update order', () => {
  it('updates parameters in sorted-key order, whatever the insertion order', () => {
    const keys = ['b', '2.weight', 'a', '10.weight'];
    const params = keys.map((k) => param([0], k));
    const trainer = new Trainer(new Map(keys.map((k, i) => [k, params[i]!])), 'sgd', { learningRate: 1 });
    // Stale everywhere: the first key checked, in sorted order, is named.
    expectError(() => trainer.step(1), StaleGradientError, /'10\.weight'/);
    const spies = params.map((p) => jest.spyOn(p, 'data'));
    params.forEach((p) => grad(p, [1]));
    trainer.step(1);
    const firstCall = spies.map((s) => s.mock.invocationCallOrder[0] ?? Number.POSITIVE_INFINITY);
    const order = keys
      .map((k, i) => ({ k, at: firstCall[i] ?? 0 }))
      .sort((x, y) => x.at - y.at)
      .map((x) => x.k);
    expect(order).toEqual(['10.weight', '2.weight', 'a', 'b']);
    spies.forEach((s) => s.mockRestore());
  });
});

describe('Trainer options', () => {
  const one = () => new Map([['w', param([0])]]);

  it('throws ConfigError naming an option that does not apply', () => {
    expectError(() => new Trainer(one(), 'adam', { momentum: 0.9 }), ConfigError, /momentum do not apply to 'adam'/);
    expectError(() => new Trainer(one(), 'sgd', { beta1: 0.9 }), ConfigError, /beta1 do not apply to 'sgd'/);
    const snake = { learning_rate: 0.1 } as unknown as TrainerOptions;
    expectError(() => new Trainer(one(), 'sgd', snake), ConfigError, /learning_rate/);
  });

  it('throws ConfigError naming a bad value, optimizer or batch size', () => {
    expectError(() => new Trainer(one(), 'sgd', { learningRate: Number.NaN }), ConfigError, /learningRate.*NaN/);
    expectError(() => new Trainer(one(), 'sgd', { learningRate: -0.1 }), ConfigError, /learningRate.*-0\.1/);
    const rmsprop = 'rmsprop' as unknown as 'sgd';
    expectError(() => new Trainer(one(), rmsprop), ConfigError, /Unknown optimizer 'rmsprop'/);
    expectError(() => new Trainer(new Map(), 'sgd'), ConfigError, /no parameters/);
    expectError(() => new Trainer(one(), 'sgd').step(0), ConfigError, /positive batchSize, but got 0/);
  });
});

describe('Trainer memory', () => {
  it.each([
    ['sgd', { momentum: 0.9 }],
    ['adam', {}],
  ] as const)('%s: dispose frees the optimizer state', (optimizer, options) => {
    const w = param([0, 0]);
    const before = tf.memory().numTensors;
    const trainer = new Trainer(new Map([['w', w]]), optimizer, options);
    grad(w, [1, 1]); // +1 tensor, owned by w
    trainer.step(1);
    expect(tf.memory().numTensors).toBeGreaterThan(before + 1);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
  });

  it.each([
    ['sgd', { learningRate: 0.1, momentum: 0.9, wd: 1e-4 }],
    ['adam', { clipGradient: 1 }],
  ] as const)(
    '%s: one training step (record, backward, step, dispose) leaves numTensors unchanged',
    (optimizer, options) => {
      const net = new Dense(3);
      net.initialize();
      const loss = new SoftmaxCrossEntropyLoss();
      const trainer = new Trainer(net.collectParams(), optimizer, options);
      const X = tf.ones([4, 5]);
      const y = tf.tensor1d([0, 1, 2, 1], 'int32');
      expectNoLeak(() => {
        const r = record(() => {
          const yHat = net.forward(X);
          return { yHat, l: loss.forward(yHat, y) };
        });
        r.backward();
        trainer.step(X.shape[0]);
        r.dispose();
      });
      tf.dispose([X, y]);
      trainer.dispose();
      net.dispose();
    },
  );
});
