/**
 * Sparse softmax cross-entropy over the last axis as one op: the backend's fused kernels
 * (`SPARSE_SOFTMAX_CE`) when they are registered for the active backend, else the composite. Both
 * give the same bits on the cpu kernels (tested), so which one runs is invisible to the caller.
 */
import { SPARSE_SOFTMAX_CE } from '../kernels/sparse-softmax-ce.js';
import { SPARSE_SOFTMAX_CE_GRAD } from '../kernels/sparse-softmax-ce-grad.js';
import { tf } from '../tf.js';

/** Whether the active backend has `kernelName` registered. */
export const hasKernel = (kernelName: string): boolean => tf.getKernel(kernelName, tf.getBackend()) !== undefined;

/**
 * `l = log Σ exp(z) − z[label]` over the last axis (keepdims), z = pred − max(pred), with the gradient
 * `(softmax(pred) − oneHot)·dl`. Inputs: float32 `pred` `[..., C]`; int32 `labels`, one per row of
 * `pred` (any shape of that size, unclipped: clipped to [0, C − 1] here); `oneHot()` builds the float32
 * one-hot of the clipped labels for the composite. Output `[..., 1]`; caller owns it.
 */
export function sparseSoftmaxCrossEntropy(pred: tf.Tensor, labels: tf.Tensor, oneHot: () => tf.Tensor): tf.Tensor {
  const classes = pred.shape[pred.rank - 1] ?? 0;
  if (classes > 0 && pred.dtype === 'float32' && labels.dtype === 'int32' && hasKernel(SPARSE_SOFTMAX_CE)) {
    return tf.tidy(() => fused(pred, labels.rank === 1 ? labels : tf.reshape(labels, [-1])));
  }
  return tf.tidy(() => composite(pred, oneHot()));
}

type CustomGradFunc = Parameters<typeof tf.customGrad>[0];

/** `x` where `oneHot` is 1, else 0: MXNet's pick over the class axis, kept in place (sum it to read it). */
export function pick(x: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  return tf.where(tf.cast(oneHot, 'bool'), x, tf.zerosLike(x));
}

function composite(pred: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  // The one-hot target is a constant: closed over and saved, not an input, so it needs no gradient.
  const f = (logits: tf.Tensor, save: tf.GradSaveFunc) => {
    const shifted = tf.sub(logits, tf.max(logits, -1, true));
    const e = tf.exp(shifted);
    const s = tf.sum(e, -1, true);
    save([e, s, oneHot]);
    return {
      // The label's entry picked by a mask, not multiplied by the one-hot: 0·(-inf) would be NaN for a
      // masked logit. For finite scores the sum is the same (the entry plus zeros).
      value: tf.sub(tf.log(s), tf.sum(pick(shifted, oneHot), -1, true)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [eSaved, sSaved, oneHotSaved] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.mul(tf.sub(tf.div(eSaved, sSaved), oneHotSaved), dy);
      },
    };
  };
  return (tf.customGrad(f as unknown as CustomGradFunc) as (x: tf.Tensor) => tf.Tensor)(pred);
}

/** The two fused kernels: the loss and probabilities in one, `(p − oneHot)·dl` in the other. */
function fused(pred: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const f = (logits: tf.Tensor, save: tf.GradSaveFunc) => {
    const [loss, probs] = tf.engine().runKernel(SPARSE_SOFTMAX_CE, { logits, labels }, {}) as tf.Tensor[];
    save([probs as tf.Tensor, labels]);
    return {
      value: loss as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, l] = saved as [tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(SPARSE_SOFTMAX_CE_GRAD, { probs: p, labels: l, dy }, {}) as tf.Tensor;
      },
    };
  };
  return (tf.customGrad(f as unknown as CustomGradFunc) as (x: tf.Tensor) => tf.Tensor)(pred);
}
