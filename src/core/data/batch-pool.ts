/**
 * Reuse of the float32 arrays minibatches are built in. A fresh 800 KB array per batch costs more than
 * filling it (the memory is zeroed, and on these machines each new page faults); a pool keeps a few
 * arrays and lends them again once no tensor can see them:
 * - `wasm` copies an array into its own memory when a tensor is made: the array is free at once.
 * - `blas` keeps the array as the tensor's storage: it comes back once the backend has released that
 *   storage (every tensor sharing it disposed). Meanwhile the backend hands out copies of it
 *   (`dataSync`, `data`, views made by `slice`), so nothing outside can hold it when it is reused.
 * - Any other backend keeps arrays this pool cannot track: they are not reused.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendBlas } from '../../node/backend/blas/backend.js';

interface Lent {
  values: Float32Array;
  dataId: tf.DataId;
  backend: MathBackendBlas;
}

export class Float32Pool {
  private readonly free: Float32Array[] = [];
  private lent: Lent[] = [];

  /** At most `maxFree` idle arrays are kept, and at most `maxLent` lent ones are watched. */
  constructor(private readonly maxFree = 4, private readonly maxLent = 8) {}

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
    const backend = tf.engine().backend;
    if (tf.getBackend() === 'wasm') {
      this.give(values);
    } else if (backend instanceof MathBackendBlas) {
      backend.lend(values);
      this.lent.push({ values, dataId: t.dataId, backend });
      if (this.lent.length > this.maxLent) this.lent.shift(); // never disposed: left to the collector
    }
    return t;
  }

  private reclaim(): void {
    if (this.lent.length === 0) return;
    const still: Lent[] = [];
    for (const l of this.lent) {
      if (l.backend.holds(l.dataId)) still.push(l);
      else this.give(l.values);
    }
    this.lent = still;
  }

  private give(values: Float32Array): void {
    if (this.free.length < this.maxFree) this.free.push(values);
  }
}
