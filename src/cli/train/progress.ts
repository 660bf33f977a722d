/**
 * Keras-style progress on a terminal: one bar per epoch (batches done, examples/s, running loss and
 * accuracy, ETA), erased when the epoch ends so the book's epoch line takes its place. Only for a TTY:
 * `softmax train` turns it off when stdout is not a terminal, with --quiet, and with --json.
 */
import { SingleBar } from 'cli-progress';
import type { BatchProgress } from '../../core/d2l/train.js';
import type { Callback } from '../../core/fit/callbacks.js';

export interface ProgressOptions {
  epochs: number;
  /** Batches per epoch (the bar's total). */
  batches: number;
  /** Where the bar is drawn; must be a TTY stream (default process.stdout). */
  stream?: NodeJS.WriteStream;
}

/** The bar for `softmax train`, as a fit callback; `clear` before printing a line. */
export class EpochProgress implements Callback {
  private readonly bar: SingleBar;
  private active = false;
  private epochStart = 0;

  constructor(private readonly options: ProgressOptions) {
    this.bar = new SingleBar({
      format:
        'epoch {epoch}/{epochs} [{bar}] {value}/{total} batches | {speed} ex/s | ' +
        'loss {loss}, train acc {acc} | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 20,
      fps: 10,
      stream: options.stream ?? process.stdout,
    });
  }

  /** Redraws after a batch; the first batch of an epoch starts its bar. */
  onBatchEnd(p: BatchProgress): void {
    const payload = {
      epoch: p.epoch,
      epochs: this.options.epochs,
      loss: (p.lossSum / p.examples).toFixed(4),
      acc: (p.correct / p.examples).toFixed(3),
      speed: '…',
    };
    if (!this.active) {
      this.epochStart = performance.now();
      this.bar.start(this.options.batches, 0, payload);
      this.active = true;
    }
    const seconds = (performance.now() - this.epochStart) / 1000;
    this.bar.update(p.batch, {
      ...payload,
      speed: seconds > 0 ? Math.round(p.examples / seconds).toLocaleString('en-US') : '…',
    });
  }

  onTrainEnd(): void {
    this.clear();
  }

  /** Erases the bar (if drawn), leaving the cursor at the start of an empty line. */
  clear(): void {
    if (!this.active) return;
    this.bar.stop();
    this.active = false;
  }
}

/** Says what a long step is doing, on the terminal only, and erases the note when it is done. */
export async function withStatus<T>(
  stream: NodeJS.WriteStream | undefined,
  message: string,
  work: () => Promise<T>,
): Promise<T> {
  if (stream === undefined) return work();
  stream.write(`${message}…`);
  try {
    return await work();
  } finally {
    stream.write('\r\x1b[2K');
  }
}
