/**
 * What `softmax train` shows and writes besides the book's lines: the progress bar (TTY only), the
 * JSON lines of --json, and the run directory (metrics, curves, run.json, the model).
 */
import type { DatasetInfo } from '../../core/data/datasets.js';
import { denseFromScratch } from '../../core/io/model.js';
import type { Block } from '../../core/nn/block.js';
import type { ModelMeta } from '../../core/nn/serialize.js';
import type { SoftmaxRegressionScratch } from '../../core/d2l/scratch/softmax-regression.js';
import { EpochProgress } from './progress.js';
import { RunDir, metricsRecord, versions } from './run-dir.js';
import type { BatchProgress, EpochMetrics } from '../../core/d2l/train.js';

export interface OutputOptions {
  /** Run directory; undefined writes none. */
  out?: string | undefined;
  /** One JSON object per epoch on stdout instead of the book's line. */
  json?: boolean | undefined;
  /** A TTY stream to draw the progress bar on; undefined draws none. */
  progressStream?: NodeJS.WriteStream | undefined;
}

export class TrainOutputs {
  private progress: EpochProgress | undefined;
  private run: RunDir | undefined;

  private constructor(
    private readonly options: OutputOptions,
    private readonly print: (line: string) => void,
  ) {}

  /** Sets up the bar and the run directory (checked writable now, before training: `OutputError`). */
  static async start(
    options: OutputOptions,
    print: (line: string) => void,
    plan: { title: string; epochs: number; batches: number },
  ): Promise<TrainOutputs> {
    const outputs = new TrainOutputs(options, print);
    if (options.progressStream !== undefined) {
      outputs.progress = new EpochProgress({ epochs: plan.epochs, batches: plan.batches, stream: options.progressStream });
    }
    if (options.out !== undefined) outputs.run = await RunDir.create(options.out, plan);
    return outputs;
  }

  get runDir(): string | undefined {
    return this.run?.dir;
  }

  /** The loop's `print`: erases the bar first; in JSON mode the book's line is replaced by `onEpoch`'s object. */
  readonly line = (text: string): void => {
    this.progress?.clear();
    if (!this.options.json) this.print(text);
  };

  readonly onBatch = (p: BatchProgress): void => this.progress?.update(p);

  /** After each epoch: the JSON line (--json), metrics.jsonl and the curves. */
  readonly onEpoch = async (m: EpochMetrics): Promise<void> => {
    if (this.options.json) this.print(JSON.stringify(metricsRecord(m)));
    await this.run?.addEpoch(m);
  };

  /** Waits for the curves being drawn in the background (see `RunDir.addEpoch`); throws if that failed. */
  async settle(): Promise<void> {
    await this.run?.settle();
  }

  /** Saves the model (a scratch model as its equivalent Dense network) into the run directory. */
  async saveModel(model: Block | SoftmaxRegressionScratch, meta: Partial<ModelMeta>): Promise<string | undefined> {
    if (this.run === undefined) return undefined;
    if ('saveParameters' in model) {
      await model.saveParameters(this.run.modelDir, meta);
    } else {
      const net = denseFromScratch(model.W.data(), model.b.data());
      try {
        await net.saveParameters(this.run.modelDir, meta);
      } finally {
        net.dispose();
      }
    }
    return this.run.modelDir;
  }

  /** Writes run.json: everything needed to understand and repeat the run. */
  async finish(info: { args: object; backend: string; seed: number; dataset: DatasetInfo; dataDir?: string | undefined; history: EpochMetrics[]; examplesPerSec: number; startedAt: Date }): Promise<void> {
    this.progress?.clear();
    if (this.run === undefined) return;
    await this.run.settle();
    const last = info.history[info.history.length - 1];
    const files = [info.dataset.files.train.images, info.dataset.files.train.labels, info.dataset.files.test.images, info.dataset.files.test.labels];
    await this.run.writeRunJson({
      options: info.args,
      backend: info.backend,
      seed: info.seed,
      versions: versions(),
      data: {
        dataset: info.dataset.name,
        dir: info.dataDir ?? null,
        digests: Object.fromEntries(files.map((f) => [f.file, f.sha256 !== undefined ? `sha256:${f.sha256}` : `md5:${f.md5}`])),
      },
      startedAt: info.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      final: last === undefined ? null : { ...metricsRecord(last), examplesPerSecOverall: info.examplesPerSec },
      files: { metrics: 'metrics.jsonl', curves: ['curves.svg', 'curves.png'], model: 'model/' },
    });
  }
}
