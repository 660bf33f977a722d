/**
 * Atomic writes: a reader sees either the old file (or directory) or the complete new one, never a
 * half-written one. Each file is written to a temporary sibling, fsynced, then renamed over its target;
 * a directory is assembled as a temporary sibling and swapped in with renames.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { OutputError } from '../core/errors.js';
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

const tempName = (target: string): string => `${target}.${randomBytes(6).toString('hex')}.part`;

/** Creates `dir` (and parents) or throws `OutputError` saying why it cannot be a directory we write to. */
export async function ensureDir(dir: string): Promise<void> {
  await writing(dir, async () => {
    await makeDirs(dir);
    const info = await stat(dir);
    if (!info.isDirectory()) throw new OutputError(dir, 'it exists and is not a directory');
  });
}

/** Writes and fsyncs `data` to a new file (which must not exist). */
async function writeNew(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
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
      await writeNew(temp, data);
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  });
  await syncDir(dir);
}

/**
 * Replaces directory `dir` with one holding exactly `files` (name → content), atomically: the new
 * directory is assembled as a temporary sibling, the old one (if any) renamed aside, the new one
 * renamed into place, and only then the old one removed. Throws `OutputError`; on failure `dir` is
 * left as it was.
 */
export async function writeDirAtomic(dir: string, files: Readonly<Record<string, Uint8Array | string>>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await ensureDir(parent);
  const temp = tempName(dir);
  const old = `${temp}.old`;
  await writing(dir, async () => {
    try {
      await mkdir(temp);
      for (const [name, data] of Object.entries(files)) await writeNew(path.join(temp, name), data);
      await syncDir(temp);
      const existing = await stat(dir).catch(() => undefined);
      if (existing !== undefined && !existing.isDirectory())
        throw new OutputError(dir, 'a file is in the way of the directory');
      if (existing !== undefined) await rename(dir, old);
      try {
        await rename(temp, dir);
      } catch (err) {
        if (existing !== undefined) await rename(old, dir);
        throw err;
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
      await rm(old, { recursive: true, force: true });
    }
  });
  await syncDir(parent);
}
