/**
 * The public API: Gluon's names (`nn`, `init`, `loss`, `autograd`, `Trainer`, `data`), the
 * from-scratch chapter (`scratch`), the book's loop (`trainCh3`, `evaluateAccuracy`), the backend.
 * Call `await initBackend()` once before any tensor work.
 */
export * as autograd from '../core/autograd/index.js';
export { backendNames, currentBackend, initBackend, registerBackendProvider, tf } from '../core/backend/registry.js';
export type { BackendChoice, BackendProvider } from '../core/backend/registry.js';
export * as data from '../core/data/index.js';
export * from '../core/errors.js';
export type { Logger } from '../core/logger.js';
export { silentLogger } from '../core/logger.js';
export * as loss from '../core/loss/index.js';
export { Accumulator } from '../core/d2l/accumulator.js';
export { accuracy, evaluateAccuracy } from '../core/d2l/evaluate.js';
export { evaluate, formatEvaluation } from '../core/d2l/evaluate-model.js';
export type { ClassFigures, Evaluation } from '../core/d2l/evaluate-model.js';
export { predictCh3, predictProbabilities, topK } from '../core/d2l/predict.js';
export type { PredictCh3Result } from '../core/d2l/predict.js';
export { plotCurves } from '../core/viz/curves.js';
export type { PlotCurvesOptions } from '../core/viz/curves.js';
export { plotConfusion } from '../core/viz/confusion.js';
export { showFashionMnist } from '../core/viz/images.js';
export type { GridImage, ShowImagesOptions } from '../core/viz/images.js';
export { loadModel } from '../core/io/model.js';
export type { LoadedModel } from '../core/io/model.js';
export { readImageAsFashionMnist } from './image.js';
export { readBundle, writeBundle } from '../core/io/bundle.js';
export type { Manifest, NamedArray } from '../core/io/bundle.js';
export type { Architecture, DenseSpec, ModelMeta } from '../core/nn/serialize.js';
export type { Batch, Net } from '../core/d2l/evaluate.js';
export { formatFixed } from '../core/d2l/format.js';
export { runTrain } from '../cli/train/run.js';
export type { TrainArgs, TrainDeps, TrainResult } from '../cli/train/run.js';
export { examplesPerSecond, formatEpoch, trainCh3, trainEpochCh3 } from '../core/d2l/train.js';
export { trainCh3Async } from '../core/fit/fit.js';
export type { BatchProgress, EpochMetrics, LossFn, TrainCh3Options, Updater } from '../core/d2l/train.js';
export * as init from '../core/nn/init.js';
export * as nn from '../core/nn/index.js';
export * as random from '../core/random.js';
export * as scratch from '../core/d2l/scratch/index.js';
export { Trainer } from '../core/trainer/trainer.js';
export type { OptimizerName, TrainerOptions } from '../core/trainer/trainer.js';
