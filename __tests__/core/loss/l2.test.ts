/**
 * L2Loss (gluon.loss.L2Loss): `weight/2 · (pred − label)²`, averaged over non-batch axes.
 * pred [[1,2],[3,4]], label [[0,0],[3,2]]: squared errors [[1,4],[0,4]], halved [[.5,2],[0,2]],
 * means [1.25, 1]; weight 2 doubles them; sampleWeight [[0.5],[1]] gives [0.625, 1]. PyTorch agrees:
 * 0.5·MSELoss(reduction='none')(pred, label).mean(1) = [1.25, 1.0].
 */
import { tf } from '../../../src/core/backend/tf.js';
import { ShapeError } from '../../../src/core/errors.js';
import { L2Loss } from '../../../src/core/loss/l2.js';
import { squaredLoss } from '../../../src/core/d2l/weight-decay.js';
import { expectClose, expectError, expectNoLeak, values } from '../../helpers.js';

describe('L2Loss', () => {
  const pred = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const label = tf.tensor2d([
    [0, 0],
    [3, 2],
  ]);
  afterAll(() => tf.dispose([pred, label]));

  it('gives ½·mean squared error per example, scaled by weight and sampleWeight', () => {
    const sw = tf.tensor2d([[0.5], [1]]);
    const cases: [L2Loss, tf.Tensor | undefined, number[]][] = [
      [new L2Loss(), undefined, [1.25, 1]],
      [new L2Loss({ weight: 2 }), undefined, [2.5, 2]],
      [new L2Loss(), sw, [0.625, 1]],
    ];
    for (const [loss, w, want] of cases) {
      const l = loss.forward(pred, label, w);
      expect(l.shape).toEqual([2]);
      expectClose(values(l), want, 0, 0);
      l.dispose();
    }
    sw.dispose();
  });

  it('reshapes the label like pred (Gluon _reshape_like), and equals the book squared_loss on [n, 1]', () => {
    const p = tf.tensor2d([[1], [2], [4]]);
    const y = tf.tensor1d([0, 2, 1]);
    const [a, b] = [new L2Loss().forward(p, y), squaredLoss(p, y)];
    expect(values(a)).toEqual([0.5, 0, 4.5]);
    expect(values(b)).toEqual([0.5, 0, 4.5]);
    tf.dispose([p, y, a, b]);
  });

  it('refuses a label of another size, and frees its intermediates', () => {
    const bad = tf.zeros([3]);
    expectError(() => new L2Loss().forward(pred, bad), ShapeError, /label of shape \[3\].*\[2,2\]/);
    bad.dispose();
    expectNoLeak(() => new L2Loss().forward(pred, label).dispose());
  });
});
