/**
 * What `softmax train` prints per epoch, decided here alone: the book's line (`formatEpoch`), or with
 * --json one JSON object; for the epochs a resumed run restored as for the ones it trains. Also the
 * per-epoch log records and the --check-leaks tensor count.
 */
import type { EpochMetrics } from '../../core/d2l/train.js';
import { formatEpoch } from '../../core/d2l/format.js';
import type { Callback, EpochEndInfo } from '../../core/fit/callbacks.js';
import type { Logger } from '../../core/logger.js';

/** One line of metrics.jsonl and of --json. */
export function metricsRecord(m: EpochMetrics): Record<string, number> {
  return {
    epoch: m.epoch,
    loss: m.loss,
    trainAcc: m.trainAcc,
    testAcc: m.testAcc,
    seconds: m.seconds,
    examplesPerSec: m.examples / m.seconds,
  };
}

export class EpochLines implements Callback {
  constructor(
    private readonly options: { json: boolean; checkLeaks: boolean },
    private readonly print: (line: string) => void,
    private readonly logger: Logger,
    /** Called before a line is printed (erases the progress bar). */
    private readonly beforePrint: () => void = () => {},
  ) {}

  onEpochEnd(m: EpochMetrics, { replayed }: EpochEndInfo): void {
    this.beforePrint();
    this.print(this.options.json ? JSON.stringify(metricsRecord(m)) : formatEpoch(m));
    if (!replayed) this.logger.info({ ...m, examplesPerSec: m.examples / m.seconds }, 'epoch done');
    if (this.options.checkLeaks) this.logger.info({ epoch: m.epoch, numTensors: m.numTensors }, 'tensor count');
  }
}
