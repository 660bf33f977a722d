/**
 * Squared error, mirroring gluon.loss.L2Loss: `l = weight/2 · (pred − label)²`, averaged over the
 * non-batch axes (weight default 1, so `½(pred − label)²`, the book's `squared_loss`, D2L §3.2).
 */
import { tf } from '../backend/tf.js';
import { ShapeError, assert } from '../errors.js';
import { Loss } from './loss.js';
import type { LossOptions } from './loss.js';

export class L2Loss extends Loss {
  constructor(options: LossOptions = {}) {
    super({ ...options, weight: options.weight ?? 1 });
  }

  /**
   * Inputs: `pred` float32 `[batch, ...]`; `label` of the same size (reshaped like pred, as Gluon does);
   * optional `sampleWeight` broadcastable to pred's shape. Output: float32 `[batch]`; caller owns it.
   */
  forward(pred: tf.Tensor, label: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor {
    assert(
      label.size === pred.size,
      () => `label of shape [${label.shape}] does not fit pred of shape [${pred.shape}]: expected ${pred.size} values.`,
      ShapeError,
    );
    return tf.tidy(() => {
      const l = tf.square(tf.sub(tf.reshape(tf.cast(label, pred.dtype), pred.shape), pred));
      // Gluon's _apply_weighting(loss, weight / 2, sample_weight); halving is exact, so ·weight then ·½ is the same.
      return this.meanExceptBatch(tf.mul(this.applyWeighting(l, sampleWeight), 0.5));
    });
  }
}
