/**
 * MXNet's plain `sgd_update` as one op, `w ← (1 − lr·wd)·w − (lr·rescale)·g`: the backend's fused
 * kernel (`SGD_UPDATE`) when it is registered for the active backend, else the composite. Scalars are
 * combined in float32 in the kernel's order; both give the same bits on the cpu kernels (tested).
 */
import type { SgdUpdateAttrs } from '../kernels/sgd-update.js';
import { SGD_UPDATE } from '../kernels/sgd-update.js';
import { tf } from '../tf.js';
import { hasKernel } from './sparse-softmax-ce.js';

const f32 = Math.fround;

/** The new weight (caller owns it) for float32 `weight` and `grad` of one shape. */
export function sgdUpdate(
  weight: tf.Tensor,
  grad: tf.Tensor,
  h: { learningRate: number; wd: number; rescaleGrad: number },
): tf.Tensor {
  const lr = f32(h.learningRate);
  const lrWd = f32(lr * f32(h.wd));
  const scale = f32(lr * f32(h.rescaleGrad));
  const fusable =
    weight.dtype === 'float32' && grad.dtype === 'float32' && tf.util.arraysEqual(weight.shape, grad.shape);
  if (fusable && hasKernel(SGD_UPDATE)) {
    const attrs: SgdUpdateAttrs = { scale, decay: lrWd === 0 ? 1 : f32(1 - lrWd) };
    return tf.engine().runKernel(SGD_UPDATE, { weight, grad }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.tidy(() => tf.sub(lrWd === 0 ? weight : tf.mul(weight, f32(1 - lrWd)), tf.mul(grad, scale)));
}
