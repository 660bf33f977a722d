/**
 * Temporaries named after their writer: `<target>.<pid>-<12 hex>.part` (a file or directory being
 * written) and `.old` (a directory's previous copy during a fallback swap, see atomic.ts). The pid lets
 * cleanup tell a dead writer's leftovers, safe to remove, from a write in progress in another process.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/** A temporary sibling of `target` owned by this process: `<target>.<pid>-<12 hex>.part` (or `.old`). */
export const tempName = (target: string, kind: 'part' | 'old' = 'part'): string =>
  `${target}.${process.pid}-${randomBytes(6).toString('hex')}.${kind}`;

/** Splits a temporary's name (see `tempName`) into its target's name, owner pid and kind. */
const TEMP = /^(.+)\.(\d+)-[0-9a-f]{12}\.(part|old)$/;

/** Whether process `pid` exists (EPERM: it does, owned by another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries in `dir` left by processes that are gone (optionally only those of the entry
 * named `only`). An aside copy (`.old`) whose target is missing is the previous good copy of a writer
 * killed mid-swap: it is renamed back instead. Best effort: a failure leaves the entry as it is.
 */
export async function cleanStaleTemps(dir: string, only?: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const m = TEMP.exec(name);
    if (m === null || (only !== undefined && m[1] !== only)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    const entry = path.join(dir, name);
    const target = path.join(dir, m[1] ?? '');
    if (m[3] === 'old' && (await lstat(target).catch(() => undefined)) === undefined) {
      await rename(entry, target).catch(() => undefined);
    } else {
      await rm(entry, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** For a reader: where `dir`'s previous copy is while a fallback swap is (or was killed) between its renames. */
export async function asideCopyOf(dir: string): Promise<string | undefined> {
  const parent = path.dirname(path.resolve(dir));
  const base = path.basename(path.resolve(dir));
  const asides = (await readdir(parent).catch(() => [] as string[])).filter((n) => {
    const m = TEMP.exec(n);
    return m !== null && m[1] === base && m[3] === 'old';
  });
  return asides.length === 1 ? path.join(parent, asides[0] ?? '') : undefined;
}
