/**
 * Checkpoints of `softmax train`: opens the checkpoint directory (checked writable before training),
 * restores a run from its newest intact checkpoint (`--resume`), writes one after every epoch, and one
 * at the last finished batch when a signal stops training.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { DataLoader } from '../../core/data/data-loader.js';
import { CheckpointError, InterruptedError } from '../../core/errors.js';
import type { Parameter } from '../../core/nn/parameter.js';
import { setParameters } from '../../core/nn/serialize.js';
import type { Trainer } from '../../core/trainer/trainer.js';
import type { EpochEndInfo, History } from '../../core/fit/callbacks.js';
import type { Callback } from '../../core/fit/callbacks.js';
import type { Checkpoint, CheckpointMeta, RunOptions } from '../../core/fit/checkpoint.js';
import { CheckpointStore } from '../../node/checkpoint-store.js';
import type { EpochMetrics, EpochPosition } from '../../core/d2l/train.js';

/** What a checkpoint captures of a run in progress. */
export interface Trainable {
  params: Map<string, Parameter>;
  trainer?: Trainer | undefined;
  loader: DataLoader;
}

const FLAGS: Record<keyof Omit<RunOptions, 'backend'>, string> = {
  impl: '--impl',
  batchSize: '--batch-size',
  lr: '--lr',
  seed: '--seed',
  dataset: '--dataset',
  limit: '--limit',
};

/** The run options a checkpoint decides (all but the backend). */
export type RunFlag = keyof typeof FLAGS;
export const RUN_FLAGS = Object.keys(FLAGS) as RunFlag[];

/**
 * The options of `run` that differ from `saved`, each as "--lr 0.1 in the checkpoint, 0.5 now"; only
 * those in `given` (the ones the user set) count, all when it is undefined.
 */
export function incompatibilities(saved: RunOptions, run: RunOptions, given?: ReadonlySet<RunFlag>): string[] {
  return RUN_FLAGS.filter((k) => (given === undefined || given.has(k)) && saved[k] !== run[k]).map(
    (k) => `${FLAGS[k]} ${String(saved[k] ?? 'unset')} in the checkpoint, ${String(run[k] ?? 'unset')} now`,
  );
}

/** `run` with every option the user did not give (not in `given`) taken from the checkpoint's `saved`. */
export function mergeRunOptions(saved: RunOptions, run: RunOptions, given?: ReadonlySet<RunFlag>): RunOptions {
  if (given === undefined) return run;
  const merged: RunOptions = { ...run };
  for (const k of RUN_FLAGS) if (!given.has(k)) (merged as unknown as Record<RunFlag, unknown>)[k] = saved[k];
  return merged;
}

/** The folder of a run directory that holds its checkpoint when it was stopped without --checkpoint-dir. */
export const RUN_CHECKPOINTS = 'checkpoints';

/**
 * Where `--resume DIR` finds checkpoints and which run directory it continues: DIR itself, or a run
 * directory's `checkpoints/` (where an interrupted run without --checkpoint-dir writes its checkpoint).
 * A DIR named `checkpoints` belongs to the run directory above it. Throws `CheckpointError` when DIR is
 * not a directory (a mistyped path is never created).
 */
export function resolveResume(dir: string): { checkpointDir: string; runDir?: string | undefined } {
  const isDir = (d: string): boolean => statSync(d, { throwIfNoEntry: false })?.isDirectory() === true;
  if (!isDir(dir)) {
    throw new CheckpointError(
      dir,
      'is not a directory. Pass the directory a run wrote its checkpoints into (--checkpoint-dir), or its run directory (--out)',
    );
  }
  const inner = path.join(dir, RUN_CHECKPOINTS);
  if (isDir(inner)) return { checkpointDir: inner, runDir: dir };
  if (path.basename(path.resolve(dir)) === RUN_CHECKPOINTS) return { checkpointDir: dir, runDir: path.dirname(dir) };
  return { checkpointDir: dir };
}

/** Where a resumed run starts: `fit`'s initial epoch, position and history. */
export interface StartAt {
  initialEpoch: number;
  initialPosition?: EpochPosition | undefined;
  initialHistory: EpochMetrics[];
}

/**
 * The checkpoints of one run, as a fit callback: one after every epoch trained (not after those a
 * resumed run restored), and on a stop one at the last finished batch; then `interruption` says how
 * to resume.
 */
export class CheckpointSession implements Callback {
  private resumed: Checkpoint | undefined;
  private readonly history: EpochMetrics[] = [];
  private trainable: Trainable | undefined;
  /** Set by `onTrainEnd` when training was stopped: the error the run ends with. */
  interruption: InterruptedError | undefined;

  private constructor(
    private store: CheckpointStore | undefined,
    /** The run's options: with --resume, those the user did not give come from the checkpoint. */
    readonly run: RunOptions,
    /** Opened on a stop when there is no `store`: where that one checkpoint goes (the run directory's). */
    private readonly fallback: { dir: string; keep: number } | undefined,
    private readonly resumeCommand: (dir: string) => string,
    /** Which signal stopped training (read when it has). */
    private readonly stopSignal: () => 'SIGINT' | 'SIGTERM',
  ) {}

