/**
 * The Gluon-sized public API, the same on every platform: nn, init, loss, autograd, Trainer, data,
 * random, the backend (initBackend, tf), the error classes. Each platform entry re-exports it.
 */
export * as autograd from './autograd/index.js';
export { backendNames, currentBackend, initBackend, registerBackendProvider } from './backend/registry.js';
export type { BackendChoice, BackendProvider } from './backend/registry.js';
export { tf } from './backend/tf.js';
export * as data from './data/index.js';
export * from './errors.js';
export type { Logger } from './logger.js';
export * as loss from './loss/index.js';
export * as lrScheduler from './trainer/lr-scheduler.js';
export * as init from './nn/init.js';
export * as nn from './nn/index.js';
export { loadModel } from './nn/model.js';
export type { LoadedModel } from './nn/model.js';
export type {
  ActivationSpec,
  Architecture,
  DenseSpec,
  DropoutSpec,
  FlattenSpec,
  LayerSpec,
  ModelMeta,
} from './nn/serialize.js';
export * as random from './random.js';
export { Trainer } from './trainer/trainer.js';
export type { OptimizerName, TrainerOptions } from './trainer/trainer.js';
