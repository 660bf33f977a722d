/**
 * The data sets this project knows: their files, pinned digests, class names and download mirrors, and
 * the one function that decides whether a file's bytes are the official content. Facts for
 * Fashion-MNIST come from ../shared/DATA.md; MNIST's from torchvision's pinned archive MD5 sums.
 */
import { ChecksumError, ConfigError, IdxFormatError } from '../errors.js';
import { isGzip, parseIdx } from './idx.js';

/**
 * One file as served (`.gz` name) and its decompressed length. It is verified by the SHA-256 of its
 * decompressed content (`sha256`: holds for every mirror and repack) or, when no such digest is known,
 * by the MD5 of the official `.gz` archive (`md5`) plus the IDX structure and the decompressed length.
 */
export type IdxFileInfo =
  | { readonly file: string; readonly bytes: number; readonly sha256: string; readonly md5?: never }
  | { readonly file: string; readonly bytes: number; readonly md5: string; readonly sha256?: never };

/** The four files of a data set, by split. */
export type IdxFiles = Readonly<
  Record<'train' | 'test', { readonly images: IdxFileInfo; readonly labels: IdxFileInfo }>
>;

export const DATASET_NAMES = ['fashion-mnist', 'mnist'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Everything needed to find, fetch and verify a data set. Tests build their own with fake files. */
export interface DatasetInfo {
  /** Folder name under datasets/, the cache and /usr/share/datasets. */
  readonly name: string;
  /** Human name for messages. */
  readonly title: string;
  readonly files: IdxFiles;
  readonly classes: readonly string[];
  /** Base URLs (ending in '/'), official first; each file is fetched from `mirror + file`. */
  readonly mirrors: readonly string[];
  /** What a user can do when the data is missing, appended to error messages. */
  readonly howToGet: string;
}

/** Class names of Fashion-MNIST in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** The four official files. Digests are of the decompressed content, which every mirror and repack shares. */
export const FASHION_MNIST_FILES = {
  train: {
    images: {
      file: 'train-images-idx3-ubyte.gz',
      bytes: 47040016,
      sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    },
    labels: {
      file: 'train-labels-idx1-ubyte.gz',
      bytes: 60008,
      sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    },
  },
  test: {
    images: {
      file: 't10k-images-idx3-ubyte.gz',
      bytes: 7840016,
      sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    },
    labels: {
      file: 't10k-labels-idx1-ubyte.gz',
      bytes: 10008,
      sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  },
} as const satisfies IdxFiles;

/**
 * MNIST's four files. No decompressed copy was at hand to compute content digests, so these pin the MD5
 * of the official `.gz` archives (the sums torchvision uses); a repacked archive will not verify.
 */
export const MNIST_FILES = {
  train: {
    images: { file: 'train-images-idx3-ubyte.gz', bytes: 47040016, md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
    labels: { file: 'train-labels-idx1-ubyte.gz', bytes: 60008, md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
  },
  test: {
    images: { file: 't10k-images-idx3-ubyte.gz', bytes: 7840016, md5: '9fb629c4189551a2d022fa330f9573f3' },
    labels: { file: 't10k-labels-idx1-ubyte.gz', bytes: 10008, md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
  },
} as const satisfies IdxFiles;

export const FASHION_MNIST: DatasetInfo = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  files: FASHION_MNIST_FILES,
  classes: FASHION_MNIST_CLASSES,
  mirrors: [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  ],
  howToGet:
    'Pass `root` (or set SOFTMAX_DATA_DIR) to a directory holding the four Fashion-MNIST files, fetch them ' +
    "(downloadDataset of softmax/node, or 'softmax download --dir DIR'), or run 'apt-get install " +
    "dataset-fashion-mnist' and point at /usr/share/datasets/fashion-mnist.",
};

export const MNIST: DatasetInfo = {
  name: 'mnist',
  title: 'MNIST',
  files: MNIST_FILES,
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
  howToGet:
    "Fetch it (downloadDataset of softmax/node, or 'softmax download --dataset mnist'; the `mirrors` option " +
    'if the default mirrors cannot be reached), or pass `root` (or set SOFTMAX_DATA_DIR) to a directory ' +
    'holding the four official MNIST .gz files.',
};

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = { 'fashion-mnist': FASHION_MNIST, mnist: MNIST };

/** The table entry of a data set, or a `ConfigError` listing the known names. */
export function datasetInfo(name: string): DatasetInfo {
  const info = (DATASETS as Readonly<Record<string, DatasetInfo | undefined>>)[name];
  if (info === undefined) {
    throw new ConfigError(`Unknown data set '${name}': expected one of ${DATASET_NAMES.join(', ')}.`);
  }
  return info;
}

/** The four file entries of a data set, train first. */
export function allFiles(info: DatasetInfo): IdxFileInfo[] {
  return [info.files.train.images, info.files.train.labels, info.files.test.images, info.files.test.labels];
}

/** A digest as lowercase hex, supplied by the platform (Node's crypto, say): verification stays here, hashing there. */
export type Digest = (algorithm: 'sha256' | 'md5', bytes: Uint8Array) => string;

/**
 * Throws unless a file is the official content of `info`. `stored` is the file's bytes as on disk
 * (`.gz` or plain) and `content` its decompressed bytes; `file` names it in messages.
 * `sha256` entries: SHA-256 of `content` (`ChecksumError`). `md5` entries: MD5 of a gzipped `stored`
 * (`ChecksumError`), then the decompressed length and the IDX header (`IdxFormatError`); a plain copy of
 * an `md5` entry can only be checked by length and structure.
 */
export function verifyIdxFile(
  stored: Uint8Array,
  content: Uint8Array,
  info: IdxFileInfo,
  file: string,
  digest: Digest,
): void {
  if (info.sha256 !== undefined) {
    const actual = digest('sha256', content);
    if (actual !== info.sha256) throw new ChecksumError(file, info.sha256, actual);
    return;
  }
  if (isGzip(stored)) {
    const actual = digest('md5', stored);
    if (actual !== info.md5) throw new ChecksumError(file, info.md5, actual, { algorithm: 'md5 of the .gz archive' });
  }
  if (content.length !== info.bytes) {
    throw new IdxFormatError(file, `decompresses to ${content.length} bytes, expected ${info.bytes}`);
  }
  parseIdx(content, file);
  // No content digest is pinned for this entry: at least refuse the content of another data set
  // (a plain Fashion-MNIST file has MNIST's name, length and structure).
  const other = PINNED_CONTENT.get(digest('sha256', content));
  if (other !== undefined) {
    throw new IdxFormatError(file, `is ${other}, not the file this data set needs: point at a copy of the right one`);
  }
}

/** The data sets' pinned content digests (SHA-256 of decompressed files) → which file each is. */
const PINNED_CONTENT: ReadonlyMap<string, string> = new Map(
  Object.values(DATASETS).flatMap((d) =>
    allFiles(d).flatMap((f) => (f.sha256 === undefined ? [] : [[f.sha256, `${d.title}'s ${f.file}`] as const])),
  ),
);
