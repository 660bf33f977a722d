export { Loss } from './loss.js';
export type { LossOptions } from './loss.js';
export { SoftmaxCELoss, SoftmaxCrossEntropyLoss } from './softmax-cross-entropy.js';
export type { SoftmaxCrossEntropyLossOptions } from './softmax-cross-entropy.js';
export { L2Loss } from './l2.js';
