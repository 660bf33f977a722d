/**
 * `trainCh3` for long runs: awaits `onEpoch` between epochs (plots, metrics, checkpoints), yields to the
 * event loop after every batch so a signal handler can ask it to stop, and can start in the middle of
 * a run (after a checkpoint) instead of at epoch 1.
 */
import type { Batch, Net } from '../d2l/evaluate.js';
import type { EpochMetrics, EpochPosition, LossFn, TrainCh3Options } from '../d2l/train.js';
import { epochRunner, epochSteps, startOfEpoch } from '../d2l/train.js';

/** Where to start: the first epoch to run, and how far into it the run already is (mid-epoch resume). */
export interface StartAt {
  epoch: number;
  position?: EpochPosition | undefined;
}

export interface TrainCh3AsyncOptions extends Omit<TrainCh3Options, 'onEpoch'> {
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Default: epoch 1 from its start. The caller has positioned the training iterator to match. */
  startAt?: StartAt;
  /** Checked after every batch: once it is aborted, the current batch is the last one. */
  signal?: AbortSignal | undefined;
  /** Called once when `signal` stopped training, with the epoch in progress and its position. */
  onStop?: (epoch: number, position: EpochPosition) => void | Promise<void>;
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains epochs `startAt.epoch..numEpochs` as `trainCh3`; returns the figures of the epochs it ran.
 * When `signal` aborts, it finishes the current batch, awaits `onStop` and returns early.
 */
export async function trainCh3Async(
  net: Net,
  trainIter: Iterable<Batch>,
  testIter: Iterable<Batch>,
  loss: LossFn,
  numEpochs: number,
  batchSize: number,
  options: TrainCh3AsyncOptions = {},
): Promise<EpochMetrics[]> {
  const { updater, finish } = epochRunner(net, testIter, numEpochs, batchSize, options);
  const { startAt = { epoch: 1 }, signal, onBatch } = options;
  const history: EpochMetrics[] = [];
  for (let epoch = startAt.epoch; epoch <= numEpochs; epoch++) {
    let p = (epoch === startAt.epoch ? startAt.position : undefined) ?? startOfEpoch();
    if (signal?.aborted) {
      await options.onStop?.(epoch, p);
      return history;
    }
    for (p of epochSteps(net, trainIter, loss, updater, { epoch, start: p })) {
      onBatch?.({ ...p, epoch });
      await nextTick(); // lets a SIGINT handler run between batches
      if (signal?.aborted) {
        await options.onStop?.(epoch, p);
        return history;
      }
    }
    const metrics = finish(epoch, p);
    history.push(metrics);
    await options.onEpoch?.(metrics);
  }
  return history;
}
