/**
 * Softmax cross-entropy loss, mirroring gluon.loss.SoftmaxCrossEntropyLoss:
 * `l = -Σ_c label_c · log softmax(pred)_c` (sparse: `-log softmax(pred)[label]`), averaged over the
 * non-batch axes. Computed with `logSoftmax`, so it is stable for large logits.
 */
import { pick, sparseSoftmaxCrossEntropy } from '../backend/ops/sparse-softmax-ce.js';
import { tf } from '../backend/tf.js';
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
    assert(
      axis >= 0 && axis < pred.rank,
      () => `axis ${this.axis} is out of range for pred of shape [${pred.shape}].`,
      ShapeError,
    );
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
      const oneHot = (): tf.Tensor =>
        classes === 1 ? tf.ones([...expected, 1]) : tf.oneHot(indices(), classes, 1, 0, 'float32');
      let loss: tf.Tensor;
      if (this.sparseLabel && !this.fromLogits && axis === pred.rank - 1) {
        loss = sparseSoftmaxCrossEntropy(pred, int, oneHot);
      } else {
        const logp = this.fromLogits ? moveAxisLast(pred, axis) : tf.logSoftmax(moveAxisLast(pred, axis));
        // Sparse: Gluon's `-pick(logp, label)`, which reads only the label's entry (a log-probability of
        // -inf elsewhere stays harmless); dense: `-Σ logp·label`, as Gluon computes it.
        const terms = this.sparseLabel
          ? pick(logp, oneHot())
          : tf.mul(logp, moveAxisLast(tf.cast(tf.reshape(label, pred.shape), 'float32'), axis));
        // Sum over classes, then put the (size-1) class axis back where it was, as MXNet's keepdims.
        loss = moveLastAxisTo(tf.neg(tf.sum(terms, -1, true)), axis);
      }
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
