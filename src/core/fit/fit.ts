/**
 * The async fit loop: the book's training step (`epochSteps`, the one `trainCh3` runs) in epochs,
 * with callbacks between batches and epochs, a start in the middle of a run (after a checkpoint), and
 * a stop a callback asks for. Keras' `fit(initial_epoch=...)` and Lightning's loop, on D2L §3.6.
 */
import type { TensorBatch, Net } from '../d2l/evaluate.js';
import type { EpochMetrics, EpochPosition, LossFn, Updater } from '../d2l/train.js';
import { checkEpochsAndBatchSize, epochSteps, finishEpoch, startOfEpoch } from '../d2l/train.js';
import { yieldToEventLoop } from '../platform.js';
import type { Callback, FitControl, History } from './callbacks.js';
import { each } from './callbacks.js';

export interface FitOptions {
  epochs: number;
  /** The nominal batch size (checked; the updater is given each batch's actual size). */
  batchSize: number;
  updater: Updater;
  callbacks?: readonly Callback[];
  /** The first epoch to run (default 1); the caller has positioned `trainIter` to match. */
  initialEpoch?: number;
  /** How far into `initialEpoch` the run already is (a mid-epoch checkpoint). */
  initialPosition?: EpochPosition | undefined;
  /** The epochs already done (from a checkpoint): reported to `onEpochEnd` as replayed, first. */
  initialHistory?: readonly EpochMetrics[];
}

/**
 * Trains epochs `initialEpoch..epochs` of `net`; returns the history (the replayed epochs and the new
 * ones) and, when a callback set `stopTraining`, where it stopped. Lets the event loop run after
 * every batch, so a stop request (a signal) is seen at the next batch boundary.
 */
export async function fit(
  net: Net,
  trainIter: Iterable<TensorBatch>,
  testIter: Iterable<TensorBatch>,
  loss: LossFn,
  options: FitOptions,
): Promise<History> {
  const {
    epochs,
    batchSize,
    updater,
    callbacks = [],
    initialEpoch = 1,
    initialPosition,
    initialHistory = [],
  } = options;
  checkEpochsAndBatchSize(epochs, batchSize);
  const control: FitControl = { stopTraining: false };
  const history: History = { epochs: [] };
  await each(callbacks, 'onTrainBegin', control);
  for (const m of initialHistory) {
    history.epochs.push(m);
    await each(callbacks, 'onEpochEnd', m, { replayed: true }, control);
  }
  for (let epoch = initialEpoch; epoch <= epochs; epoch++) {
    let p = (epoch === initialEpoch ? initialPosition : undefined) ?? startOfEpoch();
    if (control.stopTraining) {
      history.stopped = { epoch, position: p };
      break;
    }
    for (p of epochSteps(net, trainIter, loss, updater, { epoch, start: p })) {
      await each(callbacks, 'onBatchEnd', { ...p, epoch }, control);
      await yieldToEventLoop();
      if (control.stopTraining) break;
    }
    if (control.stopTraining) {
      // Stopped after a batch: the epoch stays unfinished (a resumed run finishes it).
      history.stopped = { epoch, position: p };
      break;
    }
    const metrics = finishEpoch(net, testIter, epoch, p);
    history.epochs.push(metrics);
    await each(callbacks, 'onEpochEnd', metrics, { replayed: false }, control);
  }
  await each(callbacks, 'onTrainEnd', history);
  return history;
}
