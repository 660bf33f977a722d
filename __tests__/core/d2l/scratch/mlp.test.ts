/**
 * The MLP from scratch (D2L §4.2, §4.6) against the concise network (§4.3): for the same weights (Dense
 * weight = Wᵀ) and batch, the same loss and gradients to 1e-6, without and with dropout (the same seed
 * draws the same masks), on every backend that loads here; relu and dropout_layer from their definitions.
 */
import * as autograd from '../../../../src/core/autograd/index.js';
import { initBackend } from '../../../../src/core/backend/registry.js';
import { tf } from '../../../../src/core/backend/tf.js';
import { MlpScratch, dropoutLayer, relu } from '../../../../src/core/d2l/scratch/mlp.js';
import { SoftmaxCrossEntropyLoss } from '../../../../src/core/loss/softmax-cross-entropy.js';
import type { Parameter } from '../../../../src/core/nn/parameter.js';
import { seed } from '../../../../src/core/random.js';
import '../../../../src/node/setup.js';
import { describeOn } from '../../../backends.js';
import { expectClose, expectNoLeak, seededRandom, values } from '../../../helpers.js';

const loss = new SoftmaxCrossEntropyLoss();

/** Loss and gradients (by key) of `net` on X, y, recorded with seed `s` (so dropout masks repeat). */
function lossAndGrads(
  net: (X: tf.Tensor) => tf.Tensor,
  params: Map<string, Parameter>,
  X: tf.Tensor,
  y: tf.Tensor,
  s: number,
) {
  seed(s);
  const r = autograd.record(() => {
    const yHat = net(X);
    return { yHat, l: loss.forward(yHat, y) };
  });
  r.backward();
  const out = { l: values(r.l), grads: [...params.values()].map((p) => values(p.grad as tf.Tensor)) };
  r.dispose();
  return out;
}

describeOn(['cpu', 'wasm', 'blas'], 'MlpScratch equals the concise MLP', (backend) => {
  beforeAll(async () => void (await initBackend(backend)));
  afterAll(async () => void (await initBackend('cpu')));

  it.each([
    ['no dropout', [256], []],
    ['dropout 0.2, 0.5 between two hidden layers', [32, 16], [0.2, 0.5]],
  ])('%s: loss and gradients to 1e-6 for the same weights and batch', (_, hiddens, dropouts) => {
    const rand = seededRandom(3);
    seed(1);
    const scratch = new MlpScratch({ hiddens: hiddens as number[], dropouts: dropouts as number[] });
    const concise = scratch.toConcise();
    const X = tf.tensor2d(
      Array.from({ length: 8 * 784 }, () => rand()),
      [8, 784],
    );
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 9], 'int32');
    const a = lossAndGrads((x) => scratch.forward(x), scratch.namedParams(), X, y, 42);
    const b = lossAndGrads((x) => concise.forward(x), concise.collectParams(), X, y, 42);
    expectClose(b.l, a.l, 1e-6, 1e-6);
    // Dense keeps W transposed: compare dW with the transpose of the concise weight gradient.
    const shapes = [...scratch.namedParams().values()].map((p) => p.shape);
    a.grads.forEach((g, i) => {
      const shape = shapes[i] as number[];
      const other = b.grads[i] as number[];
      const theirs =
        shape.length === 2
          ? values(tf.tidy(() => tf.transpose(tf.tensor2d(other, [shape[1] as number, shape[0] as number]))))
          : other;
      expectClose(theirs, g, 1e-5, 1e-6);
    });
    if (dropouts.length > 0) {
      // dropout acts: the same recording without training mode gives another loss
      const c = autograd.record(() => ({ l: loss.forward(scratch.forward(X), y) }), { trainMode: false });
      expect(values(c.l)).not.toEqual(a.l);
      c.dispose();
    }
    tf.dispose([X, y]);
    scratch.dispose();
    concise.dispose();
  });
});

describe('relu and dropoutLayer from scratch', () => {
  it('relu is max(X, 0)', () => {
    const x = tf.tensor1d([-2, -0, 0, 1.5]);
    const r = relu(x);
    expect(values(r)).toEqual([0, 0, 0, 1.5]);
    tf.dispose([x, r]);
  });

  it('dropoutLayer keeps about 1 − p, scales by 1/(1 − p), and is X at 0 and zeros at 1', () => {
    seed(4);
    const X = tf.ones([100, 100]);
    const d = dropoutLayer(X, 0.5);
    const kept = values(d).filter((v) => v !== 0);
    expect(Math.abs(kept.length - 5000)).toBeLessThan(300); // 6 sd of Binomial(10000, .5) = 300
    expect(new Set(kept)).toEqual(new Set([2]));
    const [zero, one] = [dropoutLayer(X, 0), dropoutLayer(X, 1)];
    expect(values(zero).every((v) => v === 1)).toBe(true);
    expect(values(one).every((v) => v === 0)).toBe(true);
    tf.dispose([X, d, zero, one]);
  });

  it('the scratch net drops only in training mode, and frees its intermediates', () => {
    const m = new MlpScratch({ hiddens: [16], dropouts: [0.5] });
    const X = tf.ones([4, 784]);
    const [p1, p2] = [m.forward(X), m.forward(X)];
    expect(values(p1)).toEqual(values(p2)); // evaluation twice: the same numbers
    expectNoLeak(() => void autograd.trainMode(() => m.forward(X)).dispose());
    tf.dispose([X, p1, p2]);
    m.dispose();
  });
});
