/**
 * The from-scratch chapter (D2L §3.6): softmax, cross-entropy, minibatch SGD and the model, plus its concise
 * equivalent.
 */
export { SoftmaxRegressionScratch, crossEntropy, sgd, softmax } from './softmax-regression.js';
export { denseFromScratch } from './to-dense.js';
export { MlpScratch, dropoutLayer, relu } from './mlp.js';
export type { MlpScratchOptions } from './mlp.js';
