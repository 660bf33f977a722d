/**
 * Atomic writes: a reader sees either the old file (or directory) or the complete new one, never a
 * half-written one, and a SIGKILL at any moment leaves the previous good copy loadable. Each file is
 * written to a temporary sibling (created exclusively, never through a link), fsynced, then renamed over
 * its target; a directory is assembled as a temporary sibling and swapped with its target in one step
 * (`renameat2(RENAME_EXCHANGE)` through the native addon). Where that is unavailable (no addon, another
 * OS or file system) the old directory is first renamed aside as `<dir>.<pid>-<hex>.old`: a crash
 * between the two renames leaves it there, readers fall back to it (`asideCopyOf`) and the next writer
 * puts it back (`cleanStaleTemps`).
 *
 * Temporaries carry their writer's pid (`temp-files.ts`), so cleanup removes only those of processes that
 * are gone, never a write in progress in another process.
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { OutputError } from '../core/errors.js';
import { loadNative } from './backend/native.js';
import { cleanStaleTemps, tempName } from './temp-files.js';
import { pausePoint } from './test-pause.js';
import { makeDirs } from './files.js';

/** What a failed file-system call means for the user, in a few words. */
export function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    ENOTDIR: 'a file is in the way of a directory on that path',
    EEXIST: 'a file is in the way of a directory on that path',
    EISDIR: 'a directory is in the way of the file',
  };
  return (code !== undefined ? reasons[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
}

/** Runs `fn`; a file-system error becomes an `OutputError` naming `target`. */
async function writing<T>(target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof OutputError) throw err;
    throw new OutputError(target, reasonOf(err), { cause: err });
  }
}

/** Creates `dir` (and parents) or throws `OutputError` saying why it cannot be a directory we write to. */
export async function ensureDir(dir: string): Promise<void> {
  await writing(dir, async () => {
    await makeDirs(dir);
    const info = await stat(dir);
    if (!info.isDirectory()) throw new OutputError(dir, 'it exists and is not a directory');
  });
}

/** Creates directory `dir` itself (its parent must exist): false if something is there already. */
export async function makeDirExclusive(dir: string): Promise<boolean> {
  return writing(dir, async () => {
    try {
      await mkdir(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  });
}

/** Exclusive creation that refuses to go through a link at the last component. */
const CREATE_NEW = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;

/**
 * Writes and fsyncs `data` to a new file (which must not exist, not even as a dangling link); `target` is
 * the name it is written for (the pause point's).
 */
async function writeNew(file: string, data: Uint8Array | string, target = file): Promise<void> {
  const handle = await open(file, CREATE_NEW, 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const half = bytes.length >> 1;
    await handle.write(bytes.subarray(0, half));
    await pausePoint('file-write', target);
    await handle.write(bytes.subarray(half));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a directory so a rename inside it survives a crash (a no-op where directories cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/** Replaces `file` with `data` atomically (temporary sibling, fsync, rename). Throws `OutputError`. */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(file);
  await ensureDir(dir);
  const temp = tempName(file);
  await writing(file, async () => {
    try {
      await writeNew(temp, data, file);
      await pausePoint('file-rename', file);
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  });
  await syncDir(dir);
}

type Exchange = (a: string, b: string) => number;
let exchangeFn: Exchange | null | undefined;

/** The addon's RENAME_EXCHANGE, or null without it (`SOFTMAX_TEST_NO_EXCHANGE=1` forces the fallback in tests). */
function nativeExchange(): Exchange | null {
  if (process.env['SOFTMAX_TEST_NO_EXCHANGE'] === '1') return null;
  if (exchangeFn === undefined) {
    try {
      const native = loadNative();
      exchangeFn = native.renameExchange === undefined ? null : native.renameExchange.bind(native);
    } catch {
      exchangeFn = null; // the addon is optional
    }
  }
  return exchangeFn;
}

/** Swaps `a` and `b` in one step; false where the platform cannot (then nothing changed). */
function exchange(a: string, b: string): boolean {
  const fn = nativeExchange();
  if (fn === null) return false;
  const errno = fn(a, b);
  if (errno === 0) return true;
  const { ENOSYS, EINVAL, ENOTSUP, EOPNOTSUPP } = osConstants.errno;
  if ([ENOSYS, EINVAL, ENOTSUP, EOPNOTSUPP].includes(errno)) return false;
  const code = Object.entries(osConstants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
  throw Object.assign(new Error(`${code}: cannot exchange ${a} and ${b}`), { code, errno });
}

/**
 * Replaces directory `dir` with one holding exactly `files` (name → content), atomically: the new
 * directory is assembled as a temporary sibling and swapped with the old one in one step (see the module
 * comment for the fallback); the old copy is removed only once the new one is in place. Throws
 * `OutputError`; on failure `dir` is left as it was. A link or a file at `dir` is refused, not replaced.
 */
export async function writeDirAtomic(dir: string, files: Readonly<Record<string, Uint8Array | string>>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await ensureDir(parent);
  await cleanStaleTemps(parent, path.basename(path.resolve(dir)));
  const temp = tempName(dir);
  await writing(dir, async () => {
    try {
      await mkdir(temp);
      for (const [i, [name, data]] of Object.entries(files).entries()) {
        if (i === 1) await pausePoint('dir-write', dir);
        await writeNew(path.join(temp, name), data);
      }
      await syncDir(temp);
      const existing = await lstat(dir).catch(() => undefined);
      if (existing?.isSymbolicLink())
        throw new OutputError(dir, 'it is a symbolic link, not a directory softmax wrote');
      if (existing !== undefined && !existing.isDirectory())
        throw new OutputError(dir, 'a file is in the way of the directory');
      await pausePoint('dir-swap', dir);
      if (existing === undefined) await rename(temp, dir);
      else if (exchange(temp, dir)) await pausePoint('dir-cleanup', dir);
      else await swapByRenames(temp, dir);
    } finally {
      // After a swap `temp` holds the previous copy; before one, the unfinished new one. Either way ours.
      await rm(temp, { recursive: true, force: true });
    }
  });
  await syncDir(parent);
}

/** The fallback swap: old copy aside (kept until the new one is in), new one in place. */
async function swapByRenames(temp: string, dir: string): Promise<void> {
  const old = tempName(dir, 'old');
  await rename(dir, old);
  await pausePoint('dir-aside', dir);
  try {
    await rename(temp, dir);
  } catch (err) {
    await rename(old, dir);
    throw err;
  }
  await pausePoint('dir-cleanup', dir);
  await rm(old, { recursive: true, force: true });
}
