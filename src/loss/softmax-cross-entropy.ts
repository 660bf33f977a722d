/**
 * Softmax cross-entropy loss, mirroring gluon.loss.SoftmaxCrossEntropyLoss:
 * `l = -Σ_c label_c · log softmax(pred)_c` (sparse: `-log softmax(pred)[label]`), averaged over the
 * non-batch axes. Computed with `logSoftmax`, so it is stable for large logits.
 */
import { tf } from '../backend/index.js';
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
    assert(
      tf.util.arraysEqual(label.shape, expected) || (this.sparseLabel && label.size === tf.util.sizeFromShape(expected)),
      () =>
        `label of shape [${label.shape}] does not fit pred of shape [${pred.shape}]: expected [${expected}] ` +
        `(${this.sparseLabel ? 'class indices, pred without the class axis' : 'same shape as pred'}).`,
      ShapeError,
    );
    return tf.tidy(() => {
      const logp = this.fromLogits ? pred : tf.logSoftmax(moveAxisLast(pred, axis));
      const logpLast = this.fromLogits ? moveAxisLast(logp, axis) : logp;
      const classes = pred.shape[axis] ?? 0;
      const target = this.sparseLabel
        ? tf.oneHot(tf.reshape(label.dtype === 'int32' ? label : tf.cast(label, 'int32'), expected), classes)
        : moveAxisLast(tf.cast(label, 'float32'), axis);
      // Sum over classes, then put the (size-1) class axis back where it was, as MXNet's keepdims.
      const picked = tf.neg(tf.sum(tf.mul(logpLast, target), -1, true));
      const loss = moveLastAxisTo(picked, axis);
      return this.meanExceptBatch(this.applyWeighting(loss, sampleWeight));
    });
  }
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