  /**
   * Opens `dir` for writing (`OutputError` now if it cannot be written; undefined writes no checkpoint)
   * and, with `resume`, reads its newest intact checkpoint (another dir may be given to resume from),
   * refusing one of an incompatible run (`CheckpointError`).
   */
  static async open(
    opts: {
      dir?: string | undefined;
      keep: number;
      resume?: string | undefined;
      epochs: number;
      /** The run options the user gave; the others are taken from the resumed checkpoint. Undefined: all. */
      given?: ReadonlySet<RunFlag> | undefined;
      /** Where a stop writes its checkpoint when `dir` is undefined (a run directory's `checkpoints/`). */
      fallbackDir?: string | undefined;
    },
    run: RunOptions,
    resumeCommand: (dir: string) => string,
    notice: (line: string) => void,
    stopSignal: () => 'SIGINT' | 'SIGTERM' = () => 'SIGINT',
  ): Promise<CheckpointSession> {
    const resume = opts.resume === undefined ? undefined : resolveResume(opts.resume).checkpointDir;
    const dir = opts.dir ?? resume;
    const store = dir === undefined ? undefined : await CheckpointStore.open(dir, opts.keep);
    const fallback = opts.fallbackDir === undefined ? undefined : { dir: opts.fallbackDir, keep: opts.keep };
    if (resume === undefined) return new CheckpointSession(store, run, fallback, resumeCommand, stopSignal);
    const same = store !== undefined && path.resolve(resume) === path.resolve(store.dir);
    const ckpt = await (same ? store : CheckpointStore.reader(resume)).latestGood(notice);
    const merged = mergeRunOptions(ckpt.meta.run, run, opts.given);
    const session = new CheckpointSession(store, merged, fallback, resumeCommand, stopSignal);
    const problems = incompatibilities(ckpt.meta.run, merged, opts.given);
    if (problems.length > 0) {
      throw new CheckpointError(
        ckpt.dir,
        `was written by an incompatible run (${problems.join('; ')}). ` +
          "Leave those options out to continue with the checkpoint's, or start afresh without --resume",
      );
    }
    if (ckpt.meta.epoch >= opts.epochs) {
      throw new CheckpointError(
        ckpt.dir,
        `already holds ${ckpt.meta.epoch} epochs; ` +
          `ask for more (--epochs ${ckpt.meta.epoch + 1} or more) to train further`,
      );
    }
    if (ckpt.meta.run.backend !== merged.backend) {
      notice(
        `checkpoint ${ckpt.dir} was written on ${ckpt.meta.run.backend}, this run uses ${merged.backend}: ` +
          'the numbers will not match an uninterrupted run exactly',
      );
    }
    session.resumed = ckpt;
    return session;
  }

  /** Where the run resumed from, if it did. */
  get resumedFrom(): string | undefined {
    return this.resumed?.dir;
  }

  /**
   * Loads the resumed checkpoint into `t` (parameters, optimizer, loader); returns where to start. Call once,
   * before `fit`.
   */
  restore(t: Trainable): StartAt {
    this.trainable = t;
    const ckpt = this.resumed;
    if (ckpt === undefined) return { initialEpoch: 1, initialHistory: [] };
    const { meta } = ckpt;
    setParameters(t.params, ckpt.params, ckpt.dir);
    if (t.trainer !== undefined) {
      if (meta.trainer === null)
        throw new CheckpointError(ckpt.dir, 'holds no optimizer state, but this run uses a Trainer');
      t.trainer.importStates(ckpt.dir, meta.trainer, ckpt.states);
    }
    t.loader.restore(meta.loader, { skipBatches: meta.position?.batch ?? 0 });
    return { initialEpoch: meta.epoch + 1, initialPosition: meta.position ?? undefined, initialHistory: meta.history };
  }

  /** After every epoch: the epoch-end checkpoint (not for an epoch restored from one). */
  async onEpochEnd(m: EpochMetrics, { replayed }: EpochEndInfo): Promise<void> {
    this.history.push(m);
    if (!replayed) await this.save(null, this.parts().loader.state());
  }

  /** On a stop: the checkpoint at the last finished batch, and `interruption` saying how to resume. */
  async onTrainEnd(history: History): Promise<void> {
    if (history.stopped === undefined) return;
    const { epoch, position } = history.stopped;
    const signal = this.stopSignal();
    const where = position.batch === 0 ? `before epoch ${epoch}` : `in epoch ${epoch} after batch ${position.batch}`;
    // Stopped between epochs: the loader already stands at the next epoch's start (epochStartState is the last one's).
    const started = position.batch > 0;
    const loader = this.parts().loader;
    // Without --checkpoint-dir, the stop's checkpoint goes into the run directory: a stop never loses the work.
    if (this.store === undefined && this.fallback !== undefined)
      this.store = await CheckpointStore.open(this.fallback.dir, this.fallback.keep);
    const dir = await this.save(started ? position : null, started ? loader.epochStartState() : loader.state());
    this.interruption =
      dir === undefined || this.store === undefined
        ? new InterruptedError(
            signal,
            'nowhere (no checkpoint directory)',
            'the same command (from the start; add --checkpoint-dir DIR to be able to resume)',
            where,
          )
        : new InterruptedError(signal, dir, this.resumeCommand(this.store.dir), where);
  }

  private parts(): Trainable {
    if (this.trainable === undefined) throw new Error('CheckpointSession: restore() must be called before training');
    return this.trainable;
  }

  private async save(position: EpochPosition | null, loader: CheckpointMeta['loader']): Promise<string | undefined> {
    if (this.store === undefined) return undefined;
    const t = this.parts();
    const states = t.trainer?.exportStates();
    const meta: CheckpointMeta = {
      run: this.run,
      epoch: this.history.length,
      position,
      loader,
      history: [...this.history],
      trainer: states?.meta ?? null,
    };
    return this.store.save(meta, t.params, states?.arrays ?? []);
  }
}
