/**
 * Pure update rules of MXNet's `sgd_update` / `sgd_mom_update` and `adam_update` kernels, on tensors.
 * Scalars are combined in float32 in the kernels' order, so results match MXNet to the last bit:
 *   sgd:      w ← (1 − lr·wd)·w − (lr·rescale)·g
 *   momentum: m ← μ·m − lr·wd·w − (lr·rescale)·g;  w ← w + m
 *   adam:     g ← rescale·g + wd·w;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr_t·m/(√v + ε)
 * With `clipGradient` ≥ 0, sgd clips `rescale·g` to [−c, c], adam clips `rescale·g + wd·w` (as the
 * kernels do). Callers own every returned tensor.
 */
import { sgdUpdate as plainSgdUpdate } from '../backend/ops/sgd-update.js';
import { tf } from '../backend/tf.js';

const f32 = Math.fround;

export interface SgdHyper {
  learningRate: number;
  wd: number;
  momentum: number;
  /** Multiplies the gradient; the Trainer sets it to scale / batchSize. */
  rescaleGrad: number;
  /** Clip `rescale·grad` to [−c, c]; negative = off (MXNet's -1 default). */
  clipGradient: number;
}

function clipped(grad: tf.Tensor, h: { rescaleGrad: number; clipGradient: number }): tf.Tensor {
  const g = tf.mul(grad, f32(h.rescaleGrad));
  return tf.clipByValue(g, -h.clipGradient, h.clipGradient);
}

/** One SGD step. `mom` is the momentum buffer (undefined when momentum is 0). */
export function sgdUpdate(
  weight: tf.Tensor,
  grad: tf.Tensor,
  mom: tf.Tensor | undefined,
  h: SgdHyper,
): { weight: tf.Tensor; mom?: tf.Tensor } {
  const lr = f32(h.learningRate);
  const lrWd = f32(lr * f32(h.wd));
  // MXNet's plain sgd_update (no momentum, no clipping): one op, fused where the backend has the kernel.
  if (mom === undefined && h.clipGradient < 0) return { weight: plainSgdUpdate(weight, grad, h) };
  return tf.tidy(() => {
    const step = h.clipGradient >= 0 ? tf.mul(clipped(grad, h), lr) : tf.mul(grad, f32(lr * f32(h.rescaleGrad)));
    if (mom === undefined) {
      const decayed = lrWd === 0 ? weight : tf.mul(weight, f32(1 - lrWd));
      return { weight: tf.sub(decayed, step) };
    }
    let m = tf.mul(mom, f32(h.momentum));
    if (lrWd !== 0) m = tf.sub(m, tf.mul(weight, lrWd));
    m = tf.sub(m, step);
    return { weight: tf.add(weight, m), mom: m };
  });
}

export interface AdamHyper {
  learningRate: number;
  wd: number;
  rescaleGrad: number;
  clipGradient: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** One Adam step; `t` is this parameter's 1-based update count (bias correction folded into lr). */
export function adamUpdate(
  weight: tf.Tensor,
  grad: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  t: number,
  h: AdamHyper,
): { weight: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  return tf.tidy(() => {
    // gluon Adam.update: lr *= sqrt(1 - beta2^t) / (1 - beta1^t), in double, then passed as float32.
    const lrT = f32((h.learningRate * Math.sqrt(1 - h.beta2 ** t)) / (1 - h.beta1 ** t));
    let g = tf.mul(grad, f32(h.rescaleGrad));
    if (h.wd !== 0) g = tf.add(g, tf.mul(weight, f32(h.wd)));
    if (h.clipGradient >= 0) g = tf.clipByValue(g, -h.clipGradient, h.clipGradient);
    const m = tf.add(tf.mul(mean, f32(h.beta1)), tf.mul(g, f32(1 - f32(h.beta1))));
    const v = tf.add(tf.mul(variance, f32(h.beta2)), tf.mul(tf.square(g), f32(1 - f32(h.beta2))));
    const w = tf.sub(weight, tf.div(tf.mul(m, lrT), tf.add(tf.sqrt(v), f32(h.epsilon))));
    return { weight: w, mean: m, variance: v };
  });
}
