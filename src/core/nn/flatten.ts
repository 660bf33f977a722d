/** Flattens every axis but the first, mirroring gluon.nn.Flatten: `[batch, d1, d2, ...] → [batch, d1·d2·...]`. */
import { tf } from '../backend/tf.js';
import { ShapeError, assert } from '../errors.js';
import { Block } from './block.js';
import type { FlattenSpec } from './serialize.js';

export class Flatten extends Block {
  /** Inputs: `x` of rank >= 1. Output: `[batch, rest]` (a rank-1 input becomes `[batch, 1]`); caller owns it. */
  forward(x: tf.Tensor): tf.Tensor {
    assert(x.rank >= 1, () => 'Flatten: expected an input with a batch axis, but got a scalar.', ShapeError);
    return tf.reshape(x, [x.shape[0] ?? 0, x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }

  override spec(): FlattenSpec {
    return { type: 'Flatten' };
  }

  /** Gluon's repr. */
  override toString(): string {
    return 'Flatten';
  }
}
