/**
 * Minibatches of an in-memory uint8 data set, as gluon.data.DataLoader over a BatchSampler.
 * D2L §3.5 (reading a minibatch) and its `load_data_fashion_mnist`.
 */
import { tf } from '../backend/registry.js';
import { Float32Pool } from './batch-pool.js';
import { gatherRowsU8 } from './rows.js';
import { assert } from '../errors.js';
import type { Generator, GeneratorState } from '../random.js';
import { childGenerator, restoreGenerator } from '../random.js';
import type { ArrayDataset } from './dataset.js';
import type { DatasetInfo, DatasetName } from './datasets.js';
import { datasetInfo } from './datasets.js';
import type { DataSource, LoadedSplits, ResolveOptions } from '../../node/data/store.js';
import { loadSplits } from '../../node/data/store.js';

/** What to do with the last `count % batchSize` examples of an epoch (Gluon's `last_batch`). */
export type LastBatch = 'keep' | 'discard' | 'rollover';

const LAST_BATCH_MODES: readonly LastBatch[] = ['keep', 'discard', 'rollover'];

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
 * With `shuffle`, every epoch draws a new Fisher–Yates permutation from this loader's generator:
 * `childGenerator(seed)` if a seed is given (equal seeds ⇒ equal epochs), else one drawn from the global
 * RNG when the loader is built (so `random.seed(n)` beforehand makes runs repeatable).
 * Mirrors gluon.data.DataLoader(dataset, batch_size, shuffle, last_batch), without workers or
 * batchify_fn; `X` is already ToTensor-scaled and flattened.
 */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly lastBatch: LastBatch;
  private random: Generator | undefined;
  /** Example indices rolled over from the previous epoch (`lastBatch: 'rollover'`). */
  private carry: number[] = [];
  /** The state when the epoch in progress (or the last one) began. */
  private epochStart: LoaderState | undefined;
  /** Batches the next epoch skips (set by `restore` to resume mid-epoch). */
  private skip = 0;
  /** The arrays batches are built in, reused once the batches are disposed (see `Float32Pool`). */
  private readonly pool = new Float32Pool();

  constructor(
    readonly dataset: ArrayDataset,
    { batchSize, shuffle = false, lastBatch = 'keep', seed }: DataLoaderOptions,
  ) {
    assert(
      Number.isInteger(batchSize) && batchSize > 0,
      () => `Expected batchSize to be a positive integer, but got ${batchSize}.`,
    );
    assert(
      LAST_BATCH_MODES.includes(lastBatch),
      () => `Expected lastBatch to be one of ${LAST_BATCH_MODES.join(', ')}, but got '${lastBatch}'.`,
    );
    assert(seed === undefined || Number.isInteger(seed), () => `Expected seed to be an integer, but got ${seed}.`);
    const { images, labels, count, featureSize } = dataset;
    assert(
      images.length === count * featureSize && labels.length === count,
      () =>
        `Expected ${count} examples of ${featureSize} features (${count * featureSize} image bytes and ` +
        `${count} labels), but got ${images.length} image bytes and ${labels.length} labels.`,
    );
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.lastBatch = lastBatch;
    this.random = shuffle ? childGenerator(seed) : undefined;
  }

  /** Examples in the data set. */
  get numExamples(): number {
    return this.dataset.count;
  }

  /** Batches the next epoch yields (with `rollover`, counting the examples carried into it), as `len(loader)`. */
  get length(): number {
    const n = this.numExamples + this.carry.length;
    return this.lastBatch === 'keep' ? Math.ceil(n / this.batchSize) : Math.floor(n / this.batchSize);
  }

  /** The state now: between epochs, where the next epoch starts. */
  state(): LoaderState {
    return { generator: this.random?.state() ?? null, carry: [...this.carry] };
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
    assert((state.generator === null) === (this.random === undefined), () => `Expected a loader state ${this.shuffle ? 'with' : 'without'} a shuffling generator.`);
    assert(Number.isInteger(skipBatches) && skipBatches >= 0, () => `Expected skipBatches to be a non-negative integer, but got ${skipBatches}.`);
    if (state.generator !== null) this.random = restoreGenerator(state.generator);
    this.carry = [...state.carry];
    this.skip = skipBatches;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    this.epochStart = this.state();
    const order = this.epochOrder();
    this.carry = [];
    const full = order.length - (order.length % this.batchSize);
    const first = Math.min(this.skip * this.batchSize, order.length);
    this.skip = 0;
    for (let start = first; start < full; start += this.batchSize) {
      yield this.batch(order, start, start + this.batchSize);
    }
    if (full === order.length) return;
    if (this.lastBatch === 'keep' && first <= full) yield this.batch(order, full, order.length);
    else if (this.lastBatch === 'rollover') this.carry = Array.from(order.subarray(full));
  }

  /** The carried-over indices, then `0..count-1` Fisher–Yates shuffled when `shuffle` is on. */
  private epochOrder(): Uint32Array {
    const order = new Uint32Array(this.carry.length + this.numExamples);
    order.set(this.carry);
    const own = order.subarray(this.carry.length);
    for (let i = 0; i < own.length; i++) own[i] = i;
    if (this.random === undefined) return order;
    for (let i = own.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [own[i], own[j]] = [own[j] as number, own[i] as number];
    }
    return order;
  }

  /** Builds the tensors of `order[start..end)`; the caller owns them. */
  private batch(order: Uint32Array, start: number, end: number): Batch {
    const { images, labels, featureSize } = this.dataset;
    const size = end - start;
    const features = gatherRowsU8(images, featureSize, order, start, size, 255, { out: this.pool.take(size * featureSize) });
    const targets = new Int32Array(size);
    for (let row = 0; row < size; row++) targets[row] = labels[order[start + row] ?? 0] ?? 0;
    return { X: this.pool.tensor<tf.Rank.R2>(features, [size, featureSize]), y: tf.tensor1d(targets, 'int32') };
  }
}

