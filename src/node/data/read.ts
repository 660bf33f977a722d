/**
 * Reading IDX data sets from a directory: each file (`name.gz` or plain `name`) read in one request,
 * decompressed (bounded), and verified against the data-set table, once.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DataNotFoundError } from '../../core/errors.js';
import type { ArrayDataset } from '../../core/data/dataset.js';
import type { DatasetInfo, Digest, IdxFileInfo } from '../../core/data/datasets.js';
import { FASHION_MNIST, verifyIdxFile } from '../../core/data/datasets.js';
import { splitFromIdx } from '../../core/data/fashion-mnist.js';
import { gunzipIfCompressedAsync } from './gunzip.js';

/** Node's crypto as the core's `Digest`. */
export const nodeDigest: Digest = (algorithm, bytes) => createHash(algorithm).update(bytes).digest('hex');

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

/** `pending`'s value, or undefined if it failed because the path does not exist. */
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
    if (verify) verifyIdxFile(stored, bytes, info, file, nodeDigest);
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
  return splitFromIdx(images.value, labelsRead.value, dataset);
}
