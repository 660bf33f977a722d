/**
 * Minibatches of an in-memory uint8 data set, as gluon.data.DataLoader over a BatchSampler.
 * D2L §3.5 (reading a minibatch) and its `load_data_fashion_mnist`.
 */
import { batchArraysFor } from '../backend/batch-arrays.js';
import { tf } from '../backend/tf.js';
import { assert } from '../errors.js';
import { adapter } from '../platform.js';
import type { DataStoreOptions, LoadedSplits } from '../platform.js';
import type { GeneratorState } from '../random.js';
import { childGenerator, restoreGenerator } from '../random.js';
import { Float32Pool } from './batch-pool.js';
import type { ArrayDataset } from './dataset.js';
import type { DatasetInfo, DatasetName } from './datasets.js';
import { datasetInfo } from './datasets.js';
import { gatherRowBytes, gatherRowsU8 } from './rows.js';
import type { LastBatch } from './sampler.js';
import { BatchSampler, RandomSampler, SequentialSampler } from './sampler.js';

export type { LastBatch } from './sampler.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Reshuffle the examples at the start of every epoch (default false). */
  shuffle?: boolean;
  /** `keep` a short last batch (default), `discard` it, or `rollover` its examples into the next epoch. */
  lastBatch?: LastBatch;
  /** Seed of this loader's own shuffling generator; without it the generator is drawn from the global RNG. */
  seed?: number;
}

/**
 * Where a loader stands at the start of an epoch: its shuffling generator (null without `shuffle`) and
 * the examples rolled over into that epoch. JSON-safe; checkpoints save it to resume exactly.
 */
export interface LoaderState {
  generator: GeneratorState | null;
  carry: number[];
}

/** One minibatch: features float32 `[B, featureSize]` in [0, 1], labels int32 `[B]`. */
export interface Batch {
  X: tf.Tensor2D;
  y: tf.Tensor1D;
}

/**
 * Iterates over a data set in minibatches; each `for…of` is one epoch.
 *
 * Inputs: an `ArrayDataset` (uint8 features and labels, kept as arrays).
 * Output per step: `{ X, y }` with `X` float32 `[B, featureSize]` = uint8 / 255 and `y` int32 `[B]`,
 * built on demand for that batch only. The consumer owns and must dispose each batch's `X` and `y`
 * (disposed, `X`'s array is reused for a later batch: see `Float32Pool`).
 * With `shuffle`, every epoch draws a new Fisher–Yates permutation (`RandomSampler`) from this
 * loader's generator: `childGenerator(seed)` if a seed is given (equal seeds ⇒ equal epochs), else one
 * drawn from the global RNG when the loader is built (so `random.seed(n)` beforehand makes runs repeatable).
 * Mirrors gluon.data.DataLoader(dataset, batch_size, shuffle, last_batch), without workers or
 * batchify_fn; `X` is already ToTensor-scaled and flattened.
 */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly lastBatch: LastBatch;
  private readonly sampler: RandomSampler | SequentialSampler;
  private readonly batches: BatchSampler;
  /** The state when the epoch in progress (or the last one) began. */
  private epochStart: LoaderState | undefined;
  /** Batches the next epoch skips (set by `restore` to resume mid-epoch). */
  private skip = 0;
  /** The arrays batches are built in, reused once the batches are disposed (see `Float32Pool`). */
  private readonly pool = new Float32Pool();
  /** The rows of a batch as bytes, for a backend that divides on its own (reused: free once converted). */
  private bytes = new Uint8Array(0);

  constructor(
    readonly dataset: ArrayDataset,
    { batchSize, shuffle = false, lastBatch = 'keep', seed }: DataLoaderOptions,
  ) {
    assert(seed === undefined || Number.isInteger(seed), () => `Expected seed to be an integer, but got ${seed}.`);
    const { images, labels, count, featureSize } = dataset;
    assert(
      images.length === count * featureSize && labels.length === count,
      () =>
        `Expected ${count} examples of ${featureSize} features (${count * featureSize} image bytes and ` +
        `${count} labels), but got ${images.length} image bytes and ${labels.length} labels.`,
    );
    this.sampler = shuffle ? new RandomSampler(count, childGenerator(seed)) : new SequentialSampler(count);
    this.batches = new BatchSampler(this.sampler, batchSize, lastBatch);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.lastBatch = lastBatch;
  }

  /** Examples in the data set. */
  get numExamples(): number {
    return this.dataset.count;
  }

  /** Batches the next epoch yields (with `rollover`, counting the examples carried into it), as `len(loader)`. */
  get length(): number {
    return this.batches.length;
  }

  /** The state now: between epochs, where the next epoch starts. */
  state(): LoaderState {
    return {
      generator: this.sampler instanceof RandomSampler ? this.sampler.state() : null,
      carry: [...this.batches.carry],
    };
  }

  /** The state at the start of the epoch in progress (or the last one run); `state()` before any. */
  epochStartState(): LoaderState {
    return this.epochStart ?? this.state();
  }

  /**
   * Makes the next epoch start from `state` (from `state()` or `epochStartState()`), skipping its first
   * `skipBatches` batches without building them: the rest of that epoch is then exactly what the saved
   * loader would have yielded.
   */
  restore(state: LoaderState, { skipBatches = 0 }: { skipBatches?: number } = {}): void {
    const problem = this.stateProblem(state, skipBatches);
    assert(problem === undefined, () => `${problem}.`);
    const random = this.sampler instanceof RandomSampler ? this.sampler : undefined;
    if (state.generator !== null) random?.restore(restoreGenerator(state.generator));
    this.batches.carry = [...state.carry];
    this.skip = skipBatches;
  }

  /**
   * Why `state` (with `skipBatches`) cannot be restored into this loader, or undefined if it can: it
   * must have a generator exactly when this loader shuffles, carry fewer than `batchSize` distinct
   * example indices of this data set, and skip no more batches than its epoch has. A checkpoint is
   * checked with it before any index reaches a kernel.
   */
  stateProblem(state: LoaderState, skipBatches = 0): string | undefined {
    const shuffles = this.sampler instanceof RandomSampler;
    if ((state.generator === null) === shuffles)
      return `Expected a loader state ${shuffles ? 'with' : 'without'} a shuffling generator`;
    const { count } = this.dataset;
    const { carry } = state;
    if (
      !Array.isArray(carry) ||
      carry.length >= this.batchSize ||
      !carry.every((i) => Number.isInteger(i) && i >= 0 && i < count) ||
      new Set(carry).size !== carry.length
    )
      return `Expected the carried examples to be fewer than ${this.batchSize} distinct indices in 0..${count - 1}`;
    const n = count + carry.length;
    const batches = this.lastBatch === 'keep' ? Math.ceil(n / this.batchSize) : Math.floor(n / this.batchSize);
    if (!(Number.isInteger(skipBatches) && skipBatches >= 0 && skipBatches <= batches))
      return `Expected skipBatches to be an integer in 0..${batches}, but got ${skipBatches}`;
    return undefined;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    this.epochStart = this.state();
    const skip = this.skip;
    this.skip = 0;
    for (const indices of this.batches.epoch(skip)) yield this.batch(indices);
  }

  /** Builds the tensors of the examples `indices`; the caller owns them. */
  private batch(indices: Uint32Array): Batch {
    const { labels } = this.dataset;
    const size = indices.length;
    const targets = new Int32Array(size);
    for (let row = 0; row < size; row++) targets[row] = labels[indices[row] ?? 0] ?? 0;
    return { X: this.features(indices), y: tf.tensor1d(targets, 'int32') };
  }

  /** `X` of a batch: the rows / 255, in float32, as the active backend builds them fastest. */
  private features(indices: Uint32Array): tf.Tensor2D {
    const { images, featureSize } = this.dataset;
    const length = indices.length * featureSize;
    const shape: [number, number] = [indices.length, featureSize];
    if (batchArraysFor(tf.getBackend())?.divideOnBackend === true) {
      if (this.bytes.length !== length) this.bytes = new Uint8Array(length);
      gatherRowBytes(images, featureSize, indices, 0, indices.length, this.bytes);
      const values = this.pool.take(length);
      values.set(this.bytes); // bytes to float32, exactly, in one native copy
      return tf.tidy(() => tf.div(this.pool.tensor<tf.Rank.R2>(values, shape), 255));
    }
    const values = gatherRowsU8(images, featureSize, indices, 0, indices.length, 255, { out: this.pool.take(length) });
    return this.pool.tensor<tf.Rank.R2>(values, shape);
  }
}

