/**
 * The run directory of `softmax train --out DIR` (default `runs/<timestamp>`): everything one run
 * writes. `metrics.jsonl` (a line per epoch), `curves.svg`/`curves.png` (rewritten at each epoch end),
 * `run.json` (options, backend, versions, seed, data digests, final figures) and `model/`. Every file
 * is replaced atomically, so a viewer refreshing one never sees half of it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tf } from '../../core/backend/tf.js';
import { ensureDir, writeFileAtomic } from '../../node/atomic.js';
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
    private readonly plotter: Pick<CurvesPlotter, 'plot' | 'close'>,
    private readonly now: () => number,
  ) {}

  /**
   * Creates (or reuses) `dir`, checking it can be written before any training. Throws `OutputError`.
   * `plotter` and `now` are for tests.
   */
  static async create(
    dir: string,
    options: {
      title: string;
      epochs: number;
      plotter?: Pick<CurvesPlotter, 'plot' | 'close'>;
      now?: () => number;
    },
  ): Promise<RunDir> {
    await ensureDir(dir);
    const run = new RunDir(
      dir,
      options.title,
      options.epochs,
      options.plotter ?? new CurvesPlotter(),
      options.now ?? (() => performance.now()),
    );
    await run.writeMetrics();
    return run;
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
      .plot([...this.history], file, { title: this.title, epochs: this.epochs })
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
