/**
 * The from-scratch chapter: softmax, cross-entropy and sgd by hand, and the differential test
 * scratch == concise (same W, b ⇒ same loss and gradients, Dense weight = Wᵀ).
 */
import { record } from '../../../../src/core/autograd/record.js';
import { tf } from '../../../../src/core/backend/tf.js';
import { ConfigError, ShapeError } from '../../../../src/core/errors.js';
import { accuracy } from '../../../../src/core/d2l/evaluate.js';
import { SoftmaxCrossEntropyLoss } from '../../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../../src/core/nn/dense.js';
import { Constant } from '../../../../src/core/nn/init.js';
import { Parameter } from '../../../../src/core/nn/parameter.js';
import { seed } from '../../../../src/core/random.js';
import {
  SoftmaxRegressionScratch,
  crossEntropy,
  sgd,
  softmax,
} from '../../../../src/core/d2l/scratch/softmax-regression.js';
import {
  affine64,
  expectClose,
  expectError,
  expectNoLeak,
  gradOf,
  numericGrad,
  rows,
  seededRandom,
  softmaxCE64,
  transpose,
  uniformData,
  values,
  valuesOf,
} from '../../../helpers.js';

/** `f` applied to a tensor built from `data`, read back as a flat array. */
function apply(f: (t: tf.Tensor) => tf.Tensor, data: number[][]): number[] {
  return tf.tidy(() => values(f(tf.tensor2d(data))));
}

describe('softmax', () => {
  // softmax([0, ln 3]) = [1, 3]/4; softmax([c, c, c]) = 1/3 each.
  it('gives exp(x)/Σ exp(x) row-wise', () => {
    expectClose(
      apply(softmax, [
        [0, Math.log(3)],
        [2, 2],
      ]),
      [0.25, 0.75, 0.5, 0.5],
      1e-6,
    );
  });

  it('has rows that sum to 1', () => {
    const p = apply(softmax, rows(uniformData(5, 40, -5, 5), 8));
    rows(p, 8).forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6));
  });

  // [1000, 1001] → [1, e]/(1 + e) = [0.2689414, 0.7310586], where exp(1000) alone is Infinity.
  it('is stable for large inputs', () => {
    const p = apply(softmax, [
      [1000, 1001],
      [-1000, -1001],
      [1e4, 0],
    ]);
    expect(p.every(Number.isFinite)).toBe(true);
    expectClose(p, [0.2689414, 0.7310586, 0.7310586, 0.2689414, 1, 0], 1e-6);
  });

  // d/dx Σ w·softmax(x) = p ⊙ (w − p·w) per row: the book's gradient, in float64 by hand; and a
  // finite difference. Nothing flows through the row max, as none does through a constant.
  it('has the gradient of exp(x)/Σ exp(x), by hand and by finite differences, large scores included', () => {
    const X = [
      [0.5, -1.25, 2],
      [30, 31, 29.5],
      [-3, 0, 0],
    ];
    const w = [
      [1, 2, 3],
      [-1, 0.5, 4],
      [2, 2, -2],
    ];
    const grad = tf.tidy(() =>
      values(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(softmax(x), tf.tensor2d(w))))(tf.tensor2d(X))),
    );
    const byHand = X.flatMap((x, i) => {
      const e = x.map((v) => Math.exp(v - Math.max(...x)));
      const p = e.map((v) => v / e.reduce((a, b) => a + b, 0));
      const wi = w[i] as number[];
      const pw = p.reduce((a, pj, j) => a + pj * (wi[j] as number), 0);
      return p.map((pj, j) => pj * ((wi[j] as number) - pw));
    });
    expectClose(grad, byHand, 1e-5, 1e-6);
    const f = (flat: number[]) =>
      rows(flat, 3).reduce((acc, x, i) => {
        const e = x.map((v) => Math.exp(v - Math.max(...x)));
        const total = e.reduce((a, b) => a + b, 0);
        return acc + e.reduce((a, v, j) => a + (v / total) * ((w[i] as number[])[j] as number), 0);
      }, 0);
    expectClose(grad, numericGrad(f, X.flat()), 1e-4, 1e-5);
  });
});

