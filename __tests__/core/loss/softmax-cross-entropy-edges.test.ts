/**
 * Issue 13's fidelity cases: a masked logit of -inf, finite extremes, and log-probabilities of -inf
 * with `fromLogits`. Gluon picks the label's entry (`pick`), so only that entry is read; multiplying by
 * a one-hot would give 0·(-inf) = NaN. Expected values, on every backend:
 * - pred [[0, -inf, 1], [2, 0, -inf]], labels [0, 1]: log(1 + e) − 0 = 1.31326169 and log(e² + 1) − 0 =
 *   2.12692801; PyTorch 1.13 `F.cross_entropy(..., reduction='none')` prints tensor([1.3133, 2.1269]).
 * - pred [3e38, -3e38], label 0: shifted [0, -inf], Σ exp = 1, loss log(1) − 0 = 0 (PyTorch: -0.).
 * - fromLogits, pred [[0, -inf], [-inf, 0]], labels [0, 1]: −pick = [0, 0] (PyTorch `nll_loss`: -0., -0.).
 * The gradient stays finite: softmax − oneHot, with 0 at the masked entry.
 * And labels out of range are clipped, as MXNet's pick (mode 'clip') does: pred [3, 1, 0] with label 7
 * reads class 2, log(e³ + e + 1) − 0 = 3.16984, and label −1 reads class 0, 3.16984 − 3 = 0.16984
 * (wasm's ClipByValue once left int32 labels unclipped: the loss then read no class at all).
 */
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import '../../../src/node/setup.js';
import { describeOn } from '../../backends.js';

const inf = Number.POSITIVE_INFINITY;

function lossAndGrad(pred: number[][], labels: number[], options = {}): { l: number[]; g: number[] } {
  return tf.tidy(() => {
    const p = tf.tensor2d(pred);
    const y = tf.tensor1d(labels, 'int32');
    const loss = new SoftmaxCrossEntropyLoss(options);
    const g = tf.grad((x: tf.Tensor) => tf.sum(loss.forward(x, y)))(p);
    return { l: Array.from(loss.forward(p, y).dataSync()), g: Array.from(g.dataSync()) };
  });
}

afterAll(async () => {
  await initBackend('cpu');
});

describeOn(['cpu', 'blas', 'wasm'], 'SoftmaxCrossEntropyLoss at the edges', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('a masked logit of -inf: the finite loss Gluon and PyTorch give, and a finite gradient', () => {
    const { l, g } = lossAndGrad(
      [
        [0, -inf, 1],
        [2, 0, -inf],
      ],
      [0, 1],
    );
    expect(l[0]).toBeCloseTo(Math.log(1 + Math.E), 5);
    expect(l[1]).toBeCloseTo(Math.log(Math.E ** 2 + 1), 5);
    expect(g.every(Number.isFinite)).toBe(true);
    // d/dz = softmax(z) − oneHot: row 1 is [1/(1+e) − 1, 0, e/(1+e)].
    expect(g[0]).toBeCloseTo(1 / (1 + Math.E) - 1, 5);
    expect(g[1]).toBe(0);
    expect(g[2]).toBeCloseTo(Math.E / (1 + Math.E), 5);
  });

  it('finite extremes [3e38, -3e38] with label 0: loss 0', () => {
    const { l, g } = lossAndGrad([[3e38, -3e38]], [0]);
    expect(Math.abs(l[0] ?? Number.NaN)).toBe(0);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('fromLogits with log-probabilities of -inf: −pick gives [0, 0]', () => {
    const { l } = lossAndGrad(
      [
        [0, -inf],
        [-inf, 0],
      ],
      [0, 1],
      { fromLogits: true },
    );
    expect(l.map(Math.abs)).toEqual([0, 0]);
  });

  it('finite scores keep their values: the pick equals the one-hot product there', () => {
    // The golden numbers of STYLE §9: CE of [[0, 2], [1, 4]], labels [0, 1].
    const { l } = lossAndGrad(
      [
        [0, 2],
        [1, 4],
      ],
      [0, 1],
    );
    expect(l[0]).toBeCloseTo(2.12692809, 6);
    expect(l[1]).toBeCloseTo(0.04858733, 6);
  });

  it('labels out of range are clipped to the first and last class', () => {
    const { l } = lossAndGrad(
      [
        [3, 1, 0],
        [3, 1, 0],
      ],
      [7, -1],
    );
    const lse = Math.log(Math.E ** 3 + Math.E + 1);
    expect(l[0]).toBeCloseTo(lse, 5);
    expect(l[1]).toBeCloseTo(lse - 3, 5);
  });

  it('clipByValue on int32 clips (and leaves no data behind)', () => {
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor1d([-1, 7, 3, 5, 100, 2, 2147483647, -2147483648], 'int32');
    const c = tf.clipByValue(x, 0, 2);
    expect([c.dtype, Array.from(c.dataSync())]).toEqual(['int32', [0, 2, 2, 2, 2, 2, 2, 0]]);
    tf.dispose([x, c]);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
