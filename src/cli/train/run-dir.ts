/**
 * The run directory of `softmax train --out DIR` (default `runs/<timestamp>`): everything one run
 * writes. `metrics.jsonl` (a line per epoch), `curves.svg`/`curves.png` (rewritten at each epoch end),
 * `run.json` (options, backend, versions, seed, data digests, final figures) and `model/`. Every file
 * is replaced atomically, so a viewer refreshing one never sees half of it. A marker file (`.softmax-run`)
 * says the directory is one softmax made: files of those names in a directory without it are a user's,
 * and the run refuses to start rather than replace them. Nothing is written before the first epoch ends,
 * so a run that fails early leaves an earlier run's files as they were. The directory is locked while the
 * run lasts (`DirLock`), so two runs never write into one.
 */
import { readFileSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { tf } from '../../core/backend/tf.js';
import { OutputError } from '../../core/errors.js';
import { ensureDir, makeDirExclusive, writeFileAtomic } from '../../node/atomic.js';
import { cleanStaleTemps } from '../../node/temp-files.js';
import { foreignContent } from '../../node/bundle-files.js';
import { DirLock } from '../../node/dir-lock.js';
import { CurvesPlotter } from '../../node/render/curves-plotter.js';
import type { EpochMetrics } from '../../core/d2l/train.js';
import type { Callback } from '../../core/fit/callbacks.js';
import { metricsRecord } from './lines.js';

/** `runs/2026-11-23T22-51-03` for a run started at that (local) time; `:` is not allowed on Windows. */
export function defaultRunDir(now = new Date(), root = 'runs'): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T` +
    `${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return path.join(root, stamp);
}

/** The marker of a run directory softmax made. */
export const RUN_DIR_MARKER = '.softmax-run';
/** What a run writes; in a directory without the marker, any of these is a user's file. */
const RUN_FILES = ['model', 'run.json', 'metrics.jsonl', 'curves.svg', 'curves.png'];

/** `dir`, or `dir-2`, `dir-3`... : the first that did not exist, created now (two runs started in one second). */
async function createFresh(dir: string): Promise<string> {
  await ensureDir(path.dirname(path.resolve(dir)));
  for (let i = 1; i < 1000; i++) {
    const candidate = i === 1 ? dir : `${dir}-${i}`;
    if (await makeDirExclusive(candidate)) return candidate;
  }
  throw new OutputError(dir, 'it and 998 numbered siblings exist already');
}

/** Whether a directory without the marker was made by an earlier softmax (its run.json names a softmax version). */
async function legacyRunDir(dir: string): Promise<boolean> {
  const file = path.join(dir, 'run.json');
  const info = await lstat(file).catch(() => undefined);
  if (info?.isFile() !== true || info.size > 2 ** 20) return false;
  try {
    const run = JSON.parse(await readFile(file, 'utf8')) as { versions?: { softmax?: unknown } } | null;
    return typeof run?.versions?.softmax === 'string';
  } catch {
    return false;
  }
}

/** Throws `OutputError` unless the existing directory `dir` may take a run's files (see the module comment). */
async function checkOwnership(dir: string): Promise<void> {
  if ((await lstat(path.join(dir, RUN_DIR_MARKER)).catch(() => undefined)) === undefined) {
    const present = [];
    for (const name of RUN_FILES)
      if ((await lstat(path.join(dir, name)).catch(() => undefined)) !== undefined) present.push(name);
    if (present.length > 0 && !(await legacyRunDir(dir)))
      throw new OutputError(
        dir,
        `it holds ${present.join(', ')}, which softmax did not write (no ${RUN_DIR_MARKER} marker): ` +
          'give --out a new or empty directory',
      );
  }
  const foreign = await foreignContent(path.join(dir, 'model'));
  if (foreign !== undefined)
    throw new OutputError(path.join(dir, 'model'), `${foreign}; give --out a new or empty directory`);
}

/** Versions worth recording to repeat a run. */
export function versions(): Record<string, string> {
  let softmax = 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
      version?: string;
    };
    softmax = pkg.version ?? softmax;
  } catch {
    // Not fatal: run.json then says 'unknown'.
  }
  return { softmax, node: process.versions.node, tfjs: tf.version_core };
}

/** Drawings of the curves while training are at least this far apart (each takes 60-100 ms of a core). */
export const PLOT_INTERVAL_MS = 1000;

