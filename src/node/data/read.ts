/**
 * Reading IDX data sets from a directory: each file (`name.gz` or plain `name`, a regular file) read in
 * one request, bounded by its header or the table's length, decompressed (bounded), and verified
 * against the data-set table, once.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DataNotFoundError, IdxFormatError } from '../../core/errors.js';
import type { ArrayDataset } from '../../core/data/dataset.js';
import type { DatasetInfo, Digest, IdxFileInfo } from '../../core/data/datasets.js';
import { FASHION_MNIST, verifyIdxFile } from '../../core/data/datasets.js';
import { splitFromIdx } from '../../core/data/fashion-mnist.js';
import { MAX_IDX_BYTES, MAX_IDX_HEADER_BYTES, idxLengthProblem, isGzip, parseIdxHeader } from '../../core/data/idx.js';
import { formatBytes, isMissing, openRegular, readAt, readProblem } from '../files.js';
import { gunzipIfCompressedAsync } from './gunzip.js';

/** Node's crypto as the core's `Digest`. */
export const nodeDigest: Digest = (algorithm, bytes) => createHash(algorithm).update(bytes).digest('hex');

/** `pending`'s value, or undefined if it failed because the path does not exist. */
function unlessMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  return pending.catch((err: unknown) => {
    if (isMissing(err)) return undefined;
    throw err;
  });
}

/**
 * The most a stored (possibly gzipped) IDX file may hold: a gzip stream of incompressible bytes is a
 * little longer than its content, never twice as long.
 */
const maxStoredBytes = (content: number): number => 2 * content + 1024;

/**
 * Reads one IDX file (`.gz` or plain), bounded by what the format allows: a plain file's header is
 * checked against its length before the rest is read, and nothing longer than `maxContent` is read or
 * inflated. Returns the stored bytes and the decompressed content (the same buffer for a plain file).
 * A missing path rethrows ENOENT; every other problem throws `IdxFormatError` naming `label`.
 */
export async function readStored(
  file: string,
  maxContent: number,
  label = file,
): Promise<{ stored: Uint8Array; content: Uint8Array }> {
  const fail = (problem: string, cause?: unknown) => new IdxFormatError(label, problem, { cause });
  const { handle, size } = await openRegular(file, fail);
  try {
    const head = await readAt(handle, Math.min(size, MAX_IDX_HEADER_BYTES));
    if (isGzip(head)) {
      const limit = maxStoredBytes(maxContent);
      if (size > limit) throw fail(`is ${formatBytes(size)}, more than a gzipped IDX file here can be`);
      const stored = await readAt(handle, size);
      return { stored, content: await gunzipIfCompressedAsync(stored, label, maxContent) };
    }
    const problem = idxLengthProblem(parseIdxHeader(head, label), size);
    if (problem !== undefined) throw fail(problem);
    if (size > maxContent) throw fail(`is ${formatBytes(size)}, more than the ${formatBytes(maxContent)} expected`);
    const stored = await readAt(handle, size);
    return { stored, content: stored };
  } catch (err) {
    if (err instanceof IdxFormatError) throw err;
    throw fail(readProblem(err), err);
  } finally {
    await handle.close();
  }
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
    // Verified content has the table's length exactly: no more is read or inflated.
    const read = await unlessMissing(readStored(file, verify ? info.bytes : MAX_IDX_BYTES));
    if (read === undefined) continue;
    if (verify) verifyIdxFile(read.stored, read.content, info, file, nodeDigest);
    return { file, bytes: read.content };
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
