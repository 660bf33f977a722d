/**
 * Fetches a data set's files into a directory, never leaving a half-written or unverified file under
 * a real name: each file is streamed to `<file>.<random>.part` beside its target, fsynced, verified,
 * then renamed into place (atomic, so concurrent downloads into one directory both end verified).
 * Mirrors are tried in order; transient failures are retried with backoff and resumed with `Range`;
 * a partial left by a failed run is kept as `<file>.part` and resumed by the next one.
 * Mirrors gluon.utils.download + check_sha1, with mirrors and resume.
 */
import { randomBytes } from 'node:crypto';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  ChecksumError,
  ConfigError,
  DataNotFoundError,
  DownloadError,
  IdxFormatError,
  OutputError,
  StoppedError,
} from '../../core/errors.js';
import type { DownloadAttempt } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import type { Logger } from '../../core/logger.js';
import type { DatasetInfo, IdxFileInfo } from '../../core/data/datasets.js';
import { reasonOf } from '../atomic.js';
import { makeDirs } from '../files.js';
import { nodeDigest } from './read.js';
import { allFiles, verifyIdxFile } from '../../core/data/datasets.js';
import { readIdxFile, readStored } from './read.js';
import { FetchError, fetchToFile } from './http.js';
import type { FetchOptions } from './http.js';
import { pausePoint } from '../test-pause.js';

/** Reports one file's bytes as they arrive (the CLI draws a progress bar with it). */
export interface ProgressSink {
  start(file: string, total: number | undefined, done: number): void;
  advance(bytes: number): void;
  stop(): void;
}

export interface DownloadOptions extends Pick<
  FetchOptions,
  'connectTimeoutMs' | 'idleTimeoutMs' | 'maxRedirects' | 'minBytesPerSecond' | 'rateWindowMs' | 'signal'
> {
  /** Directory the files go to (created if missing). */
  dir: string;
  /** Base URLs to try in order, replacing `info.mirrors` (see `mirrorsFrom`). */
  mirrors?: readonly string[] | undefined;
  /** Download even the files that are present and verify (the old file stays until the new one verifies). */
  force?: boolean;
  /** Waits before each retry of one mirror (default 1 s, 3 s): its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  logger?: Logger;
  progress?: ProgressSink;
  /**
   * Given each file's verified, decompressed content as it is settled (present or downloaded), so a caller need
   * not read it again.
   */
  onContent?: (info: IdxFileInfo, file: string, bytes: Uint8Array) => void;
}

/** What `downloadDataset` did for one file. */
export interface FileReport {
  file: string;
  path: string;
  /** `present`: already there and verified; `downloaded`: fetched (from `url`) and verified. */
  status: 'present' | 'downloaded';
  url?: string;
}

/**
 * The mirror list: `cli` if non-empty, else `SOFTMAX_MIRROR` (comma-separated), else undefined (the
 * table's own). Each must be an http(s) URL; a missing trailing '/' is added. Throws `ConfigError`.
 */
export function mirrorsFrom(
  cli: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] | undefined {
  const raw = cli?.length
    ? cli
    : (env['SOFTMAX_MIRROR'] ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
  return raw.length === 0 ? undefined : normalizeMirrors(raw);
}

/** Each mirror as a base URL ending in '/'; throws `ConfigError` for one that is not http(s). */
export function normalizeMirrors(raw: readonly string[]): string[] {
  return raw.map((mirror) => {
    const url = URL.canParse(mirror) ? new URL(mirror) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      throw new ConfigError(`Mirror '${mirror}' is not an http:// or https:// URL.`);
    }
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  });
}

