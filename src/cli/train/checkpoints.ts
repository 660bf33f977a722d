/**
 * Checkpoints of `softmax train`: opens the checkpoint directory (checked writable before training),
 * restores a run from its newest intact checkpoint (`--resume`), writes one after every epoch, and one
 * at the last finished batch when a signal stops training.
 */
import { randomBytes } from 'node:crypto';
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
import { withRunDefaults } from '../../core/fit/checkpoint.js';
import { globalState, restoreGlobal } from '../../core/random.js';
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
  model: '--model',
  hidden: '--hidden',
  dropout: '--dropout',
  activation: '--activation',
  optimizer: '--optimizer',
  momentum: '--momentum',
  wd: '--wd',
  lrSchedule: '--lr-schedule',
};

const shown = (v: unknown): string => (Array.isArray(v) ? v.join(',') || 'none' : String(v ?? 'unset'));

/** The run options a checkpoint decides (all but the backend). */
export type RunFlag = keyof typeof FLAGS;
export const RUN_FLAGS = Object.keys(FLAGS) as RunFlag[];

/**
 * The options of `run` that differ from `saved`, each as "--lr 0.1 in the checkpoint, 0.5 now"; only
 * those in `given` (the ones the user set) count, all when it is undefined. A checkpoint written before
 * the network options existed trained softmax regression with plain sgd.
 */
export function incompatibilities(saved: RunOptions, run: RunOptions, given?: ReadonlySet<RunFlag>): string[] {
  const [a, b] = [withRunDefaults(saved), withRunDefaults(run)];
  return RUN_FLAGS.filter((k) => (given === undefined || given.has(k)) && shown(a[k]) !== shown(b[k])).map(
    (k) => `${FLAGS[k]} ${shown(a[k])} in the checkpoint, ${shown(b[k])} now`,
  );
}

/** `run` with every option the user did not give (not in `given`) taken from the checkpoint's `saved`. */
export function mergeRunOptions(saved: RunOptions, run: RunOptions, given?: ReadonlySet<RunFlag>): RunOptions {
  if (given === undefined) return run;
  const merged: RunOptions = { ...run };
  const old = withRunDefaults(saved);
  for (const k of RUN_FLAGS) if (!given.has(k)) (merged as unknown as Record<RunFlag, unknown>)[k] = old[k];
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
  /** This run's id in its checkpoints' manifests (a resumed run keeps its checkpoint's). */
  private runId = randomBytes(8).toString('hex');

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
      /** Epochs the run trains in all (a function: of its options, once a resumed checkpoint's are known). */
      epochs: number | ((run: RunOptions) => number);
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
    try {
      const same = store !== undefined && resume !== undefined && path.resolve(resume) === path.resolve(store.dir);
      const ckpt =
        resume === undefined ? undefined : await (same ? store : CheckpointStore.reader(resume))?.latestGood(notice);
      const merged = ckpt === undefined ? run : mergeRunOptions(ckpt.meta.run, run, opts.given);
      const session = new CheckpointSession(store, merged, fallback, resumeCommand, stopSignal);
      const epochs = typeof opts.epochs === 'function' ? opts.epochs(merged) : opts.epochs;
      if (ckpt !== undefined) session.adopt(ckpt, { epochs, given: opts.given }, notice);
      // A run resumed from a checkpoint older than run ids owns the id-less checkpoints of its run.
      const legacy = session.resumed !== undefined && session.resumed.meta.runId === undefined;
      const inTheWay = (await store?.claim(session.runId, legacy, epochs)) ?? [];
      if (store !== undefined && inTheWay.length > 0)
        throw new CheckpointError(
          store.dir,
          `holds checkpoints of another run that this one would replace (${inTheWay.join(', ')}). ` +
            `Continue that run with --resume ${store.dir}, or give this one another --checkpoint-dir`,
        );
      return session;
    } catch (err) {
      await store?.close();
      throw err;
    }
  }

  /** Releases the checkpoint directory (its lock); call once the run ends, however it ends. */
  async close(): Promise<void> {
    await this.store?.close();
  }

  /** Takes `ckpt` as the checkpoint to resume from, after checking that it fits this run (`CheckpointError`). */
  private adopt(
    ckpt: Checkpoint,
    opts: { epochs: number; given?: ReadonlySet<RunFlag> | undefined },
    notice: (line: string) => void,
  ): void {
    const merged = this.run;
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
    this.resumed = ckpt;
    this.runId = ckpt.meta.runId ?? this.runId;
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
    // Checked before anything is restored: no index outside the data set may reach a kernel.
    const skipBatches = meta.position?.batch ?? 0;
    const problem = t.loader.stateProblem(meta.loader, skipBatches);
    if (problem !== undefined)
      throw new CheckpointError(ckpt.dir, `its data position does not fit this run's data (${problem})`);
    setParameters(t.params, ckpt.params, ckpt.dir);
    if (t.trainer !== undefined) {
      if (meta.trainer === null)
        throw new CheckpointError(ckpt.dir, 'holds no optimizer state, but this run uses a Trainer');
      t.trainer.importStates(ckpt.dir, meta.trainer, ckpt.states);
    }
    t.loader.restore(meta.loader, { skipBatches });
    // After the model drew its initial weights: from here on the draws (dropout masks) are the saved run's.
    if (meta.random !== undefined) restoreGlobal(meta.random);
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
    if (this.store === undefined && this.fallback !== undefined) {
      const store = await CheckpointStore.open(this.fallback.dir, this.fallback.keep);
      // Never over another run's checkpoints there: then this stop keeps none (the message says so).
      if ((await store.claim(this.runId, false, this.history.length + 1)).length === 0) this.store = store;
      else await store.close();
    }
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
      runId: this.runId,
      run: this.run,
      epoch: this.history.length,
      position,
      loader,
      history: [...this.history],
      trainer: states?.meta ?? null,
      random: globalState(),
    };
    return this.store.save(meta, t.params, states?.arrays ?? []);
  }
}