export interface LoadFashionMnistOptions extends DataStoreOptions {
  /** `fashion-mnist` (default), `mnist`, or a table entry of your own. */
  dataset?: DatasetName | DatasetInfo;
  /** Shuffle the training set every epoch (default true); the test set is never shuffled. */
  shuffle?: boolean;
  /** Seed of the training loader's shuffling (see `DataLoader`). */
  seed?: number | undefined;
  /** Use only the first `limit` examples of each split (a testing aid: quick real-data runs). */
  limit?: number | undefined;
}

/** The first `limit` examples of `d` (views, no copy). */
export function headOf(d: ArrayDataset, limit: number | undefined): ArrayDataset {
  const count = Math.min(d.count, limit ?? d.count);
  return { ...d, count, images: d.images.subarray(0, count * d.featureSize), labels: d.labels.subarray(0, count) };
}

/**
 * `[trainIter, testIter]` of splits already read: the training set shuffled (unless `shuffle: false`), both
 * keeping a short last batch.
 */
export function loadersOf(
  splits: Pick<LoadedSplits, 'train' | 'test'>,
  batchSize: number,
  { shuffle = true, seed, limit }: Pick<LoadFashionMnistOptions, 'shuffle' | 'seed' | 'limit'> = {},
): [DataLoader, DataLoader] {
  return [
    new DataLoader(headOf(splits.train, limit), { batchSize, shuffle, seed }),
    new DataLoader(headOf(splits.test, limit), { batchSize }),
  ];
}

/**
 * Reads Fashion-MNIST and returns `[trainIter, testIter]`: d2l's `load_data_fashion_mnist(batch_size)`
 * (D2L §3.5.3), without `resize`. Both keep a short last batch: 60,000 / 256 gives 234 batches of 256
 * and one of 96. The platform's data store finds the files (in Node: `root`, else `SOFTMAX_DATA_DIR`,
 * the repo, the user cache and the system copy, and a download into the cache if none verifies:
 * Gluon's behaviour).
 */
export async function loadFashionMnist(
  batchSize: number,
  { dataset = 'fashion-mnist', shuffle = true, seed, limit, ...options }: LoadFashionMnistOptions = {},
): Promise<[DataLoader, DataLoader]> {
  const info = typeof dataset === 'string' ? datasetInfo(dataset) : dataset;
  const splits = await adapter('data', 'loadFashionMnist').loadSplits(info, options);
  return loadersOf(splits, batchSize, { shuffle, seed, limit });
}
