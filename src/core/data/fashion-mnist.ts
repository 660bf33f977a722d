/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test 28 × 28 grayscale
 * images of 10 clothing classes, in MNIST's IDX files. D2L §3.5 image-classification-dataset.
 * Facts (file names, sizes, digests, class names) come from ../shared/DATA.md.
 */
import { assert, IdxFormatError } from '../errors.js';
import { adapter } from '../platform.js';
import type { DataStoreOptions } from '../platform.js';
import type { ArrayDataset } from './dataset.js';
import type { DatasetInfo } from './datasets.js';
import { FASHION_MNIST, FASHION_MNIST_CLASSES } from './datasets.js';
import { readImages, readLabels } from './idx.js';

export { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES } from './datasets.js';
export type { IdxFileInfo } from './datasets.js';

export const IMAGE_ROWS = 28;
export const IMAGE_COLS = 28;
/** Pixels per image: the feature count of a flattened example. */
export const IMAGE_SIZE = IMAGE_ROWS * IMAGE_COLS;

/** Text labels of numeric labels. Mirrors d2l's `get_fashion_mnist_labels`. */
export function getFashionMnistLabels(labels: ArrayLike<number>): string[] {
  return Array.from(labels, (label) => {
    const name = FASHION_MNIST_CLASSES[label];
    assert(name !== undefined, () => `Expected a label in 0..9, but got ${label}.`);
    return name;
  });
}

/**
 * One split of a 28 × 28 IDX data set from its two decompressed files (named `imageFile` and
 * `labelFile` in errors). Output: `images` uint8 `[count · 784]` (row-major 28 × 28), `labels` uint8
 * `[count]` in 0..classes−1. Throws `IdxFormatError` (bad structure, labels out of range, counts differ).
 */
export function splitFromIdx(
  images: { file: string; bytes: Uint8Array },
  labels: { file: string; bytes: Uint8Array },
  dataset: DatasetInfo = FASHION_MNIST,
): ArrayDataset {
  const { count, pixels } = readImages(images.bytes, images.file, { rows: IMAGE_ROWS, cols: IMAGE_COLS });
  const labelValues = readLabels(labels.bytes, labels.file, dataset.classes.length);
  if (labelValues.length !== count) {
    throw new IdxFormatError(
      images.file,
      `holds ${count} images but ${labels.file} holds ${labelValues.length} labels: expected equal counts`,
    );
  }
  return { images: pixels, labels: labelValues, count, featureSize: IMAGE_SIZE };
}

/** One example: a view of the image's 784 uint8 pixels (row-major 28 × 28) and its label. */
export interface FashionMnistItem {
  image: Uint8Array;
  label: number;
}

/** Maps an example before `get` returns it, as Gluon's `transform(data, label)`. */
export type Transform<T> = (image: Uint8Array, label: number) => T;

export interface FashionMnistOptions extends DataStoreOptions {
  train?: boolean;
}

const toItem: Transform<FashionMnistItem> = (image, label) => ({ image, label });

/**
 * The Fashion-MNIST data set, loaded into memory and indexed by example.
 *
 * Output of `get(i)`: `transform(image, label)`, by default `{ image, label }` with `image` a uint8
 * view of 784 pixels and `label` in 0..9.
 * Mirrors gluon.data.vision.FashionMNIST(root, train, transform). Deviations: items are flat `[784]`
 * views, not `[28, 28, 1]` arrays; loading is async (`await FashionMNIST.load(...)`) and goes through
 * the platform's data store, which looks where `loadFashionMnist` looks; a `DataLoader`
 * reads `images`/`labels` directly (scaling to [0, 1] as ToTensor does), so `transform` affects `get` only.
 */
export class FashionMNIST<T = FashionMnistItem> implements ArrayDataset {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly featureSize = IMAGE_SIZE;

  private constructor(
    data: ArrayDataset,
    private readonly transform: Transform<T>,
  ) {
    this.images = data.images;
    this.labels = data.labels;
    this.count = data.count;
  }

  static load<T>(options: FashionMnistOptions & { transform: Transform<T> }): Promise<FashionMNIST<T>>;
  static load(options?: FashionMnistOptions): Promise<FashionMNIST>;
  static async load<T>(
    options: FashionMnistOptions & { transform?: Transform<T> } = {},
  ): Promise<FashionMNIST<T> | FashionMNIST> {
    const { train = true, transform, ...storeOptions } = options;
    const splits = await adapter('data', 'FashionMNIST.load').loadSplits(FASHION_MNIST, storeOptions);
    const data = train ? splits.train : splits.test;
    return transform === undefined ? new FashionMNIST(data, toItem) : new FashionMNIST(data, transform);
  }

  /** Number of examples, as `len(dataset)` in Gluon. */
  get length(): number {
    return this.count;
  }

  get(i: number): T {
    assert(
      Number.isInteger(i) && i >= 0 && i < this.count,
      () => `Expected an index in 0..${this.count - 1}, but got ${i}.`,
    );
    return this.transform(this.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), this.labels[i]);
  }
}
