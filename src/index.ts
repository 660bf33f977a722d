/**
 * The public API: Gluon's names (`nn`, `init`, `loss`, `autograd`, `Trainer`, `data`), the
 * from-scratch chapter (`scratch`), the book's loop (`trainCh3`, `evaluateAccuracy`), the backend.
 * Call `await initBackend()` once before any tensor work.
 */
export * as autograd from './autograd/index.js';
export { backendNames, currentBackend, initBackend, registerBackendProvider, tf } from './backend/index.js';
export type { BackendChoice, BackendProvider } from './backend/index.js';
export * as data from './data/index.js';
export * from './errors.js';
export type { Logger } from './logger.js';
export { silentLogger } from './logger.js';
export * as loss from './loss/index.js';
export { Accumulator } from './loop/accumulator.js';
export { accuracy, evaluateAccuracy } from './loop/evaluate.js';
export { evaluate, formatEvaluation } from './loop/evaluate-model.js';
export type { ClassFigures, Evaluation } from './loop/evaluate-model.js';
export { predictCh3, predictProbabilities, topK } from './loop/predict.js';
export type { PredictCh3Result } from './loop/predict.js';
export { plotCurves } from './viz/curves.js';
export type { PlotCurvesOptions } from './viz/curves.js';
export { plotConfusion } from './viz/confusion.js';
export { showFashionMnist } from './viz/images.js';
export type { GridImage, ShowImagesOptions } from './viz/images.js';
export { loadModel } from './io/model.js';
export type { LoadedModel } from './io/model.js';
export { readImageAsFashionMnist } from './io/image.js';
export { readBundle, writeBundle } from './io/bundle.js';
export type { Manifest, NamedArray } from './io/bundle.js';
export type { Architecture, DenseSpec, ModelMeta } from './nn/serialize.js';
export type { Batch, Net } from './loop/evaluate.js';
export { formatFixed } from './loop/format.js';
export { runTrain } from './loop/run.js';
export type { TrainArgs, TrainDeps, TrainResult } from './loop/run.js';
export { examplesPerSecond, formatEpoch, trainCh3, trainEpochCh3 } from './loop/train.js';
export { trainCh3Async } from './loop/train-async.js';
export type { BatchProgress, EpochMetrics, LossFn, TrainCh3Options, Updater } from './loop/train.js';
export * as init from './nn/init.js';
export * as nn from './nn/index.js';
export * as random from './random.js';
export * as scratch from './scratch/index.js';
export { Trainer } from './trainer/trainer.js';
export type { OptimizerName, TrainerOptions } from './trainer/trainer.js';
