/**
 * Softmax cross-entropy loss, mirroring gluon.loss.SoftmaxCrossEntropyLoss:
 * `l = -Σ_c label_c · log softmax(pred)_c` (sparse: `-log softmax(pred)[label]`), averaged over the
 * non-batch axes. Computed with `logSoftmax`, so it is stable for large logits.
 */
import { SPARSE_SOFTMAX_CE, SPARSE_SOFTMAX_CE_GRAD, hasFusedLossKernels, tf } from '../backend/registry.js';
import { ShapeError, assert } from '../errors.js';
import { Loss } from './loss.js';
import type { LossOptions } from './loss.js';

export interface SoftmaxCrossEntropyLossOptions extends LossOptions {
  /** The class axis (default -1, the last). */
  axis?: number;
  /** true: `label` holds class indices (int32, pred's shape without `axis`); false: a distribution of pred's shape. */
  sparseLabel?: boolean;
  /**
   * true: `pred` is already log-softmax output and is used as is. Gluon's meaning, the opposite of
   * Keras/TF.js `fromLogits` (where true means raw scores).
   */
  fromLogits?: boolean;
}

export class SoftmaxCrossEntropyLoss extends Loss {
  readonly axis: number;
  readonly sparseLabel: boolean;
  readonly fromLogits: boolean;

  constructor(options: SoftmaxCrossEntropyLossOptions = {}) {
    super(options);
    const { axis = -1, sparseLabel = true, fromLogits = false } = options;
    assert(Number.isInteger(axis), () => `Expected axis to be an integer, but got ${axis}.`);
    this.axis = axis;
    this.sparseLabel = sparseLabel;
    this.fromLogits = fromLogits;
  }

  /**
   * Inputs: `pred` float32 scores `[batch, ..., classes, ...]`; `label` int32 class indices of pred's
   * shape without `axis` (sparse) or float32 of pred's shape (dense); optional `sampleWeight`
   * broadcastable to pred's shape with `axis` kept as 1. Output: float32 `[batch]`; caller owns it.
   */
  forward(pred: tf.Tensor, label: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor {
    const axis = this.axis < 0 ? pred.rank + this.axis : this.axis;
    assert(axis >= 0 && axis < pred.rank, () => `axis ${this.axis} is out of range for pred of shape [${pred.shape}].`, ShapeError);
    const expected = this.sparseLabel ? pred.shape.filter((_, i) => i !== axis) : pred.shape;
    // Gluon reshapes the label like pred (`_reshape_like`): any shape with the right size is taken.
    assert(
      label.size === tf.util.sizeFromShape(expected),
      () =>
        `label of shape [${label.shape}] does not fit pred of shape [${pred.shape}]: expected [${expected}] ` +
        `(${this.sparseLabel ? 'class indices, pred without the class axis' : 'same shape as pred'}).`,
      ShapeError,
    );
    return tf.tidy(() => {
      const classes = pred.shape[axis] ?? 0;
      // MXNet's pick (mode 'clip') truncates float labels and clips them to [0, classes − 1]; a
      // one-hot of an out-of-range index would be all zeros and give a silent loss of 0.
      const int = label.dtype === 'int32' ? label : tf.cast(label, 'int32');
      const indices = (): tf.Tensor => tf.reshape(tf.clipByValue(int, 0, classes - 1), expected);
      // tf.oneHot wants depth ≥ 2; with one class every clipped label is 0 and its one-hot is 1.
      const oneHot = (): tf.Tensor => (classes === 1 ? tf.ones([...expected, 1]) : tf.oneHot(indices(), classes, 1, 0, 'float32'));
      let loss: tf.Tensor;
      if (this.sparseLabel && !this.fromLogits && axis === pred.rank - 1) {
        // The backend's fused kernels when it has them (clipping included): the composite's bits.
        loss =
          classes > 0 && pred.dtype === 'float32' && hasFusedLossKernels()
            ? fusedSparseSoftmaxCrossEntropy(pred, int.rank === 1 ? int : tf.reshape(int, [-1]))
            : sparseSoftmaxCrossEntropy(pred, oneHot());
      } else {
        const logp = this.fromLogits ? moveAxisLast(pred, axis) : tf.logSoftmax(moveAxisLast(pred, axis));
        const target = this.sparseLabel
          ? oneHot()
          : moveAxisLast(tf.cast(tf.reshape(label, pred.shape), 'float32'), axis);
        // Sum over classes, then put the (size-1) class axis back where it was, as MXNet's keepdims.
        loss = moveLastAxisTo(tf.neg(tf.sum(tf.mul(logp, target), -1, true)), axis);
      }
      return this.meanExceptBatch(this.applyWeighting(loss, sampleWeight));
    });
  }
}

/**
 * `l = log Σ exp(z) − z[label]` over the last axis (keepdims), with z = pred − max(pred) for stability,
 * and its gradient given in one place, `(softmax(pred) − oneHot)·dl`: the same value as
 * `−pick(logSoftmax(pred), label)`, in a handful of operations instead of a tape through logSoftmax.
 */
function sparseSoftmaxCrossEntropy(pred: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  // The one-hot target is a constant: closed over and saved, not an input, so it needs no gradient.
  const f = (logits: tf.Tensor, save: tf.GradSaveFunc) => {
    const shifted = tf.sub(logits, tf.max(logits, -1, true));
    const e = tf.exp(shifted);
    const s = tf.sum(e, -1, true);
    save([e, s, oneHot]);
    return {
      value: tf.sub(tf.log(s), tf.sum(tf.mul(shifted, oneHot), -1, true)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [eSaved, sSaved, oneHotSaved] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.mul(tf.sub(tf.div(eSaved, sSaved), oneHotSaved), dy);
      },
    };
  };
  return (tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor)(pred);
}

/**
 * `sparseSoftmaxCrossEntropy` as the backend's two fused kernels (`SPARSE_SOFTMAX_CE`): the loss and
 * probabilities in one, `(p − oneHot)·dl` in the other. `labels`: int32, one per row of `pred`.
 */
function fusedSparseSoftmaxCrossEntropy(pred: tf.Tensor, labels: tf.Tensor): tf.Tensor {
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
  return (tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor)(pred);
}

/** Gluon's short name. */
export const SoftmaxCELoss = SoftmaxCrossEntropyLoss;

function moveAxisLast(x: tf.Tensor, axis: number): tf.Tensor {
  if (axis === x.rank - 1) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== axis);
  return tf.transpose(x, [...perm, axis]);
}

function moveLastAxisTo(x: tf.Tensor, axis: number): tf.Tensor {
  if (axis === x.rank - 1) return x;
  const perm = x.shape.map((_, i) => i).slice(0, -1);
  perm.splice(axis, 0, x.rank - 1);
  return tf.transpose(x, perm);
}
