/**
 * Dropout, mirroring gluon.nn.Dropout: in training mode (inside `autograd.record`, or `trainMode`)
 * each element is zeroed with probability `rate` and the survivors scaled by `1/(1 - rate)`, so the
 * expectation is unchanged; otherwise it passes `x` through. D2L §4.6.
 */
import { isTraining } from '../mode.js';
import { tf } from '../backend/tf.js';
import { assert } from '../errors.js';
import { nextSeed } from '../random.js';
import { Block } from './block.js';
import type { DropoutSpec } from './serialize.js';

/**
 * A keep-mask for `shape`: 1 where a uniform draw in [0, 1) exceeds `rate` (probability `1 - rate`),
 * else 0, float32. The draws come from a tfjs generator seeded from the global one (`random.seed`), so
 * a seeded run repeats its masks, and a checkpoint of the global generator resumes them. Caller owns it.
 */
export function keepMask(shape: number[], rate: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', nextSeed()), rate), 'float32'));
}

export class Dropout extends Block {
  /**
   * Inputs: `x` float32 of any shape. Output: the same shape; caller owns it. `axes`: axes along which
   * one mask value is shared (Gluon's `axes`, default none). Mirrors gluon.nn.Dropout(rate, axes).
   */
  constructor(
    readonly rate: number,
    options: { axes?: number[] } = {},
  ) {
    super();
    assert(
      Number.isFinite(rate) && rate >= 0 && rate <= 1,
      () => `Expected a dropout rate in [0, 1], but got ${rate}.`,
    );
    this.axes = [...(options.axes ?? [])];
    assert(
      this.axes.every((a) => Number.isInteger(a)),
      () => `Expected Dropout axes to be integers, but got [${this.axes}].`,
    );
  }

  readonly axes: number[];

  forward(x: tf.Tensor): tf.Tensor {
    if (!isTraining() || this.rate === 0) return tf.clone(x);
    // rate 1 drops everything (the book's dropout_layer special case); 1/(1-1) would be Infinity·0 = NaN.
    if (this.rate === 1) return tf.zerosLike(x);
    const axes = this.axes.map((a) => (a < 0 ? x.rank + a : a));
    const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return tf.tidy(() => {
      // MXNet's kernel: mask = keep · (1/pkeep), out = x · mask.
      const mask = tf.mul(keepMask(shape, this.rate), Math.fround(1 / (1 - this.rate)));
      return tf.mul(x, mask);
    });
  }

  override spec(): DropoutSpec {
    return { type: 'Dropout', rate: this.rate, axes: [...this.axes] };
  }

  /** Gluon's repr: `Dropout(p = 0.5, axes=())`. */
  override toString(): string {
    return `Dropout(p = ${this.rate}, axes=(${this.axes.join(', ')}${this.axes.length === 1 ? ',' : ''}))`;
  }
}
