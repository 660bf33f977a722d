/**
 * `softmax/d2l`: the book's helpers (D2L §3.5-3.7, §4.2-4.6) — the training loop and its epoch line,
 * accuracy, the Accumulator, predict_ch3, the from-scratch models (softmax regression, the MLP, dropout),
 * the weight-decay chapter's regression — and the figures `softmax evaluate` prints.
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
export {
  evaluateLoss,
  l2Penalty,
  linreg,
  loadArray,
  squaredLoss,
  syntheticData,
  trainWeightDecayConcise,
  trainWeightDecayScratch,
  weightDecayData,
} from './weight-decay.js';
export type { WeightDecayData, WeightDecayResult } from './weight-decay.js';
