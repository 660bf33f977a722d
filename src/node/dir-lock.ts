/**
 * An advisory lock on a directory: a `.lock` file created exclusively, holding the owner's pid and a
 * random token. Another softmax process finding it refuses to use the directory while that pid lives;
 * a lock whose pid is gone (a run killed with SIGKILL) is stale and taken over. Cooperative only: it
 * keeps two softmax runs apart, not other programs.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { link, lstat, open, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { DirectoryLockedError, OutputError } from '../core/errors.js';
import { processAlive, tempName } from './temp-files.js';

export const LOCK_FILE = '.lock';

interface Owner {
  pid: number;
  token: string;
}

/** The owner recorded in `file`, or undefined when it is gone; a lock file we cannot parse has no live owner. */
async function ownerOf(file: string): Promise<Owner | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile() || info.size > 4096) return { pid: 0, token: '' };
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner> | null;
    return { pid: Number(parsed?.pid ?? 0), token: String(parsed?.token ?? '') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { pid: 0, token: '' };
  }
}

export class DirLock {
  private constructor(
    readonly file: string,
    private readonly token: string,
  ) {}

  /**
   * Locks `dir` (which must exist) for this process. Throws `DirectoryLockedError` while another live
   * process holds it, `OutputError` when the lock file cannot be written.
   */
  static async acquire(dir: string): Promise<DirLock> {
    const file = path.join(dir, LOCK_FILE);
    const token = randomBytes(8).toString('hex');
    const content = `${JSON.stringify({ pid: process.pid, token, startedAt: new Date().toISOString() })}\n`;
    // Written whole under a private name, then linked into place: the lock never exists half-written.
    const mine = tempName(file);
    try {
      const handle = await open(
        mine,
        fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW,
        0o644,
      );
      await handle.writeFile(content).finally(() => handle.close());
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await link(mine, file);
          return new DirLock(file, token);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const owner = await ownerOf(file);
        if (owner === undefined) continue; // released meanwhile
        if (processAlive(owner.pid)) throw new DirectoryLockedError(dir, file, owner.pid);
        // Stale: move it aside under our own name, and put it back if it turns out to be a fresh lock
        // another process took over meanwhile.
        const aside = tempName(file); // a .part: cleanup removes it, never puts it back
        if (
          !(await rename(file, aside).then(
            () => true,
            () => false,
          ))
        )
          continue;
        const moved = await ownerOf(aside);
        if (moved !== undefined && moved.token !== owner.token) await link(aside, file).catch(() => undefined);
        await rm(aside, { force: true });
      }
      throw new OutputError(file, 'the lock kept changing hands; try again');
    } catch (err) {
      if (err instanceof DirectoryLockedError || err instanceof OutputError) throw err;
      throw new OutputError(
        file,
        `cannot create the lock file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        {
          cause: err,
        },
      );
    } finally {
      await rm(mine, { force: true });
    }
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    const owner = await ownerOf(this.file);
    if (owner?.token === this.token) await rm(this.file, { force: true });
  }
}
