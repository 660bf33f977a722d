/**
 * Reading the files a user names (data files, saved models, checkpoints, images), bounded: only a
 * regular file is read (a directory, device, FIFO or socket is refused before a byte is read), and
 * never more than the caller's limit, which is what the file's format allows. A FIFO is opened
 * non-blocking, so a pipe without a writer cannot hang the open; on a regular file that flag changes
 * nothing. Each failure becomes the caller's one-line error (`fail`).
 */
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import type { SoftmaxError } from '../core/errors.js';

/** Makes the caller's error for `file` from a problem in a few words. */
export type Fail = (problem: string, cause?: unknown) => SoftmaxError;

const codeOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** Whether `err` says the path does not exist (a missing file, or a file where a directory should be). */
export const isMissing = (err: unknown): boolean => codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR';

/** Why a file could not be opened or read, in a few words. */
export function readProblem(err: unknown): string {
  const code = codeOf(err);
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    ENOTDIR: 'no such file (a file is in the way of a directory on that path)',
    EACCES: 'cannot read it: permission denied',
    EPERM: 'cannot read it: operation not permitted',
    ELOOP: 'cannot read it: too many levels of symbolic links (a symlink loop?)',
    EISDIR: 'is a directory, not a file',
    ENAMETOOLONG: 'cannot read it: the name is too long',
    EIO: 'cannot read it: input/output error',
  };
  return (code !== undefined ? reasons[code] : undefined) ?? `cannot read it (${code ?? String(err)})`;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `file` for reading if it is a regular file. A missing path rethrows Node's ENOENT/ENOTDIR
 * (callers that look in several places test it with `isMissing`); anything else throws `fail(...)`.
 */
export async function openRegular(file: string, fail: Fail): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (isMissing(err)) throw err;
    throw fail(readProblem(err), err);
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw fail(`is ${kindOf(info)}, not a regular file: name a regular file`);
  }
  return { handle, size: info.size };
}

/**
 * Reads `length` bytes at `position` of an open file (fewer only if the file is shorter), with one
 * request for all of them: `readFile` reads in 512 KB pieces, each waiting for a turn of the event
 * loop, slow to finish while this thread is busy loading modules.
 */
export async function readAt(handle: FileHandle, length: number, position = 0): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break; // the file shrank while being read
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** Bytes as a human figure: 2147483648 → '2.0 GiB'. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let u = 0;
  while (value >= 1024 && u < units.length - 1) {
    value /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} bytes` : `${value.toFixed(1)} ${units[u]}`;
}

/**
 * The whole of regular file `file`, if it holds at most `maxBytes` (`what` names the kind of file in
 * the message of a larger one). Missing: Node's ENOENT/ENOTDIR, as `openRegular`; else `fail(...)`.
 */
export async function readRegular(file: string, maxBytes: number, what: string, fail: Fail): Promise<Buffer> {
  const { handle, size } = await openRegular(file, fail);
  try {
    if (size > maxBytes) {
      throw fail(`is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} ${what} can be`);
    }
    return await readAt(handle, size);
  } catch (err) {
    if (codeOf(err) !== undefined) throw fail(readProblem(err), err);
    throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Creates directory `dir` and its missing parents, like `mkdir -p`, but ends: Node's recursive
 * `mkdir` retries for ever where a parent exists yet refuses a child with ENOENT (/proc, /sys), and
 * reports a read-only file system as ENOENT. Each level is made with one plain `mkdir`; the error
 * of the first that fails is thrown as is (EROFS, EACCES, ENOTDIR...), ENOENT under an existing
 * parent as an error saying that the file system refuses new directories there.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    const info = await stat(p).catch((err: unknown) => {
      if (codeOf(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (info !== undefined) {
      if (!info.isDirectory()) throw Object.assign(new Error(`${p} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(p);
    if (path.dirname(p) === p) break;
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'EEXIST' && (await stat(d).catch(() => undefined))?.isDirectory()) continue; // made meanwhile
      if (code === 'ENOENT')
        throw new Error(`the file system refuses new directories in ${path.dirname(d)} (mkdir: ENOENT)`, {
          cause: err,
        });
      throw err;
    }
  }
}
