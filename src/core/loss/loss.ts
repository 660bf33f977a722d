/** Base class of losses, mirroring gluon.loss.Loss: scalar `weight`, `batchAxis`, sample weighting. */
import { tf } from '../backend/tf.js';
import { ShapeError, assert } from '../errors.js';

export interface LossOptions {
  /** Global scalar weight multiplied into the loss. */
  weight?: number;
  /** The axis that indexes examples; the loss is averaged over every other axis. */
  batchAxis?: number;
}

export abstract class Loss {
  readonly weight: number | undefined;
  readonly batchAxis: number;

  constructor(options: LossOptions = {}) {
    const { weight, batchAxis = 0 } = options;
    assert(
      weight === undefined || Number.isFinite(weight),
      () => `Expected weight to be a finite number, but got ${weight}.`,
    );
    assert(
      Number.isInteger(batchAxis) && batchAxis >= 0,
      () => `Expected batchAxis to be a non-negative integer, but got ${batchAxis}.`,
    );
    this.weight = weight;
    this.batchAxis = batchAxis;
  }

  /** Per-example loss, shape `[batch]`; caller owns the result. Gluon's `loss(pred, label)`. */
  abstract forward(pred: tf.Tensor, label: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor;

  /** Gluon's `_apply_weighting`: `loss · sampleWeight · weight` (sampleWeight broadcast). */
  protected applyWeighting(loss: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor {
    let out = loss;
    if (sampleWeight !== undefined) {
      assert(
        broadcastsTo(sampleWeight.shape, loss.shape),
        () => `sampleWeight of shape [${sampleWeight.shape}] does not broadcast to the loss shape [${loss.shape}].`,
        ShapeError,
      );
      out = tf.mul(out, sampleWeight);
    }
    if (this.weight !== undefined) out = tf.mul(out, this.weight);
    return out;
  }

  /** Mean over every axis except `batchAxis` (MXNet `mean(..., axis=batch_axis, exclude=True)`). */
  protected meanExceptBatch(loss: tf.Tensor): tf.Tensor {
    const axes = loss.shape.map((_, i) => i).filter((i) => i !== this.batchAxis);
    if (axes.length === 0) return loss;
    // Only size-1 axes left (the usual [batch, 1]): the mean is the value itself; reshape is free.
    if (axes.every((i) => loss.shape[i] === 1)) return tf.reshape(loss, [loss.shape[this.batchAxis] ?? 1]);
    return tf.mean(loss, axes);
  }
}

/** True when `from` broadcasts (numpy rules) to exactly `to`. */
function broadcastsTo(from: number[], to: number[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + offset]);
}
