/** `softmax/fit`: the async fit loop with callbacks (Keras' `fit`, Lightning's loop) and the checkpoint format. */
export type { Callback, EpochEndInfo, FitControl, History, StopPoint } from './callbacks.js';
export { CHECKPOINT_KIND, checkpointArrays, checkpointOf } from './checkpoint.js';
export type { Checkpoint, CheckpointMeta, RunOptions } from './checkpoint.js';
export { fit } from './fit.js';
export type { FitOptions } from './fit.js';