/** Throws `DownloadError` unless `dir` exists (or can be made) and a file can be created in it. */
export async function assertWritable(dir: string): Promise<void> {
  const probe = path.join(dir, `.softmax-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await makeDirs(dir);
    await writeFile(probe, '', { flag: 'wx' }); // exclusive: never through a link planted at that name
    await rm(probe, { force: true });
  } catch (err) {
    throw new DownloadError(
      `Cannot write to ${dir} (${reasonOf(err)}), so nothing was ` +
        'downloaded. Choose a writable directory (--dir, --data-dir, SOFTMAX_DATA_DIR or $XDG_CACHE_HOME) ' +
        'or fix its permissions.',
      dir,
      [],
      { cause: err },
    );
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
const sizeOf = async (file: string): Promise<number> => (await lstat(file).catch(() => undefined))?.size ?? 0;

/**
 * Takes over `<target>.part` from an earlier failed run by renaming it to `temp`; false if there is none,
 * or if it is not a regular file (a planted link is never resumed, so nothing is written where it points).
 */
async function claimPartial(target: string, temp: string, logger: Logger): Promise<boolean> {
  const info = await lstat(`${target}.part`).catch(() => undefined);
  if (info === undefined) return false;
  if (!info.isFile()) {
    logger.warn({ file: `${target}.part` }, 'not a regular file (a link?): not resuming from it');
    return false;
  }
  try {
    await rename(`${target}.part`, temp);
    return true;
  } catch {
    return false; // none, or another process claimed it first
  }
}

/**
 * The decompressed content of `file`; throws `ChecksumError`/`IdxFormatError` unless it is the official content
 * of `info`.
 */
async function verifyDownload(file: string, info: IdxFileInfo, name: string): Promise<Uint8Array> {
  const { stored, content } = await readStored(file, info.bytes, name);
  verifyIdxFile(stored, content, info, name, nodeDigest);
  return content;
}

/** Fetches one file from the first mirror that serves verified content; see the module comment. */
async function downloadFile(
  info: IdxFileInfo,
  dataset: DatasetInfo,
  target: string,
  options: DownloadOptions,
  mirrors: readonly string[],
): Promise<{ url: string; content: Uint8Array }> {
  const { logger = silentLogger, progress, retryDelaysMs = [1000, 3000], signal } = options;
  const temp = `${target}.${randomBytes(6).toString('hex')}.part`;
  const stopped = () => StoppedError.of(signal as AbortSignal, `while downloading ${info.file}`);
  // A stored gzip stream is never much longer than its content (see read.ts): an endless body stops there.
  const maxBytes = 2 * info.bytes + 1024;
  let failure: unknown;
  const attempts: DownloadAttempt[] = [];
  // The bytes in `temp` are a resumable prefix of this file only until content fails to verify.
  let resumedFromEarlierRun = await claimPartial(target, temp, logger);
  if (resumedFromEarlierRun) logger.info({ file: info.file, bytes: await sizeOf(temp) }, 'resuming a partial download');
  try {
    for (const [m, mirror] of mirrors.entries()) {
      // Another mirror may serve other (repacked) archive bytes: never append to a prefix from another mirror.
      if (m > 0) await rm(temp, { force: true });
      const url = new URL(info.file, mirror).href;
      for (let attempt = 0; ; attempt++) {
        try {
          if (signal?.aborted) throw stopped();
          logger.info({ url, attempt }, 'downloading');
          const result = await fetchToFile(url, temp, {
            ...options,
            maxBytes,
            onStart: ({ offset, total }) => progress?.start(info.file, total, offset),
            onData: (bytes) => progress?.advance(bytes),
          });
          progress?.stop();
          const content = await verifyDownload(temp, info, target);
          await pausePoint('download-rename', target);
          await rename(temp, target);
          logger.info({ url: result.url, path: target, resumedFrom: result.resumedFrom }, 'downloaded and verified');
          return { url: result.url, content };
        } catch (err) {
          progress?.stop();
          if (signal?.aborted) throw stopped();
          if (err instanceof ChecksumError || err instanceof IdxFormatError) {
            await rm(temp, { force: true });
            const detail =
              err instanceof ChecksumError
                ? `${err.algorithm} is ${err.actual}, expected ${err.expected}`
                : err.problem;
            const reason = `bad content: ${detail}`;
            logger.warn({ url, reason }, 'downloaded file failed verification; removed');
            // A prefix from an earlier run may have come from another mirror: fetch this one whole once.
            if (resumedFromEarlierRun) {
              resumedFromEarlierRun = false;
              continue;
            }
            attempts.push({ url, reason });
            break;
          }
          if (!(err instanceof FetchError)) throw err;
          const delay = retryDelaysMs[attempt];
          if (err.retryable && delay !== undefined) {
            logger.warn({ url, reason: err.message, retryInMs: delay }, 'download failed; retrying');
            await sleep(delay, signal);
            continue;
          }
          logger.warn({ url, reason: err.message }, 'download failed; trying the next mirror');
          attempts.push({ url, reason: err.message });
          break;
        }
      }
      resumedFromEarlierRun = false;
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    // Whatever is left in `temp` is an unverified prefix: keep it as `<file>.part` for the next run
    // (after a signal too), never under the random name; but not when the disk is full: it keeps it full.
    if (!(failure instanceof OutputError) && (await sizeOf(temp)) > 0)
      await rename(temp, `${target}.part`).catch(() => rm(temp, { force: true }));
    else await rm(temp, { force: true });
  }
  const tried = attempts.map((a) => `${a.url} (${a.reason})`).join('; ');
  throw new DownloadError(
    `Could not download ${info.file} of ${dataset.title} into ${path.dirname(target)} from any of ${mirrors.length} ` +
      `mirror${mirrors.length === 1 ? '' : 's'}: ${tried}. Try a reachable mirror with --mirror URL (repeatable) or ` +
      `SOFTMAX_MIRROR=url1,url2. ${dataset.howToGet}`,
    info.file,
    attempts,
  );
}

/** A verified copy of `info` in `dir` (`.gz` or plain) and its content, or undefined; logs why a copy is bad. */
async function presentCopy(
  dir: string,
  info: IdxFileInfo,
  dataset: DatasetInfo,
  logger: Logger,
): Promise<{ file: string; bytes: Uint8Array } | undefined> {
  try {
    return await readIdxFile(dir, info, { dataset });
  } catch (err) {
    if (err instanceof DataNotFoundError) return undefined;
    if (err instanceof ChecksumError || err instanceof IdxFormatError) {
      logger.warn({ file: info.file, reason: err.message }, 'present copy failed verification; downloading');
      return undefined;
    }
    throw err;
  }
}

/**
 * Makes `options.dir` hold the four verified files of `dataset`, downloading what is missing or bad
 * (everything with `force`). Checks that the directory is writable before any download.
 * Output: one `FileReport` per file. Throws `DownloadError` (directory not writable, or every mirror
 * failed for a file: the message lists each URL and why) or `ConfigError` (bad mirror URL).
 */
export async function downloadDataset(dataset: DatasetInfo, options: DownloadOptions): Promise<FileReport[]> {
  const { dir, force = false, logger = silentLogger, onContent } = options;
  const mirrors = options.mirrors?.length ? normalizeMirrors(options.mirrors) : dataset.mirrors;
  await assertWritable(dir);
  const reports: FileReport[] = [];
  for (const info of allFiles(dataset)) {
    if (options.signal?.aborted) throw StoppedError.of(options.signal, `before downloading ${info.file}`);
    const target = path.join(dir, info.file);
    const present = force ? undefined : await presentCopy(dir, info, dataset, logger);
    if (present !== undefined) {
      onContent?.(info, present.file, present.bytes);
      reports.push({ file: info.file, path: present.file, status: 'present' });
      continue;
    }
    const { url, content } = await downloadFile(info, dataset, target, options, mirrors);
    onContent?.(info, target, content);
    reports.push({ file: info.file, path: target, status: 'downloaded', url });
  }
  return reports;
}
