/**
 * Callbacks of the fit loop, as Keras' `fit` and Lightning have them: the loop knows nothing of
 * files, terminals or signals; progress bars, run directories, checkpoints and stopping are callbacks.
 */
import type { BatchProgress, EpochMetrics, EpochPosition } from '../d2l/train.js';

/** The loop's state a callback may read and steer (Keras' `model.stop_training`). */
export interface FitControl {
  /** Set to stop after the current batch (or before the next epoch). */
  stopTraining: boolean;
}

/** Where a stopped run stood: the epoch in progress and how far into it. */
export interface StopPoint {
  epoch: number;
  position: EpochPosition;
}

/** What `fit` returns and `onTrainEnd` receives. */
export interface History {
  /** Every finished epoch, including those restored from a checkpoint (`initialHistory`). */
  epochs: EpochMetrics[];
  /** Set when a callback stopped training early. */
  stopped?: StopPoint | undefined;
}

export interface EpochEndInfo {
  /** True for an epoch restored from `initialHistory` (reported again, not trained now). */
  replayed: boolean;
}

/** Every hook is optional and may be async; `fit` awaits each in turn, in the order the callbacks were given. */
export interface Callback {
  onTrainBegin?(control: FitControl): void | Promise<void>;
  /** After every training batch, with the epoch's running sums. */
  onBatchEnd?(progress: BatchProgress, control: FitControl): void | Promise<void>;
  onEpochEnd?(metrics: EpochMetrics, info: EpochEndInfo, control: FitControl): void | Promise<void>;
  /** Once, at the end: after the last epoch, or when a callback stopped training (`history.stopped`). */
  onTrainEnd?(history: History): void | Promise<void>;
}

/** Calls `hook` of each callback in order, awaiting each. */
export async function each<K extends keyof Callback>(
  callbacks: readonly Callback[],
  hook: K,
  ...args: Parameters<NonNullable<Callback[K]>>
): Promise<void> {
  for (const c of callbacks) {
    const f = c[hook] as ((...a: typeof args) => void | Promise<void>) | undefined;
    if (f !== undefined) await f.apply(c, args);
  }
}
