/**
 * Reused float32 storage (Float32Pool batch arrays, blas kernel outputs) comes back only when no
 * tensor can see it. On `blas` (which keeps the array as the tensor's storage) once every tensor
 * sharing it is disposed, and nothing read out of such a tensor (dataSync, data, a slice) aliases the
 * array; on `wasm` (which copies) at once; on `cpu`, never.
 */
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { Float32Pool } from '../../../src/core/data/batch-pool.js';
import { describeOn } from '../../backends.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';

const filled = (pool: Float32Pool, length: number, value: number): Float32Array => pool.take(length).fill(value);

afterAll(async () => {
  await initBackend('cpu');
});

describeOn(['blas'], 'batch arrays', () => {
  beforeAll(async () => {
    await initBackend('blas');
  });

  it('lends an array again once its tensor is disposed, not before', () => {
    const pool = new Float32Pool();
    const a = filled(pool, 6, 1);
    const x = pool.tensor<tf.Rank.R2>(a, [2, 3]);
    expect(pool.take(6)).not.toBe(a); // x is alive
    x.dispose();
    expect(pool.take(6)).toBe(a);
  });

  it('waits for every tensor sharing the storage (a reshape outlives the batch)', () => {
    const pool = new Float32Pool();
    const a = filled(pool, 6, 1);
    const x = pool.tensor<tf.Rank.R2>(a, [2, 3]);
    const flat = tf.reshape(x, [6]);
    x.dispose();
    expect(pool.take(6)).not.toBe(a);
    expect(Array.from(flat.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    flat.dispose();
    expect(pool.take(6)).toBe(a);
  });

  it('hands out copies: dataSync, data and slices keep their values when the array is reused', async () => {
    const pool = new Float32Pool();
    const a = pool.take(6);
    a.set([1, 2, 3, 4, 5, 6]);
    const x = pool.tensor<tf.Rank.R2>(a, [2, 3]);
    const synced = x.dataSync();
    const read = await x.data();
    const row = tf.slice(x, [1, 0], [1, 3]); // the cpu Slice kernel returns a view of its input
    expect(synced).not.toBe(a);
    x.dispose();
    const again = pool.take(6);
    expect(again).toBe(a);
    again.fill(-7);
    expect(Array.from(synced)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(read)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(row.dataSync())).toEqual([4, 5, 6]);
    row.dispose();
  });

  it('stops watching batches that are never disposed, so a leaking caller does not grow the pool', () => {
    const pool = new Float32Pool(4, 3);
    const kept = Array.from({ length: 5 }, () => pool.tensor(filled(pool, 4, 1), [4]));
    expect((pool as unknown as { lent: unknown[] }).lent).toHaveLength(3);
    tf.dispose(kept);
  });

  it('a DataLoader epoch reuses a few arrays and gives the same batches as fresh ones', async () => {
    const count = 10;
    const images = Uint8Array.from({ length: count * 4 }, (_, i) => (i * 37) % 256);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
    const dataset = { images, labels, count, featureSize: 4 };
    const seen = new Set<ArrayBufferLike>();
    const take = Float32Pool.prototype.take;
    const spy = jest.spyOn(Float32Pool.prototype, 'take').mockImplementation(function (this: Float32Pool, n: number) {
      const a = take.call(this, n);
      seen.add(a.buffer);
      return a;
    });
    try {
      const loader = new DataLoader(dataset, { batchSize: 2, shuffle: true, seed: 3 });
      const got: number[][] = [];
      for (let epoch = 0; epoch < 2; epoch++) {
        for (const { X, y } of loader) {
          got.push(Array.from(X.dataSync()));
          tf.dispose([X, y]);
        }
      }
      expect(seen.size).toBeLessThanOrEqual(2); // 10 batches, at most two arrays
      // The same seed with fresh arrays on the cpu backend (no reuse) gives the same batches.
      await initBackend('cpu');
      const want: number[][] = [];
      const reference = new DataLoader(dataset, { batchSize: 2, shuffle: true, seed: 3 });
      for (let epoch = 0; epoch < 2; epoch++) {
        for (const { X, y } of reference) {
          want.push(Array.from(X.dataSync()));
          tf.dispose([X, y]);
        }
      }
      expect(got).toEqual(want);
    } finally {
      spy.mockRestore();
      await initBackend('blas');
    }
  });
});

describeOn(['blas'], 'kernel outputs', () => {
  beforeAll(async () => {
    await initBackend('blas');
  });

  it('a released output array is reused by the next kernel of that size; what was read out keeps its values', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.tensor2d([10, 20, 30, 40], [2, 2]);
    const sum = tf.add(x, y);
    const read = sum.dataSync();
    const storage = (
      tf.engine().backend as unknown as { data: { get(id: object): { values: Float32Array } } }
    ).data.get(sum.dataId).values;
    sum.dispose();
    const product = tf.mul(x, y);
    const reused = (tf.engine().backend as unknown as { data: { get(id: object): { values: Float32Array } } }).data.get(
      product.dataId,
    ).values;
    expect(reused).toBe(storage);
    expect(Array.from(product.dataSync())).toEqual([10, 40, 90, 160]);
    expect(Array.from(read)).toEqual([11, 22, 33, 44]);
    tf.dispose([x, y, product]);
  });

  it('an output shared by a reshape is not reused until both are disposed', () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const doubled = tf.add(x, x);
    const square = tf.reshape(doubled, [2, 2]);
    doubled.dispose();
    const other = tf.mul(x, x); // must not take square's storage
    expect(Array.from(square.dataSync())).toEqual([2, 4, 6, 8]);
    expect(Array.from(other.dataSync())).toEqual([1, 4, 9, 16]);
    tf.dispose([x, square, other]);
  });
});

describe('on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('the array is free as soon as the tensor is made (wasm copies it)', () => {
    const pool = new Float32Pool();
    const a = filled(pool, 6, 2);
    const x = pool.tensor<tf.Rank.R2>(a, [2, 3]);
    const again = pool.take(6);
    expect(again).toBe(a);
    again.fill(-1);
    expect(Array.from(x.dataSync())).toEqual([2, 2, 2, 2, 2, 2]);
    x.dispose();
  });
});

describe('on cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('never reuses an array (the cpu backend may still hold it)', () => {
    const pool = new Float32Pool();
    const a = filled(pool, 6, 3);
    pool.tensor(a, [6]).dispose();
    expect(pool.take(6)).not.toBe(a);
  });
});
