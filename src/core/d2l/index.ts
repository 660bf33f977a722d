/**
 * `softmax/d2l`: the book's helpers (D2L §3.5-3.7) — the training loop and its epoch line, accuracy,
 * the Accumulator, predict_ch3, the from-scratch model — and the figures `softmax evaluate` prints.
 */
export { Accumulator } from './accumulator.js';
export { accuracy, evaluateAccuracy } from './evaluate.js';
export type { TensorBatch, Net } from './evaluate.js';
export { evaluate, formatEvaluation } from './evaluate-model.js';
export type { ClassFigures, Evaluation } from './evaluate-model.js';
export { formatEpoch, formatFixed } from './format.js';
export { predictCh3, predictProbabilities, topK } from './predict.js';
export type { PredictCh3Result } from './predict.js';
export * as scratch from './scratch/index.js';
export { examplesPerSecond, trainCh3, trainEpochCh3 } from './train.js';
export type { BatchProgress, EpochMetrics, EpochPosition, LossFn, TrainCh3Options, Updater } from './train.js';
