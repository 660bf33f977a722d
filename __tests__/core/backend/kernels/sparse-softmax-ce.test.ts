/**
 * The fused sparse softmax cross-entropy kernels give the composite's numbers bit for bit, loss and
 * gradient, on awkward inputs (large and tiny scores, ±Infinity, NaN, out-of-range labels, one class),
 * on every backend they are registered for: cpu (the JavaScript loops) and blas (the addon's).
 */
import { initBackend } from '../../../../src/core/backend/registry.js';
import { tf } from '../../../../src/core/backend/tf.js';
import { SPARSE_SOFTMAX_CE } from '../../../../src/core/backend/kernels/sparse-softmax-ce.js';
import { SPARSE_SOFTMAX_CE_GRAD } from '../../../../src/core/backend/kernels/sparse-softmax-ce-grad.js';
import { SoftmaxCrossEntropyLoss } from '../../../../src/core/loss/softmax-cross-entropy.js';
import { describeOn, withoutKernels } from '../../../backends.js';
import { awkward, same } from './fixtures.js';

const FUSED = [SPARSE_SOFTMAX_CE, SPARSE_SOFTMAX_CE_GRAD];

/** Loss and d(Σ loss·w)/dpred through SoftmaxCrossEntropyLoss on the current backend. */
function lossAndGrad(z: Float32Array, labels: Int32Array, shape: number[]): { loss: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const pred = tf.tensor(z, shape, 'float32');
    const y = tf.tensor(labels, shape.slice(0, -1), 'int32');
    const batch = shape[0] as number;
    const w = tf.tensor(
      Float32Array.from({ length: batch }, (_, i) => 0.5 + (i % 3)),
      [batch],
    );
    const loss = new SoftmaxCrossEntropyLoss();
    const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(loss.forward(p, y), w)))(pred);
    return { loss: loss.forward(pred, y).dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

describeOn(['cpu', 'blas'], 'the fused kernels', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  afterAll(async () => {
    await initBackend('cpu');
  });

  it.each([[[4096, 10]], [[7, 3, 5]], [[5, 1]]])('fused == composite, bit for bit, for pred of shape %j', (shape) => {
    const classes = shape[shape.length - 1] as number;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const { z, labels } = awkward(rows, classes);
    const fused = lossAndGrad(z, labels, shape);
    const composite = withoutKernels(backend, FUSED, () => lossAndGrad(z, labels, shape));
    same(fused.loss, composite.loss);
    same(fused.grad, composite.grad);
    expect(fused.loss.some(Number.isFinite)).toBe(true);
  });

  it('logits held as an Int32Array (cast from int32) give the composite loss', () => {
    const run = () =>
      tf.tidy(() => {
        const z = tf.cast(tf.tensor2d([3, -2, 40, 0, 7, 7], [2, 3], 'int32'), 'float32');
        return Array.from(new SoftmaxCrossEntropyLoss().forward(z, tf.tensor1d([2, 0], 'int32')).dataSync());
      });
    const fused = run();
    expect(fused).toEqual(withoutKernels(backend, FUSED, run));
    expect(fused[0]).toBeCloseTo(0, 5);
  });
});

it('the kernels refuse inputs they do not handle, saying what they expected', async () => {
  await initBackend('cpu');
  const logits = tf.zeros([2, 3]);
  expect(() =>
    tf.engine().runKernel(SPARSE_SOFTMAX_CE, { logits, labels: tf.tensor1d([0, 1, 2], 'int32') }, {}),
  ).toThrow(
    /expected float32 logits \[\.\.\., C ≥ 1\] and one int32 label per row, got float32 \[2,3\] and int32 \[3\]/,
  );
  tf.dispose(logits);
});
