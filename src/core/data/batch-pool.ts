/**
 * Reuse of the float32 arrays minibatches are built in. A fresh 800 KB array per batch costs more than
 * filling it (the memory is zeroed, and on these machines each new page faults); a pool keeps a few
 * arrays and lends them again once no tensor can see them, as the active backend's `BatchArrays`
 * entry tells (see backend/batch-arrays.ts). Without an entry, arrays are not reused.
 */
import { batchArraysFor } from '../backend/batch-arrays.js';
import { tf } from '../backend/tf.js';

interface Lent {
  values: Float32Array;
  /** Whether a tensor still holds `values`. */
  held: () => boolean;
}

export class Float32Pool {
  private readonly free: Float32Array[] = [];
  private lent: Lent[] = [];

  /** At most `maxFree` idle arrays are kept, and at most `maxLent` lent ones are watched. */
  constructor(
    private readonly maxFree = 4,
    private readonly maxLent = 8,
  ) {}

  /** An array of `length` values, reused when one is free (its contents are stale: overwrite them all). */
  take(length: number): Float32Array {
    this.reclaim();
    const i = this.free.findIndex((a) => a.length === length);
    if (i >= 0) return this.free.splice(i, 1)[0] as Float32Array;
    return new Float32Array(length);
  }

  /** A float32 tensor of `values` (an array from `take`, not used afterwards by the caller). */
  tensor<R extends tf.Rank>(values: Float32Array, shape: tf.ShapeMap[R]): tf.Tensor<R> {
    const t = tf.tensor(values, shape, 'float32') as tf.Tensor<R>;
    const arrays = batchArraysFor(tf.getBackend());
    if (arrays === undefined) return t;
    const held = arrays.adopt(values, t);
    if (held === null) {
      this.give(values);
    } else {
      this.lent.push({ values, held });
      if (this.lent.length > this.maxLent) this.lent.shift(); // never disposed: left to the collector
    }
    return t;
  }

  private reclaim(): void {
    if (this.lent.length === 0) return;
    const still: Lent[] = [];
    for (const l of this.lent) {
      if (l.held()) still.push(l);
      else this.give(l.values);
    }
    this.lent = still;
  }

  private give(values: Float32Array): void {
    if (this.free.length < this.maxFree) this.free.push(values);
  }
}