export interface LoadFashionMnistOptions extends Omit<ResolveOptions, 'root'> {
  /** Directory of the four files. Default: `SOFTMAX_DATA_DIR`, else the search of `loadSplits`. */
  root?: string | undefined;
  /** `fashion-mnist` (default), `mnist`, or a table entry of your own. */
  dataset?: DatasetName | DatasetInfo;
  /** Shuffle the training set every epoch (default true); the test set is never shuffled. */
  shuffle?: boolean;
  /** Seed of the training loader's shuffling (see `DataLoader`). */
  seed?: number | undefined;
  /** Use only the first `limit` examples of each split (a testing aid: quick real-data runs). */
  limit?: number | undefined;
  /** Told where the data came from (a directory searched, an explicit one, or a download). */
  onSource?: (source: DataSource) => void;
  /**
   * Both splits already being read with these same options (see `softmax train`, which starts reading
   * before it loads TensorFlow.js); when it gives `undefined`, they are loaded here as usual.
   */
  splits?: Promise<LoadedSplits | undefined>;
}

/**
 * Reads Fashion-MNIST and returns `[trainIter, testIter]`: d2l's `load_data_fashion_mnist(batch_size)`
 * (D2L §3.5.3), without `resize`. Both keep a short last batch: 60,000 / 256 gives 234 batches of 256
 * and one of 96. Without `root`, the data is looked for in the repo, the user cache and the system
 * copy, and downloaded into the cache if none verifies (Gluon's behaviour); see `loadSplits`.
 */
export async function loadFashionMnist(
  batchSize: number,
  { dataset = 'fashion-mnist', shuffle = true, seed, onSource, limit, splits, ...options }: LoadFashionMnistOptions = {},
): Promise<[DataLoader, DataLoader]> {
  const info = typeof dataset === 'string' ? datasetInfo(dataset) : dataset;
  const { train, test, source } = (await splits) ?? (await loadSplits(info, options));
  onSource?.(source);
  const head = (d: ArrayDataset): ArrayDataset => {
    const count = Math.min(d.count, limit ?? d.count);
    return { ...d, count, images: d.images.subarray(0, count * d.featureSize), labels: d.labels.subarray(0, count) };
  };
  return [new DataLoader(head(train), { batchSize, shuffle, seed }), new DataLoader(head(test), { batchSize })];
}