describe('crossEntropy', () => {
  // −log ŷ[y]: row 0 picks 0.75 ⇒ −log 0.75 = 0.2876821; row 1 picks 0.5 ⇒ log 2.
  it('is −log ŷ[i, y_i]', () => {
    const l = tf.tidy(() =>
      values(
        crossEntropy(
          tf.tensor2d([
            [0.25, 0.75],
            [0.5, 0.5],
          ]),
          tf.tensor1d([1, 0], 'int32'),
        ),
      ),
    );
    expectClose(l, [-Math.log(0.75), Math.LN2], 1e-6);
  });

  // ŷ = 0 is guarded at the smallest normal float32 2⁻¹²⁶: −log 2⁻¹²⁶ = 126·ln 2 = 87.336544.
  it('stays finite where the picked probability is 0', () => {
    const l = tf.tidy(() => values(crossEntropy(tf.tensor2d([[0, 1]]), tf.tensor1d([0], 'int32'))));
    expectClose(l, [126 * Math.LN2], 1e-6);
  });

  it('throws ShapeError naming both shapes', () => {
    const [yHat, y] = [tf.zeros([2, 3]), tf.zeros([3], 'int32')];
    expectError(() => crossEntropy(yHat, y), ShapeError, /\[2,3\] and \[3\]/);
    tf.dispose([yHat, y]);
  });
});

describe('sgd', () => {
  // param ← param − lr·grad/batchSize = [1, 2] − 0.5·[4, 8]/4 = [0.5, 1].
  it('steps param − lr·grad/batchSize and marks the gradient used', () => {
    const p = new Parameter('p', { shape: [2] });
    p.initialize(Constant(0));
    tf.tidy(() => p.setData(tf.tensor1d([1, 2])));
    p.setGrad(tf.tensor1d([4, 8]));
    sgd([p], 0.5, 4);
    expect(valuesOf(p)).toEqual([0.5, 1]);
    expect(p.freshGrad).toBe(false);
    p.dispose();
  });

  it('throws ConfigError naming a parameter without gradient', () => {
    const p = new Parameter('scratch/W', { shape: [1] });
    p.initialize(Constant(0));
    expectError(() => sgd([p], 0.1, 1), ConfigError, /'scratch\/W' has no gradient/);
    p.dispose();
  });
});

describe('SoftmaxRegressionScratch', () => {
  it('starts with W ~ N(0, σ²) of shape [inputs, outputs] and b = 0', () => {
    seed(0);
    const model = new SoftmaxRegressionScratch(784, 10);
    const W = valuesOf(model.W);
    expect(model.W.data().shape).toEqual([784, 10]);
    const std = Math.sqrt(W.reduce((s, w) => s + w * w, 0) / W.length);
    expect(std).toBeCloseTo(0.01, 3);
    expect(valuesOf(model.b)).toEqual(new Array(10).fill(0));
    model.dispose();
  });

  it('updater(lr).step(batchSize) is sgd on [W, b]', () => {
    const model = new SoftmaxRegressionScratch(2, 2);
    tf.tidy(() => model.W.setData(tf.zeros([2, 2])));
    model.W.setGrad(tf.fill([2, 2], 4));
    model.b.setGrad(tf.tensor1d([2, -2]));
    model.updater(1).step(4); // W = 0 − 4/4, b = 0 − [2, −2]/4
    expect([valuesOf(model.W), valuesOf(model.b)]).toEqual([
      [-1, -1, -1, -1],
      [-0.5, 0.5],
    ]);
    model.dispose();
  });
});

