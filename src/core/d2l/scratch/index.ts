export { SoftmaxRegressionScratch, crossEntropy, sgd, softmax } from './softmax-regression.js';
export { accuracy, evaluateAccuracy } from '../evaluate.js';
