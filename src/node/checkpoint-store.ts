/**
 * A checkpoint directory: `epoch-0003` after epoch 3, `epoch-0004-batch-000017` when a run was
 * interrupted 17 batches into epoch 4. Checkpoints are ordered by that position (no `latest` pointer to
 * keep in step); the newest K of the run writing are kept (each manifest names its run), never another
 * run's. A writing store locks the directory (`DirLock`) so two runs cannot interleave. Each checkpoint is
 * written atomically, so a crash leaves at most a temporary named after its writer's pid, which is
 * ignored and cleaned up the next time once that process is gone.
 */
import { lstat, readFile, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CheckpointError, ModelFormatError } from '../core/errors.js';
import { MANIFEST_FILE } from '../core/io/bundle.js';
import { ensureDir, writeFileAtomic } from './atomic.js';
import { cleanStaleTemps } from './temp-files.js';
import { DirLock } from './dir-lock.js';
import type { NamedArray } from '../core/io/bundle.js';
import type { Parameter } from '../core/nn/parameter.js';
import type { Checkpoint, CheckpointMeta } from '../core/fit/checkpoint.js';
import { CHECKPOINT_KIND, checkpointArrays, checkpointOf } from '../core/fit/checkpoint.js';
import { readBundle, writeBundle } from './bundle-files.js';

/** Reads and checks the checkpoint in directory `dir`; a missing, damaged or foreign one throws `ModelFormatError`. */
export async function readCheckpoint(dir: string): Promise<Checkpoint> {
  const { manifest, arrays } = await readBundle<CheckpointMeta>(dir, CHECKPOINT_KIND);
  return checkpointOf(dir, manifest, arrays);
}

const NAME = /^epoch-(\d{4,})(?:-batch-(\d{6,}))?$/;

/** The run id in checkpoint `dir`'s manifest: undefined when it has none (an older checkpoint), null if unreadable. */
async function runIdOf(dir: string): Promise<string | undefined | null> {
  const file = path.join(dir, MANIFEST_FILE);
  const info = await lstat(file).catch(() => undefined);
  if (info?.isFile() !== true || info.size > 16 * 2 ** 20) return null;
  try {
    const id = (JSON.parse(await readFile(file, 'utf8')) as { runId?: unknown } | null)?.runId;
    return typeof id === 'string' ? id : id === undefined ? undefined : null;
  } catch {
    return null;
  }
}

/** A checkpoint's name for `epoch` epochs done plus `batch` batches of the next one. */
export function checkpointName(epoch: number, batch = 0): string {
  return batch === 0
    ? `epoch-${String(epoch).padStart(4, '0')}`
    : `epoch-${String(epoch + 1).padStart(4, '0')}-batch-${String(batch).padStart(6, '0')}`;
}

/** Orders names by training progress: [epochs done, batches into the next]. */
function progressOf(name: string): [number, number] | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return m[2] === undefined ? [Number(m[1]), 0] : [Number(m[1]) - 1, Number(m[2])];
}

export class CheckpointStore {
  /** The run whose checkpoints this store prunes (see `claim`). */
  private owner: { runId: string; legacy: boolean } | undefined;

  private constructor(
    readonly dir: string,
    readonly keep: number,
    private readonly lock: DirLock | undefined,
  ) {}

  /**
   * Opens (creating) and locks `dir`, and proves it writable, before any training: an unwritable
   * directory throws `OutputError` now rather than after the first epoch; one another live run holds
   * throws `DirectoryLockedError`. `close` releases it.
   */
  static async open(dir: string, keep: number): Promise<CheckpointStore> {
    await ensureDir(dir);
    const lock = await DirLock.acquire(dir);
    try {
      const probe = path.join(dir, `.write-test-${process.pid}`);
      await writeFileAtomic(probe, 'softmax checks that it can write checkpoints here\n');
      await rm(probe, { force: true });
      await cleanStaleTemps(dir);
    } catch (err) {
      await lock.release();
      throw err;
    }
    return new CheckpointStore(dir, keep, lock);
  }

  /** A store only read from (`--resume DIR` when checkpoints go elsewhere). */
  static reader(dir: string): CheckpointStore {
    return new CheckpointStore(dir, Number.POSITIVE_INFINITY, undefined);
  }

  /** Releases the directory's lock (a no-op for a reader). */
  async close(): Promise<void> {
    await this.lock?.release();
  }

  /**
   * Says which run writes here: `save` prunes only checkpoints with `runId` (and, with `legacy`, those
   * with none: a run resumed from an older checkpoint owns its run's older ones). Returns the names of
   * other runs' checkpoints that a run of `epochs` epochs could overwrite, oldest first.
   */
  async claim(runId: string, legacy: boolean, epochs: number): Promise<string[]> {
    this.owner = { runId, legacy };
    const inTheWay: string[] = [];
    for (const name of await this.names()) {
      const [done, batch] = progressOf(name) ?? [0, 0];
      const reachable = batch === 0 ? done <= epochs : done < epochs;
      // Something unreadable there is no run's checkpoint: writing over it fails by itself (writeBundle).
      const id = await runIdOf(path.join(this.dir, name));
      if (reachable && id !== null && !CheckpointStore.owns(this.owner, id)) inTheWay.push(name);
    }
    return inTheWay;
  }

  private static owns(owner: { runId: string; legacy: boolean }, id: string | undefined | null): boolean {
    if (id === null) return false;
    return id === undefined ? owner.legacy : id === owner.runId;
  }

  /** Checkpoint names, oldest first. */
  async names(): Promise<string[]> {
    const entries = await readdir(this.dir).catch((err: unknown) => {
      throw new CheckpointError(
        this.dir,
        `cannot list the checkpoint directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        { cause: err },
      );
    });
    const named = entries.flatMap((n) => {
      const p = progressOf(n);
      return p === undefined ? [] : [{ n, p }];
    });
    return named.sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1]).map((x) => x.n);
  }

  /**
   * Writes the checkpoint for `meta`'s position, then deletes all but the newest `keep` of this run's
   * (`claim`; without it, those with `meta`'s run id). Returns its path.
   */
  async save(meta: CheckpointMeta, params: Map<string, Parameter>, states: readonly NamedArray[]): Promise<string> {
    const target = path.join(this.dir, checkpointName(meta.epoch, meta.position?.batch ?? 0));
    await writeBundle(target, CHECKPOINT_KIND, meta, checkpointArrays(meta, params, states));
    const owner = this.owner ?? { runId: meta.runId ?? '', legacy: meta.runId === undefined };
    const own: string[] = [];
    for (const name of await this.names())
      if (CheckpointStore.owns(owner, await runIdOf(path.join(this.dir, name)))) own.push(name);
    for (const old of own.slice(0, Math.max(0, own.length - this.keep)))
      await rm(path.join(this.dir, old), { recursive: true, force: true });
    return target;
  }

  /**
   * The newest checkpoint that reads back intact. Each damaged newer one is reported through `notice`
   * (one line) and skipped; none at all throws `CheckpointError`.
   */
  async latestGood(notice: (line: string) => void): Promise<Checkpoint> {
    const names = await this.names();
    for (const name of names.reverse()) {
      try {
        return await readCheckpoint(path.join(this.dir, name));
      } catch (err) {
        if (!(err instanceof ModelFormatError)) throw err;
        notice(`checkpoint ${name} is damaged, skipping it: ${err.message}`);
      }
    }
    throw new CheckpointError(
      this.dir,
      names.length === 0
        ? 'holds no checkpoint to resume from (expected epoch-NNNN directories written by --checkpoint-dir)'
        : 'no checkpoint in it is intact',
    );
  }
}
