/**
 * Draws training curves on a worker thread, so rendering (tens of milliseconds a chart) does not stop
 * training. One worker, started on the first drawing; idle, it does not keep the process alive. Where the
 * worker cannot run (no compiled worker script, as under ts-jest, or the worker failed), the curves
 * are drawn on this thread instead: the files are the same either way.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OutputError } from '../../core/errors.js';
import type { PlotCurvesOptions } from '../../core/viz/curves.js';
import { plotCurves } from './charts.js';
import type { ChartFiles } from './render.js';

type Point = Parameters<typeof plotCurves>[0][number];

/** One drawing, as sent to the worker. */
export interface CurvesJob {
  id: number;
  history: Point[];
  file: string;
  options: PlotCurvesOptions;
}

type Reply =
  | { id: number; files: ChartFiles }
  | { id: number; error: { name: string; message: string; path?: unknown; problem?: unknown } };

/** The compiled worker script next to this module (absent when this runs from TypeScript sources). */
export const CURVES_WORKER = path.join(__dirname, 'curves-worker.js');

export class CurvesPlotter {
  private worker: Worker | null | undefined;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { job: CurvesJob; resolve: (f: ChartFiles) => void; reject: (e: unknown) => void }
  >();

  /** `workerScript: null` draws on this thread. */
  constructor(private readonly workerScript: string | null = CURVES_WORKER) {}

  /** `plotCurves(history, file, options)`, on the worker when it runs. */
  plot(history: readonly Point[], file: string, options: PlotCurvesOptions = {}): Promise<ChartFiles> {
    const worker = this.start();
    if (worker === null) return plotCurves(history, file, options);
    const job: CurvesJob = {
      id: this.nextId++,
      history: history.map((p) => ({ ...p })),
      file,
      options: { ...options },
    };
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { job, resolve, reject });
      worker.ref(); // keeps the process alive until the drawing is back
      worker.postMessage(job);
    });
  }

  /** Stops the worker (after its drawings: call when none is pending). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker | null {
    if (this.worker !== undefined) return this.worker;
    if (this.workerScript === null || !existsSync(this.workerScript)) return (this.worker = null);
    // A small young generation: the worker's garbage is small, and the default's semi-spaces would add
    // about 20 MB to the peak resident memory of a training run. Out of memory, it falls back (below).
    const worker = new Worker(this.workerScript, {
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    // A worker that fails (or exits) hands its drawings back to this thread, which also does the rest.
    const fallBack = () => {
      if (this.worker === worker) this.worker = null;
      const jobs = [...this.pending.values()];
      this.pending.clear();
      for (const { job, resolve, reject } of jobs) plotCurves(job.history, job.file, job.options).then(resolve, reject);
    };
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    return (this.worker = worker);
  }

  private settle(reply: Reply): void {
    const entry = this.pending.get(reply.id);
    if (entry === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref(); // idle: never what keeps the process alive
    if ('files' in reply) {
      entry.resolve(reply.files);
      return;
    }
    const { name, message, path: file, problem } = reply.error;
    entry.reject(
      name === 'OutputError' && typeof file === 'string' && typeof problem === 'string'
        ? new OutputError(file, problem)
        : new Error(message),
    );
  }
}
