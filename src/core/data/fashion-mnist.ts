/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test 28 × 28 grayscale
 * images of 10 clothing classes, in MNIST's IDX files. D2L §3.5 image-classification-dataset.
 * Facts (file names, sizes, digests, class names) come from ../shared/DATA.md.
 */
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { assert, DataNotFoundError, IdxFormatError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import type { DatasetInfo, IdxFileInfo } from './datasets.js';
import { FASHION_MNIST, FASHION_MNIST_CLASSES, verifyIdxFile } from './datasets.js';
import { gunzipIfCompressedAsync, readImages, readLabels } from './idx.js';

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

/** `SOFTMAX_DATA_DIR` if set, else the `datasets/fashion-mnist` this package ships (from src/ or dist/). */
export function defaultDataDir(): string {
  return process.env['SOFTMAX_DATA_DIR'] || path.resolve(__dirname, '../../../datasets/fashion-mnist');
}

/** `pending`'s value, or undefined if it failed because the path does not exist. */
/**
 * The whole file, read with one request for all of it. (`readFile` reads in 512 KB pieces, each
 * waiting for a turn of this thread's event loop: slow to finish while the thread is busy elsewhere,
 * e.g. loading modules; one request runs to the end on libuv's threads meanwhile.)
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return await handle.readFile(); // not a regular file (a pipe, say): size unknown
    const buffer = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buffer, done, size - done, done);
      if (bytesRead === 0) break; // the file shrank while being read
      done += bytesRead;
    }
    return done === size ? buffer : buffer.subarray(0, done);
  } finally {
    await handle.close();
  }
}

function unlessMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  return pending.catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
}

async function assertDirectory(root: string, dataset: DatasetInfo): Promise<void> {
  const info = await unlessMissing(stat(root));
  if (!info?.isDirectory()) {
    throw new DataNotFoundError(
      `${dataset.title} directory ${root} does not exist or is not a directory. ${dataset.howToGet}`,
    );
  }
}

/**
 * Reads `info.file` (gzipped) or, failing that, its decompressed name from `root`, and returns the
 * decompressed bytes; with `verify`, only if they are the official content (`verifyIdxFile`).
 * Throws `DataNotFoundError` (neither name exists), `ChecksumError` or `IdxFormatError`.
 */
export async function readIdxFile(
  root: string,
  info: IdxFileInfo,
  { verify = true, dataset = FASHION_MNIST }: { verify?: boolean; dataset?: DatasetInfo } = {},
): Promise<{ file: string; bytes: Uint8Array }> {
  const names = [info.file, info.file.replace(/\.gz$/, '')];
  for (const name of names) {
    const file = path.join(root, name);
    const stored = await unlessMissing(readWhole(file));
    if (stored === undefined) continue;
    const bytes = await gunzipIfCompressedAsync(stored, file);
    if (verify) verifyIdxFile(stored, bytes, info, file);
    return { file, bytes };
  }
  throw new DataNotFoundError(
    `${dataset.title} file not found: ${root} has neither ${names.join(' nor ')}. ${dataset.howToGet}`,
  );
}

/**
 * Reads one split of Fashion-MNIST (or another 28 × 28 IDX data set: `dataset`, e.g. `MNIST`) from
 * `root`, accepting `name.gz` or the plain `name` of each file.
 *
 * Output: `images` uint8 `[count · 784]` (row-major 28 × 28), `labels` uint8 `[count]` in 0..9.
 * With `verify` (the default), each file must be the official content (`verifyIdxFile`): for
 * Fashion-MNIST, the SHA-256 of each decompressed file must match `FASHION_MNIST_FILES`.
 * Throws `DataNotFoundError` (no directory or file), `ChecksumError`, or `IdxFormatError`.
 * Mirrors the reading half of gluon.data.vision.FashionMNIST; D2L §3.5.
 */
export async function readFashionMnist(
  root: string,
  { train, verify = true, dataset = FASHION_MNIST }: { train: boolean; verify?: boolean; dataset?: DatasetInfo },
): Promise<ArrayDataset> {
  await assertDirectory(root, dataset);
  const split = dataset.files[train ? 'train' : 'test'];
  // Read both at once, but report a failure of the images file before one of the labels file, so
  // the error does not depend on which read finished first.
  const [images, labelsRead] = await Promise.allSettled([
    readIdxFile(root, split.images, { verify, dataset }),
    readIdxFile(root, split.labels, { verify, dataset }),
  ]);
  if (images.status === 'rejected') throw images.reason;
  if (labelsRead.status === 'rejected') throw labelsRead.reason;
  const [imageFile, labelFile] = [images.value, labelsRead.value];
  const { count, pixels } = readImages(imageFile.bytes, imageFile.file, { rows: IMAGE_ROWS, cols: IMAGE_COLS });
  const labels = readLabels(labelFile.bytes, labelFile.file, dataset.classes.length);
  if (labels.length !== count) {
    throw new IdxFormatError(
      imageFile.file,
      `holds ${count} images but ${labelFile.file} holds ${labels.length} labels: expected equal counts`,
    );
  }
  return { images: pixels, labels, count, featureSize: IMAGE_SIZE };
}

/** One example: a view of the image's 784 uint8 pixels (row-major 28 × 28) and its label. */
export interface FashionMnistItem {
  image: Uint8Array;
  label: number;
}

/** Maps an example before `get` returns it, as Gluon's `transform(data, label)`. */
export type Transform<T> = (image: Uint8Array, label: number) => T;

export interface FashionMnistOptions {
  /** Directory of the four files; default `defaultDataDir()`. */
  root?: string;
  train?: boolean;
  /** Check each file's SHA-256 (default true). */
  verify?: boolean;
}

const toItem: Transform<FashionMnistItem> = (image, label) => ({ image, label });

/**
 * The Fashion-MNIST data set, loaded into memory and indexed by example.
 *
 * Output of `get(i)`: `transform(image, label)`, by default `{ image, label }` with `image` a uint8
 * view of 784 pixels and `label` in 0..9.
 * Mirrors gluon.data.vision.FashionMNIST(root, train, transform). Deviations: items are flat `[784]`
 * views, not `[28, 28, 1]` arrays; loading is async (`await FashionMNIST.load(...)`); a `DataLoader`
 * reads `images`/`labels` directly (scaling to [0, 1] as ToTensor does), so `transform` affects `get` only.
 */
export class FashionMNIST<T = FashionMnistItem> implements ArrayDataset {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly featureSize = IMAGE_SIZE;

  private constructor(data: ArrayDataset, private readonly transform: Transform<T>) {
    this.images = data.images;
    this.labels = data.labels;
    this.count = data.count;
  }

  static load<T>(options: FashionMnistOptions & { transform: Transform<T> }): Promise<FashionMNIST<T>>;
  static load(options?: FashionMnistOptions): Promise<FashionMNIST>;
  static async load<T>(
    options: FashionMnistOptions & { transform?: Transform<T> } = {},
  ): Promise<FashionMNIST<T> | FashionMNIST> {
    const { root = defaultDataDir(), train = true, verify = true, transform } = options;
    const data = await readFashionMnist(root, { train, verify });
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
