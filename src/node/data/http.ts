/**
 * One HTTP(S) GET streamed into a file with Node's own http/https: bounded redirects, a connect and an
 * idle timeout, a minimum rate (a mirror that sends a byte now and then resets the idle timeout for
 * ever), a bound on the body (an endless one must not fill the disk), cancellation by an
 * `AbortSignal`, and resume by `Range` when the file already holds a prefix. No retries here: the
 * caller (download.ts) decides what to try again, using `FetchError.retryable`. A failure to write
 * the file (a full disk, say) is an `OutputError`, not a network problem.
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import * as http from 'node:http';
import * as https from 'node:https';
import { OutputError } from '../../core/errors.js';
import { reasonOf } from '../atomic.js';

/**
 * Opens `file` to append to it or (`truncate`) to rewrite it, creating it if missing, never through a link
 * (O_NOFOLLOW) and only if it is a regular file: a link planted at a download's name must not make us
 * write where it points.
 */
async function openRegular(file: string, mode: 'append' | 'truncate'): Promise<FileHandle> {
  const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_APPEND, O_NONBLOCK } = fsConstants;
  // O_NONBLOCK: a FIFO planted there must not hang the open; it is refused just below.
  const flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | (mode === 'append' ? O_APPEND : 0);
  const handle = await open(file, flags, 0o644).catch((err: unknown) => {
    // A link planted there is the mirror-independent refusal; other failures (permissions, a full disk) are
    // the file system's, reported as such by the caller.
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
    throw new FetchError(`refusing to write ${file}: it is a symbolic link`, false, { cause: err });
  });
  try {
    if (!(await handle.stat()).isFile())
      throw new FetchError(`${file} is not a regular file; refusing to write it`, false);
    if (mode === 'truncate') await handle.truncate(0);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Empties `file` (a regular file, not through a link). */
async function emptyFile(file: string): Promise<void> {
  await (await openRegular(file, 'truncate')).close();
}

export interface FetchOptions {
  /** Time allowed to open the TCP connection (default 15 s). */
  connectTimeoutMs?: number;
  /** Time the connection may stay silent, waiting for headers or body bytes (default 30 s). */
  idleTimeoutMs?: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /**
   * The slowest transfer accepted, in bytes per second, averaged over each `rateWindowMs` (default
   * 1024): a slower one fails (retryable), however often bytes trickle in.
   */
  minBytesPerSecond?: number;
  /** The window the rate is measured over (default 60 s). */
  rateWindowMs?: number;
  /** The most bytes the file may have (default unbounded): a larger announced or sent body fails, not retried. */
  maxBytes?: number;
  /** Aborting it ends the request at once; `fetchToFile` then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called once the body starts: bytes already in the file and the expected total, if known. */
  onStart?: (start: { url: string; offset: number; total: number | undefined }) => void;
  /** Called with the size of each chunk written. */
  onData?: (bytes: number) => void;
}

/** A request that failed; `retryable` says whether asking the same URL again may help. */
export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface FetchResult {
  /** The URL that answered, after redirects. */
  url: string;
  /** Bytes that were already in the file and kept (a resumed download), else 0. */
  resumedFrom: number;
  /** Size of the file now. */
  bytes: number;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

interface Exchange {
  req: http.ClientRequest;
  res: http.IncomingMessage;
  /** The timeout that ended the exchange, if one did (a destroyed stream reports only 'aborted'). */
  timedOut: () => FetchError | undefined;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code !== undefined && !e.message.includes(e.code) ? `${e.code} ${e.message}` : e.message;
}

interface Limits {
  connectMs: number;
  idleMs: number;
  minBytesPerSecond: number;
  rateWindowMs: number;
  signal: AbortSignal | undefined;
}

/** Sends the GET and resolves when the response headers arrive. */
function send(url: URL, headers: http.OutgoingHttpHeaders, limits: Limits): Promise<Exchange> {
  const { connectMs, idleMs, minBytesPerSecond, rateWindowMs, signal } = limits;
  return new Promise((resolve, reject) => {
    let timeout: FetchError | undefined;
    const fail = (err: FetchError): void => {
      timeout = err;
      req.destroy(err);
    };
    const client = url.protocol === 'https:' ? https : http;
    // agent: false ⇒ a fresh connection per request, so 'connect' always fires and no socket lingers.
    const req = client.get(url, { headers, agent: false, signal }, (res) => {
      clearTimeout(connectTimer);
      resolve({ req, res, timedOut: () => timeout });
    });
    const connectTimer = setTimeout(
      () => fail(new FetchError(`no connection within ${connectMs} ms`, true)),
      connectMs,
    );
    // The rate counts every byte of the exchange, headers too: a server may trickle either.
    let counted = 0;
    const minimum = (minBytesPerSecond * rateWindowMs) / 1000;
    const rateTimer = setInterval(() => {
      const read = req.socket?.bytesRead ?? 0;
      if (read - counted < minimum) {
        fail(
          new FetchError(
            `too slow: ${read - counted} bytes in ${rateWindowMs / 1000} s, below the minimum of ` +
              `${minBytesPerSecond} bytes/s`,
            true,
          ),
        );
      }
      counted = read;
    }, rateWindowMs);
    req.on('close', () => clearInterval(rateTimer));
    req.on('socket', (socket) => socket.once('connect', () => clearTimeout(connectTimer)));
    req.setTimeout(idleMs, () => fail(new FetchError(`stalled: no data for ${idleMs} ms`, true)));
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      clearInterval(rateTimer);
      if (signal?.aborted) reject(signal.reason);
      else reject(err instanceof FetchError ? err : new FetchError(describe(err), true, { cause: err }));
    });
  });
}