/** The run directory, as a fit callback: every epoch (restored ones too) lands in metrics.jsonl and the curves. */
export class RunDir implements Callback {
  private readonly history: EpochMetrics[] = [];
  /** The curves being drawn in the background, if any; when the last drawing started; the first failure. */
  private plotting: Promise<void> | null = null;
  private lastPlotAt = Number.NEGATIVE_INFINITY;
  /** Epochs the files on disk show (a drawing is owed while it is less than the history's length). */
  private drawn = 0;
  private plotError: unknown = undefined;

  private constructor(
    readonly dir: string,
    private readonly title: string,
    private readonly epochs: number,
    private readonly details: string | undefined,
    private readonly lock: DirLock,
    private readonly plotter: Pick<CurvesPlotter, 'plot' | 'close'>,
    private readonly now: () => number,
  ) {}

  /**
   * Creates `dir` (with `fresh`, a new directory: `dir-2`... when taken) or reuses one softmax made, checking
   * it can be written before any training, and locks it until `close`. Throws `OutputError`, also for a
   * directory holding a user's files, and `DirectoryLockedError` while another run writes into it.
   * `plotter` and `now` are for tests.
   */
  static async create(
    dir: string,
    options: {
      title: string;
      epochs: number;
      /** The curves' subtitle adds it, e.g. `batch size 256, lr 0.1`. */
      details?: string | undefined;
      fresh?: boolean | undefined;
      plotter?: Pick<CurvesPlotter, 'plot' | 'close'>;
      now?: () => number;
    },
  ): Promise<RunDir> {
    if (options.fresh === true) dir = await createFresh(dir);
    else await ensureDir(dir);
    const lock = await DirLock.acquire(dir);
    try {
      if (options.fresh !== true) {
        await checkOwnership(dir);
        await cleanStaleTemps(dir);
      }
      // The marker, written atomically, is also the probe that the directory can be written.
      await writeFileAtomic(path.join(dir, RUN_DIR_MARKER), 'a run directory of softmax train\n');
    } catch (err) {
      await lock.release();
      throw err;
    }
    return new RunDir(
      dir,
      options.title,
      options.epochs,
      options.details,
      lock,
      options.plotter ?? new CurvesPlotter(),
      options.now ?? (() => performance.now()),
    );
  }

  /** Releases the directory's lock; call once the run's last file is written. */
  async close(): Promise<void> {
    await this.lock.release();
  }

  get modelDir(): string {
    return path.join(this.dir, 'model');
  }

  /** Writes `run.json` (replacing it). */
  async writeRunJson(info: Record<string, unknown>): Promise<void> {
    await writeFileAtomic(path.join(this.dir, 'run.json'), `${JSON.stringify(info, null, 2)}\n`);
  }

  /**
   * Records a finished epoch: rewrites metrics.jsonl, and redraws the curves in the background (on a
   * worker thread, `CurvesPlotter`, so training goes on meanwhile) unless one is being drawn or the last
   * one started less than `PLOT_INTERVAL_MS` ago: short epochs are then drawn together later, and
   * `settle` draws the last state. A failed drawing is thrown by the next `onEpochEnd` or by `settle`.
   */
  async onEpochEnd(m: EpochMetrics): Promise<void> {
    this.history.push(m);
    this.throwPlotError();
    await this.writeMetrics();
    if (this.plotting === null && this.now() - this.lastPlotAt >= PLOT_INTERVAL_MS) this.plot();
  }

  /**
   * Waits for the drawing in progress, draws once more if it did not show every epoch recorded, then
   * stops the drawing worker; throws a failed drawing's error.
   */
  async settle(): Promise<void> {
    if (this.plotting !== null) await this.plotting;
    if (this.drawn < this.history.length && this.plotError === undefined) {
      this.plot();
      await this.plotting;
    }
    await this.plotter.close();
    this.throwPlotError();
  }

  private plot(): void {
    const file = path.join(this.dir, 'curves');
    const shown = this.history.length;
    this.lastPlotAt = this.now();
    this.plotting = this.plotter
      .plot([...this.history], file, {
        title: this.title,
        epochs: this.epochs,
        ...(this.details === undefined ? {} : { details: this.details }),
      })
      .then(
        () => void (this.drawn = shown),
        (err: unknown) => void (this.plotError ??= err),
      )
      .finally(() => {
        this.plotting = null;
      });
  }

  private throwPlotError(): void {
    if (this.plotError !== undefined) throw this.plotError;
  }

  private async writeMetrics(): Promise<void> {
    const lines = this.history.map((m) => `${JSON.stringify(metricsRecord(m))}\n`).join('');
    await writeFileAtomic(path.join(this.dir, 'metrics.jsonl'), lines);
  }
}