describe('scratch == concise (differential)', () => {
  const [batch, features, classes] = [6, 5, 3];
  const X = uniformData(21, batch * features, -2, 2);
  const W = rows(uniformData(22, features * classes), classes); // scratch layout [features, classes]
  const b = uniformData(23, classes, -0.5, 0.5);
  const y = [0, 2, 1, 1, 0, 2];

  it('gives the same loss and gradients for the same W, b (Dense weight = Wᵀ)', () => {
    const scratch = new SoftmaxRegressionScratch(features, classes);
    const concise = new Dense(classes, { inUnits: features });
    concise.initialize();
    tf.tidy(() => {
      scratch.W.setData(tf.tensor2d(W));
      scratch.b.setData(tf.tensor1d(b));
      concise.weight.setData(tf.tensor2d(transpose(W)));
      concise.bias?.setData(tf.tensor1d(b));
    });
    const loss = new SoftmaxCrossEntropyLoss();
    const [Xt, yt] = [tf.tensor2d(X, [batch, features]), tf.tensor1d(y, 'int32')];

    const rs = record(() => ({ l: crossEntropy(scratch.forward(Xt), yt) }));
    const rc = record(() => ({ l: loss.forward(concise.forward(Xt), yt) }));
    expectClose(values(rs.l), values(rc.l), 1e-5, 1e-6);
    // Both also match the float64 definition −log softmax(x_i·W + b)[y_i].
    expectClose(values(rs.l), softmaxCE64(affine64(rows(X, features), transpose(W), b), y), 1e-5, 1e-6);
    rs.backward();
    rc.backward();
    [rs, rc].forEach((r) => r.dispose());

    const conciseW = rows(gradOf(concise.weight), features);
    expectClose(gradOf(scratch.W), transpose(conciseW).flat(), 1e-4, 1e-6);
    expectClose(gradOf(scratch.b), gradOf(concise.bias!), 1e-4, 1e-6);
    tf.dispose([Xt, yt]);
    scratch.dispose();
    concise.dispose();
  });
});

describe('accuracy', () => {
  // argmax rows: 1, 0, 1, 2 against labels 1, 1, 1, 2 ⇒ 3 correct.
  it('counts argmax(ŷ) == y', () => {
    const yHat = tf.tensor2d([
      [0.1, 0.9, 0],
      [0.8, 0.2, 0],
      [0.3, 0.7, 0],
      [0, 0.1, 0.9],
    ]);
    const y = tf.tensor1d([1, 1, 1, 2], 'int32');
    expect(accuracy(yHat, y)).toBe(3);
    tf.dispose([yHat, y]);
  });

  it('counts as argMax/equal/sum do: ties go to the first maximum, NaN never wins, float labels truncate', () => {
    // Integers in [0, 4) make ties common; a few NaN; labels as int32 and as floats.
    const random = seededRandom(7);
    const int = (n: number) => Math.floor(random() * n); // an integer in [0, n)
    const [batch, classes] = [64, 5];
    const scores = Array.from({ length: batch * classes }, () => (int(23) === 0 ? NaN : int(4)));
    const labels = Array.from({ length: batch }, () => int(classes));
    const yHat = tf.tensor2d(scores, [batch, classes]);
    const kernels = (y: tf.Tensor) =>
      tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(yHat, 1), tf.cast(y, 'int32')), 'int32')).dataSync()[0]);
    const yInt = tf.tensor1d(labels, 'int32');
    const yFloat = tf.tensor1d(labels.map((l) => l + 0.75)); // truncated back to l by the cast
    expect(accuracy(yHat, yInt)).toBe(kernels(yInt));
    expect(accuracy(yHat, yFloat)).toBe(kernels(yFloat));
    expect(accuracy(yHat, yInt)).toBeGreaterThan(0);
    tf.dispose([yHat, yInt, yFloat]);
  });
});

describe('scratch memory', () => {
  it('leaves numTensors unchanged for softmax, crossEntropy, forward, record and sgd', () => {
    const model = new SoftmaxRegressionScratch(4, 3);
    const [Xt, yt] = [tf.ones([2, 4]), tf.tensor1d([0, 2], 'int32')];
    const updater = model.updater(0.1);
    expectNoLeak(() => {
      softmax(Xt).dispose();
      const yHat = model.forward(Xt);
      crossEntropy(yHat, yt).dispose();
      accuracy(yHat, yt);
      yHat.dispose();
      const r = record(() => ({ l: crossEntropy(model.forward(Xt), yt) }));
      r.backward();
      updater.step(2);
      r.dispose();
    });
    tf.dispose([Xt, yt]);
    model.dispose();
  });
});