/** Status codes worth retrying: server errors, timeouts, rate limits. */
const retryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/**
 * Downloads `url` into `file`. If `file` already has bytes, asks for the rest with `Range`; a `206`
 * that starts where the file ends is appended, a `200` replaces the file, anything else that does not
 * fit empties it (and is retryable). The file is fsynced before this resolves.
 * Throws `FetchError`: non-retryable for 4xx answers and redirect loops; retryable for 5xx, timeouts,
 * resets, and bodies shorter than their Content-Length.
 */
export async function fetchToFile(url: string, file: string, options: FetchOptions = {}): Promise<FetchResult> {
  const { connectTimeoutMs = 15_000, idleTimeoutMs = 30_000, maxRedirects = 5, signal } = options;
  const limits: Limits = {
    connectMs: connectTimeoutMs,
    idleMs: idleTimeoutMs,
    minBytesPerSecond: options.minBytesPerSecond ?? 1024,
    rateWindowMs: options.rateWindowMs ?? 60_000,
    signal,
  };
  // lstat: the size of a link's target is no prefix of ours (openRegular refuses the link itself).
  const offset = (await lstat(file).catch(() => undefined))?.size ?? 0;
  const headers: http.OutgoingHttpHeaders = { 'accept-encoding': 'identity', 'user-agent': 'softmax-downloader' };
  if (offset > 0) headers['range'] = `bytes=${offset}-`;
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new FetchError(`unsupported protocol ${current.protocol} (expected http: or https:)`, false);
    }
    signal?.throwIfAborted();
    const exchange = await send(current, headers, limits);
    const { res } = exchange;
    const status = res.statusCode ?? 0;
    if (REDIRECT.has(status)) {
      res.resume();
      const location = res.headers.location;
      if (location === undefined) throw new FetchError(`HTTP ${status} redirect without a Location header`, false);
      const next = new URL(location, current);
      if (redirects >= maxRedirects) {
        throw new FetchError(`more than ${maxRedirects} redirects (the last to ${next.href}): a redirect loop?`, false);
      }
      current = next;
      continue;
    }
    if (status === 200 || status === 206) return receive(exchange, current.href, file, offset, options);
    res.resume();
    if (status === 416) {
      await emptyFile(file);
      throw new FetchError('HTTP 416: the partial file does not fit the remote one; it was discarded', true);
    }
    const message = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
    throw new FetchError(message, retryableStatus(status));
  }
}

/** Writes the body of a 200 or 206 answer into `file`. */
async function receive(
  { req, res, timedOut }: Exchange,
  url: string,
  file: string,
  offset: number,
  { onStart, onData, maxBytes = Number.POSITIVE_INFINITY, signal }: FetchOptions,
): Promise<FetchResult> {
  let keep = 0;
  if (res.statusCode === 206) {
    const range = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (range === null || Number(range[1]) !== offset) {
      req.destroy();
      await emptyFile(file);
      throw new FetchError(
        `HTTP 206 with Content-Range '${res.headers['content-range'] ?? ''}' where bytes ${offset}- were asked; ` +
          'the partial file was discarded',
        true,
      );
    }
    keep = offset;
  }
  const length = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
  const tooLarge = (bytes: number) =>
    new FetchError(`the body would make the file ${bytes} bytes, more than the ${maxBytes} it can be`, false);
  if (length !== undefined && keep + length > maxBytes) {
    req.destroy();
    throw tooLarge(keep + length);
  }
  onStart?.({ url, offset: keep, total: length === undefined ? undefined : keep + length });
  // The file's own failures (a full disk, permissions) are the user's to fix, not the mirror's.
  const writeFailed = (err: unknown) => new OutputError(path.dirname(file), reasonOf(err), { cause: err });
  const handle = await openRegular(file, keep > 0 ? 'append' : 'truncate').catch((err: unknown) => {
    req.destroy();
    throw err instanceof FetchError ? err : writeFailed(err);
  });
  let received = 0;
  try {
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        if (keep + received + chunk.length > maxBytes) throw tooLarge(keep + received + chunk.length);
        await handle.write(chunk).catch((err: unknown) => {
          throw writeFailed(err);
        });
        received += chunk.length;
        onData?.(chunk.length);
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof OutputError || err instanceof FetchError) throw err;
      throw (
        timedOut() ??
        new FetchError(
          `connection lost after ${received}${length === undefined ? '' : ` of ${length}`} bytes (${describe(err)})`,
          true,
          { cause: err },
        )
      );
    }
    if (length !== undefined && received < length) {
      throw new FetchError(`truncated body: got ${received} of ${length} bytes`, true);
    }
    await handle.sync().catch((err: unknown) => {
      throw writeFailed(err);
    });
  } finally {
    await handle.close();
    req.destroy();
  }
  return { url, resumedFrom: keep, bytes: keep + received };
}
