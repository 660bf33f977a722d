/**
 * A checkpoint directory: `epoch-0003` after epoch 3, `epoch-0004-batch-000017` when a run was
 * interrupted 17 batches into epoch 4. Checkpoints are ordered by that position (no `latest` pointer to
 * keep in step); the newest K are kept. Each is written atomically, so a crash leaves at most a
 * `*.part` temporary, which is ignored and cleaned up the next time.
 */
import { readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CheckpointError, ModelFormatError } from '../core/errors.js';
import { ensureDir, writeFileAtomic } from './atomic.js';
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
const TEMP = /^epoch-\d{4,}(?:-batch-\d{6,})?\.[0-9a-f]{12}\.part(?:\.old)?$/;

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
  private constructor(
    readonly dir: string,
    readonly keep: number,
  ) {}

  /**
   * Opens (creating) `dir` and proves it writable with a probe file, before any training: an
   * unwritable directory throws `OutputError` now rather than after the first epoch.
   */
  static async open(dir: string, keep: number): Promise<CheckpointStore> {
    await ensureDir(dir);
    const probe = path.join(dir, '.write-test');
    await writeFileAtomic(probe, 'softmax checks that it can write checkpoints here\n');
    await rm(probe, { force: true });
    for (const name of await readdir(dir))
      if (TEMP.test(name)) await rm(path.join(dir, name), { recursive: true, force: true });
    return new CheckpointStore(dir, keep);
  }

  /** A store only read from (`--resume DIR` when checkpoints go elsewhere). */
  static reader(dir: string): CheckpointStore {
    return new CheckpointStore(dir, Number.POSITIVE_INFINITY);
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

  /** Writes the checkpoint for `meta`'s position, then deletes all but the newest `keep`. Returns its path. */
  async save(meta: CheckpointMeta, params: Map<string, Parameter>, states: readonly NamedArray[]): Promise<string> {
    const target = path.join(this.dir, checkpointName(meta.epoch, meta.position?.batch ?? 0));
    await writeBundle(target, CHECKPOINT_KIND, meta, checkpointArrays(meta, params, states));
    const names = await this.names();
    for (const old of names.slice(0, Math.max(0, names.length - this.keep)))
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
