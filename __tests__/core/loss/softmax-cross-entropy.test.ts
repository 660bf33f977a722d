/**
 * SoftmaxCrossEntropyLoss against golden values derived by hand and a float64 reference, gradients
 * against central finite differences, shape contracts, errors and memory.
 */
import { record } from '../../../src/core/autograd/record.js';
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError, ShapeError } from '../../../src/core/errors.js';
import { SoftmaxCELoss, SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import {
  affine64,
  expectClose,
  expectError,
  expectNoLeak,
  gradOf,
  logSoftmax64,
  numericGrad,
  rows,
  softmaxCE64,
  uniformData,
  values,
} from '../../helpers.js';

/** Runs `loss.forward` on plain arrays and returns the per-example losses and their shape. */
function lossOf(
  loss: SoftmaxCrossEntropyLoss,
  pred: tf.Tensor,
  label: tf.Tensor,
  sampleWeight?: tf.Tensor,
): { shape: number[]; l: number[] } {
  const out = loss.forward(pred, label, sampleWeight);
  const result = { shape: out.shape, l: values(out) };
  tf.dispose([out, pred, label, ...(sampleWeight === undefined ? [] : [sampleWeight])]);
  return result;
}

const golden = () => ({
  pred: tf.tensor2d([
    [0, 2],
    [1, 4],
  ]),
  label: tf.tensor1d([0, 1], 'int32'),
});

describe('SoftmaxCrossEntropyLoss golden values (STYLE §9)', () => {
  // Row 0: pred [0, 2], label 0: −log(e⁰ / (e⁰ + e²)) = log(1 + e²) = log(8.389056) = 2.1269280.
  // Row 1: pred [1, 4], label 1: −log(e⁴ / (e¹ + e⁴)) = log(1 + e⁻³) = log(1.0497871) = 0.0485873.
  it('gives [2.12692809, 0.04858733] for pred [[0,2],[1,4]], label [0,1]', () => {
    const { pred, label } = golden();
    const { shape, l } = lossOf(new SoftmaxCrossEntropyLoss(), pred, label);
    expect(shape).toEqual([2]);
    expectClose(l, [2.12692809, 0.04858733], 1e-6);
  });

  // sampleWeight [[0.5],[1]] multiplies the per-example loss (class axis kept as 1):
  // 0.5 · 2.12692809 = 1.06346405, 1 · 0.04858733 = 0.04858733.
  it('gives [1.06346405, 0.04858733] with sampleWeight [[0.5],[1]]', () => {
    const { pred, label } = golden();
    const { l } = lossOf(new SoftmaxCrossEntropyLoss(), pred, label, tf.tensor2d([[0.5], [1]]));
    expectClose(l, [1.06346405, 0.04858733], 1e-6);
  });

  // The scalar weight multiplies every loss: 2 · [2.12692809, 0.04858733].
  it('multiplies by the scalar weight', () => {
    const { pred, label } = golden();
    const { l } = lossOf(new SoftmaxCrossEntropyLoss({ weight: 2 }), pred, label);
    expectClose(l, [4.25385618, 0.09717466], 1e-6);
  });

  it('accepts float labels (MXNet pick truncates them to integers)', () => {
    const { pred } = golden();
    const { l } = lossOf(new SoftmaxCrossEntropyLoss(), pred, tf.tensor1d([0, 1.7]));
    expectClose(l, [2.12692809, 0.04858733], 1e-6);
  });

  it('accepts sparse labels of shape [batch, 1]', () => {
    const { pred } = golden();
    const { l } = lossOf(new SoftmaxCrossEntropyLoss(), pred, tf.tensor2d([[0], [1]], [2, 1], 'int32'));
    expectClose(l, [2.12692809, 0.04858733], 1e-6);
  });

  // MXNet's pick (mode 'clip', the loss's default) clips an index to [0, classes − 1]:
  // label 5 picks class 1 (row 0: log(1 + e⁻²) = 0.12692801), label −1 picks class 0
  // (row 1: log(1 + e³) = 3.04858735). A one-hot of an out-of-range label would give 0.
  it('clips out-of-range labels to the class range, as MXNet pick does', () => {
    const { pred } = golden();
    const { l } = lossOf(new SoftmaxCrossEntropyLoss(), pred, tf.tensor1d([5, -1], 'int32'));
    expectClose(l, [0.12692801, 3.04858735], 1e-6);
  });

  it('is exported under the short name SoftmaxCELoss', () => {
    expect(SoftmaxCELoss).toBe(SoftmaxCrossEntropyLoss);
  });
});

describe('SoftmaxCrossEntropyLoss options', () => {
  // Gluon's fromLogits: true means pred is already log-softmax, used as is: l = −pred[label].
  // pred = log [[0.25, 0.75], [0.5, 0.5]], labels [0, 1] ⇒ [log 4, log 2].
  it('fromLogits: true takes pred as log-probabilities (Gluon meaning, not Keras)', () => {
    const loss = new SoftmaxCrossEntropyLoss({ fromLogits: true });
    const logp = tf.log(
      tf.tensor2d([
        [0.25, 0.75],
        [0.5, 0.5],
      ]),
    );
    expectClose(lossOf(loss, logp, tf.tensor1d([0, 1], 'int32')).l, [Math.log(4), Math.log(2)], 1e-6);
    // Raw scores are not normalized: pred [0, 2], label 1 ⇒ −2 (a softmax would give 0.126928).
    expectClose(lossOf(loss, tf.tensor2d([[0, 2]]), tf.tensor1d([1], 'int32')).l, [-2], 1e-7);
  });

  // Dense labels: l = −Σ_c label_c · log softmax(pred)_c, checked against float64 log-softmax.
  it('sparseLabel: false takes a distribution of pred’s shape', () => {
    const pred = [
      [0, 2, -1],
      [1, 4, 0.5],
    ];
    const label = [
      [0.2, 0.3, 0.5],
      [1, 0, 0],
    ];
    const expected = pred.map((z, i) => -logSoftmax64(z).reduce((s, lp, c) => s + lp * (label[i]?.[c] ?? 0), 0));
    const { shape, l } = lossOf(
      new SoftmaxCrossEntropyLoss({ sparseLabel: false }),
      tf.tensor2d(pred),
      tf.tensor2d(label),
    );
    expect(shape).toEqual([2]);
    expectClose(l, expected, 1e-6);
  });

  // pred [2, 3, 4] with the classes on axis 1: loss[n] = mean_p −log softmax(pred[n, :, p])[label[n, p]].
  it('takes the class axis from axis (rank-3 pred, axis 1), sparse and dense', () => {
    const flat = uniformData(1, 24, -3, 3);
    const at = (n: number, c: number, p: number): number => flat[n * 12 + c * 4 + p] ?? Number.NaN;
    const labels = [
      [0, 2, 1, 2],
      [1, 0, 0, 2],
    ];
    const column = (n: number, p: number): number[] => [0, 1, 2].map((c) => at(n, c, p));
    const expected = [0, 1].map((n) => {
      const per = [0, 1, 2, 3].map((p) => -(logSoftmax64(column(n, p))[labels[n]?.[p] ?? 0] ?? Number.NaN));
      return per.reduce((s, v) => s + v, 0) / 4;
    });
    const loss = new SoftmaxCrossEntropyLoss({ axis: 1 });
    const sparse = lossOf(loss, tf.tensor3d(flat, [2, 3, 4]), tf.tensor2d(labels, [2, 4], 'int32'));
    expect(sparse.shape).toEqual([2]);
    expectClose(sparse.l, expected, 1e-5);
    // The same labels one-hot along axis 1 give the same loss with sparseLabel: false.
    const oneHot = [0, 1].flatMap((n) =>
      [0, 1, 2].flatMap((c) => [0, 1, 2, 3].map((p) => (labels[n]?.[p] === c ? 1 : 0))),
    );
    const dense = new SoftmaxCrossEntropyLoss({ axis: 1, sparseLabel: false });
    expectClose(lossOf(dense, tf.tensor3d(flat, [2, 3, 4]), tf.tensor3d(oneHot, [2, 3, 4])).l, expected, 1e-5);
  });

  // pred [T=2, N=3, C=4] with batchAxis 1: loss[n] = mean_t −log softmax(pred[t, n, :])[label[t, n]].
  it('averages over every axis but batchAxis', () => {
    const flat = uniformData(2, 24, -2, 2);
    const labels = [
      [3, 0, 1],
      [2, 2, 0],
    ];
    const expected = [0, 1, 2].map((n) => {
      const per = [0, 1].map(
        (t) => softmaxCE64([flat.slice((t * 3 + n) * 4, (t * 3 + n + 1) * 4)], [labels[t]?.[n] ?? 0])[0] ?? 0,
      );
      return (per[0]! + per[1]!) / 2;
    });
    const { shape, l } = lossOf(
      new SoftmaxCrossEntropyLoss({ batchAxis: 1 }),
      tf.tensor3d(flat, [2, 3, 4]),
      tf.tensor2d(labels, [2, 3], 'int32'),
    );
    expect(shape).toEqual([3]);
    expectClose(l, expected, 1e-5);
  });

  it('returns one loss per example, shape [batch]', () => {
    const pred = tf.tensor2d(uniformData(3, 15), [5, 3]);
    expect(lossOf(new SoftmaxCrossEntropyLoss(), pred, tf.tensor1d([0, 1, 2, 0, 1], 'int32')).shape).toEqual([5]);
  });

  // −log softmax([1e4, 0])[1] = 1e4 + log(1 + e⁻¹⁰⁰⁰⁰) = 1e4; −log softmax([0, 1e4])[1] = log(1 + e⁻¹⁰⁰⁰⁰) = 0.
  it('stays finite for very large logits (1e4)', () => {
    const { l } = lossOf(
      new SoftmaxCrossEntropyLoss(),
      tf.tensor2d([
        [1e4, 0],
        [0, 1e4],
      ]),
      tf.tensor1d([1, 1], 'int32'),
    );
    expect(l.every(Number.isFinite)).toBe(true);
    expectClose(l, [1e4, 0], 1e-7, 1e-6);
  });
});

describe('SoftmaxCrossEntropyLoss errors', () => {
  it('throws ShapeError naming both shapes when label does not fit pred', () => {
    const loss = new SoftmaxCrossEntropyLoss();
    const pred = tf.zeros([2, 3]);
    const label = tf.tensor1d([0, 1, 2], 'int32');
    expectError(
      () => loss.forward(pred, label),
      ShapeError,
      /label of shape \[3\] does not fit pred of shape \[2,3\].*expected \[2\]/,
    );
    const dense = new SoftmaxCrossEntropyLoss({ sparseLabel: false });
    const wrong = tf.zeros([2, 4]);
    expectError(() => dense.forward(pred, wrong), ShapeError, /\[2,4\].*\[2,3\]/);
    tf.dispose([pred, label, wrong]);
  });

  it('throws ShapeError naming the shapes when sampleWeight does not broadcast', () => {
    const { pred, label } = golden();
    const sw = tf.ones([3]);
    expectError(
      () => new SoftmaxCrossEntropyLoss().forward(pred, label, sw),
      ShapeError,
      /sampleWeight of shape \[3\].*\[2,1\]/,
    );
    tf.dispose([pred, label, sw]);
  });

  it('throws ShapeError for an axis out of range', () => {
    const { pred, label } = golden();
    expectError(() => new SoftmaxCrossEntropyLoss({ axis: 2 }).forward(pred, label), ShapeError, /axis 2 .*\[2,2\]/);
    tf.dispose([pred, label]);
  });

  it('throws ConfigError naming a bad option value', () => {
    expectError(() => new SoftmaxCrossEntropyLoss({ batchAxis: -1 }), ConfigError, /batchAxis.*-1/);
    expectError(() => new SoftmaxCrossEntropyLoss({ weight: Number.NaN }), ConfigError, /weight.*NaN/);
    expectError(() => new SoftmaxCrossEntropyLoss({ axis: 1.5 }), ConfigError, /axis.*1\.5/);
  });
});

describe('SoftmaxCrossEntropyLoss gradients vs central finite differences', () => {
  const [batch, features, classes] = [4, 5, 3];
  const X = rows(uniformData(10, batch * features), features);
  const W = rows(uniformData(11, classes * features), features);
  const b = uniformData(12, classes);
  const y = [2, 0, 1, 2];

  /** Grads of Σ loss w.r.t. a Dense layer's weight and bias, from autograd. */
  function autogradGrads(
    loss: SoftmaxCrossEntropyLoss,
    label: () => tf.Tensor,
    sampleWeight?: number[][],
  ): { dW: number[]; db: number[] } {
    const net = new Dense(classes, { inUnits: features });
    net.initialize();
    tf.tidy(() => {
      net.weight.setData(tf.tensor2d(W));
      net.bias?.setData(tf.tensor1d(b));
    });
    const Xt = tf.tensor2d(X);
    const r = record(() =>
      tf.tidy(() => ({
        l: loss.forward(net.forward(Xt), label(), sampleWeight === undefined ? undefined : tf.tensor2d(sampleWeight)),
      })),
    );
    r.backward();
    r.dispose();
    const grads = { dW: gradOf(net.weight), db: net.bias === null ? [] : gradOf(net.bias) };
    Xt.dispose();
    net.dispose();
    return grads;
  }

  /** d/dθ of a float64 loss total(W, b) by central differences. */
  function finiteDifferences(total: (W: number[][], b: number[]) => number): { dW: number[]; db: number[] } {
    return {
      dW: numericGrad((w) => total(rows(w, features), b), W.flat()),
      db: numericGrad((bb) => total(W, bb), b),
    };
  }

  it('matches for sparse labels (the gradient of Σ_i −log softmax(W x_i + b)[y_i])', () => {
    const expected = finiteDifferences((w, bb) => softmaxCE64(affine64(X, w, bb), y).reduce((s, v) => s + v, 0));
    const got = autogradGrads(new SoftmaxCrossEntropyLoss(), () => tf.tensor1d(y, 'int32'));
    expectClose(got.dW, expected.dW, 1e-3, 1e-5);
    expectClose(got.db, expected.db, 1e-3, 1e-5);
  });

  it('matches for dense labels with sampleWeight and a scalar weight', () => {
    const dist = rows(uniformData(13, batch * classes, 0, 1), classes).map((r) =>
      r.map((v) => v / r.reduce((s, u) => s + u, 0)),
    );
    const sw = [[0.5], [2], [1], [0.25]];
    // l_i = 0.5 · sw_i · (−Σ_c dist_ic · log softmax(W x_i + b)_c)
    const expected = finiteDifferences((w, bb) =>
      affine64(X, w, bb).reduce((s, z, i) => {
        const ce = -logSoftmax64(z).reduce((t, lp, c) => t + lp * (dist[i]?.[c] ?? 0), 0);
        return s + 0.5 * (sw[i]?.[0] ?? 0) * ce;
      }, 0),
    );
    const loss = new SoftmaxCrossEntropyLoss({ sparseLabel: false, weight: 0.5 });
    const got = autogradGrads(loss, () => tf.tensor2d(dist), sw);
    expectClose(got.dW, expected.dW, 1e-3, 1e-5);
    expectClose(got.db, expected.db, 1e-3, 1e-5);
  });
});

describe('SoftmaxCrossEntropyLoss memory', () => {
  it('leaves numTensors unchanged (with and without sampleWeight)', () => {
    const { pred, label } = golden();
    const sw = tf.tensor2d([[0.5], [1]]);
    const loss = new SoftmaxCrossEntropyLoss({ weight: 2 });
    const rank3 = tf.zeros([2, 3, 4]);
    const label3 = tf.zeros([2, 4], 'int32');
    expectNoLeak(() => {
      loss.forward(pred, label).dispose();
      loss.forward(pred, label, sw).dispose();
      new SoftmaxCrossEntropyLoss({ axis: 1 }).forward(rank3, label3).dispose();
    });
    tf.dispose([pred, label, sw, rank3, label3]);
  });
});
