/**
 * The Node data store: locate a data set, download what is missing, read and verify each file once.
 * Where a data set is looked for, in order (STYLE §8): an explicit directory (`root`, else
 * `SOFTMAX_DATA_DIR`); the repo's `datasets/<name>/`; the user cache (`$XDG_CACHE_HOME/softmax/datasets/
 * <name>`, default `~/.cache/...`); the system copy (`/usr/share/datasets/<name>`, from Debian's
 * package); then a download into the cache. A copy is used only if every file verifies. An explicit
 * directory is strict: its files must be there and verify, and it is filled only when asked (`download`).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ChecksumError, DataNotFoundError, IdxFormatError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import type { ArrayDataset } from '../../core/data/dataset.js';
import type { DatasetInfo, IdxFileInfo } from '../../core/data/datasets.js';
import { splitFromIdx } from '../../core/data/fashion-mnist.js';
import type { DataStore } from '../../core/platform.js';
import { downloadDataset, mirrorsFrom } from './download.js';
import type { DownloadOptions, FileReport } from './download.js';
import { readFashionMnist } from './read.js';

/**
 * Where a data set was found: `data-dir` (explicit), `repo`, `cache`, `system`, or `download` (into the cache
 * or `data-dir`).
 */
export interface DataSource {
  kind: 'data-dir' | 'repo' | 'cache' | 'system' | 'download';
  dir: string;
  /** With `download`: what happened to each file. */
  files?: FileReport[];
}

export type Location = Pick<DataSource, 'kind' | 'dir'>;

/** `SOFTMAX_DATA_DIR` when set (an explicit directory), else undefined: the one place that reads it. */
export function envDataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['SOFTMAX_DATA_DIR'] || undefined;
}

/** `$XDG_CACHE_HOME/softmax/datasets/<name>`, default `~/.cache/softmax/datasets/<name>`. */
export function userCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(cache, 'softmax', 'datasets', name);
}

/** The places searched when no directory is given: repo copy, user cache, system copy. */
export function searchPath(name: string, env: NodeJS.ProcessEnv = process.env): Location[] {
  return [
    { kind: 'repo', dir: path.resolve(__dirname, '../../../datasets', name) },
    { kind: 'cache', dir: userCacheDir(name, env) },
    { kind: 'system', dir: path.join('/usr/share/datasets', name) },
  ];
}

export interface ResolveOptions extends Omit<DownloadOptions, 'dir' | 'force'> {
  /** An explicit directory; default `SOFTMAX_DATA_DIR` if set. */
  root?: string | undefined;
  /** Check each file (default true). Without it, a found copy is used as is. */
  verify?: boolean;
  /**
   * Download when no verified copy is found (into `root` if given, else the user cache). Default: true
   * when searching (Gluon's behaviour), false for an explicit directory, which then must hold the files.
   */
  download?: boolean;
  /** Replaces `searchPath(name)` (tests). */
  locations?: readonly Location[];
  /** Where a search downloads to; default `userCacheDir(name)`. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedSplits {
  train: ArrayDataset;
  test: ArrayDataset;
  source: DataSource;
}

async function readSplits(dataset: DatasetInfo, dir: string, verify: boolean): Promise<[ArrayDataset, ArrayDataset]> {
  return Promise.all([
    readFashionMnist(dir, { train: true, verify, dataset }),
    readFashionMnist(dir, { train: false, verify, dataset }),
  ]);
}

/**
 * Reads both splits of `dataset` from the first place that holds a verified copy, downloading one if
 * needed (see the module comment). Output: `{ train, test, source }`. Throws `DataNotFoundError` (an
 * explicit directory without the files, or nothing found and `download: false`), `ChecksumError` /
 * `IdxFormatError` (a bad file in an explicit directory), or `DownloadError`.
 */
export async function loadSplits(dataset: DatasetInfo, options: ResolveOptions = {}): Promise<LoadedSplits> {
  const { env = process.env, verify = true, logger = silentLogger } = options;
  const root = options.root ?? envDataDir(env);
  if (root !== undefined) {
    try {
      const [train, test] = await readSplits(dataset, root, verify);
      return { train, test, source: { kind: 'data-dir', dir: root } };
    } catch (err) {
      if (!(err instanceof DataNotFoundError && options.download === true)) throw err;
    }
    return fetchAndRead(dataset, root, options);
  }
  const tried: string[] = [];
  for (const { kind, dir } of options.locations ?? searchPath(dataset.name, env)) {
    try {
      const [train, test] = await readSplits(dataset, dir, verify);
      return { train, test, source: { kind, dir } };
    } catch (err) {
      if (!(err instanceof DataNotFoundError || err instanceof ChecksumError || err instanceof IdxFormatError))
        throw err;
      logger.debug({ kind, dir, reason: err.message }, 'no usable copy here');
      tried.push(`${dir} (${err instanceof DataNotFoundError ? 'missing' : err.message})`);
    }
  }
  if (options.download === false) {
    throw new DataNotFoundError(`${dataset.title} not found in ${tried.join(', ')}. ${dataset.howToGet}`);
  }
  return fetchAndRead(dataset, options.cacheDir ?? userCacheDir(dataset.name, env), options);
}

async function fetchAndRead(dataset: DatasetInfo, dir: string, options: ResolveOptions): Promise<LoadedSplits> {
  // Explicit mirrors, else SOFTMAX_MIRROR, else the table's: the same rule as `softmax download`.
  const mirrors = mirrorsFrom(options.mirrors, options.env ?? process.env);
  // Each file is read and verified once, by the download (a present copy too): its content is kept here.
  const contents = new Map<IdxFileInfo, { file: string; bytes: Uint8Array }>();
  const onContent = (info: IdxFileInfo, file: string, bytes: Uint8Array): void =>
    void contents.set(info, { file, bytes });
  const files = await downloadDataset(dataset, { ...options, mirrors, dir, onContent });
  const split = (which: 'train' | 'test'): ArrayDataset => {
    const { images, labels } = dataset.files[which];
    const got = (info: IdxFileInfo) =>
      contents.get(info) ?? { file: path.join(dir, info.file), bytes: new Uint8Array(0) };
    return splitFromIdx(got(images), got(labels), dataset);
  };
  return { train: split('train'), test: split('test'), source: { kind: 'download', dir, files } };
}

/** This module as the Node platform's data store (`loadFashionMnist`, `FashionMNIST.load`). */
export const nodeDataStore: DataStore = { loadSplits: (dataset, options) => loadSplits(dataset, options) };
