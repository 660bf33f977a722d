/**
 * Softmax regression from scratch, as the book writes it (D2L §3.6 softmax-regression-scratch):
 * `net(X) = softmax(X·W + b)` with W ~ N(0, 0.01²) of shape [784, 10] and b = 0, the cross-entropy
 * `-log ŷ[y]`, and minibatch SGD `param ← param − lr·grad/batchSize`.
 */
import { tf } from '../../backend/tf.js';
import { ShapeError, assert } from '../../errors.js';
import { isUsableLearningRate } from '../../learning-rate.js';
import { Normal, Zeros } from '../../nn/init.js';
import { Parameter } from '../../nn/parameter.js';
import type { Sequential } from '../../nn/sequential.js';
import { denseFromScratch } from './to-dense.js';

/**
 * Row-wise softmax. Input: float32 `[batch, classes]`. Output: same shape, rows sum to 1; caller owns it.
 * `exp(X) / Σ exp(X)` as in the book, after subtracting each row's max: the same value, but exp
 * cannot overflow for large scores. The max is a constant for differentiation, as it is for the
 * function (softmax does not change when a row is shifted), so the gradient is the book's: nothing
 * flows through the max.
 */
export function softmax(X: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const XExp = tf.exp(shiftedByRowMax(X));
    return tf.div(XExp, tf.sum(XExp, -1, true));
  });
}

/** `X − max(X, -1)` with the gradient of `X − constant`: dy itself. */
const shiftedByRowMax = tf.customGrad(((X: tf.Tensor) => ({
  value: tf.sub(X, tf.max(X, -1, true)),
  gradFunc: (dy: tf.Tensor) => dy,
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (X: tf.Tensor) => tf.Tensor;

// The smallest normal float32: log of it is finite (-87.3), so a probability that underflowed to 0
// gives a large finite loss instead of Infinity. Values above it are untouched.
const TINY = 1.1754943508222875e-38;

/**
 * Cross-entropy of predicted probabilities. Inputs: `yHat` float32 `[batch, classes]`, `y` int32
 * `[batch]`. Output: float32 `[batch]`, `-log(yHat[i, y[i]])`; caller owns it. The book's
 * `-nd.pick(y_hat, y).log()`, with log(0) guarded.
 */
export function crossEntropy(yHat: tf.Tensor, y: tf.Tensor): tf.Tensor {
  assert(
    yHat.rank === 2 && y.size === yHat.shape[0],
    () => `crossEntropy expects yHat [batch, classes] and y [batch], but got [${yHat.shape}] and [${y.shape}].`,
    ShapeError,
  );
  return tf.tidy(() => {
    const labels = y.rank === 1 && y.dtype === 'int32' ? y : tf.cast(tf.reshape(y, [-1]), 'int32');
    // A float32 one-hot: multiplied with yHat as is (an int32 one would be cast there, forward and back).
    const picked = tf.sum(tf.mul(yHat, tf.oneHot(labels, yHat.shape[1] ?? 0, 1, 0, 'float32')), 1);
    return tf.neg(tf.log(tf.maximum(picked, TINY)));
  });
}

/**
 * Minibatch SGD on each parameter: `param ← param − lr·grad/batchSize`, computed in the book's order.
 * Uses the gradients from the last `backward()`.
 */
export function sgd(params: Parameter[], lr: number, batchSize: number): void {
  // Checked here, as Trainer checks its own: a zero batch size or a NaN rate would write NaN weights.
  assert(isUsableLearningRate(lr), () => `Expected lr to be a positive finite float32 number, but got ${lr}.`);
  assert(
    Number.isFinite(batchSize) && batchSize > 0,
    () => `Expected batchSize to be a positive number, but got ${batchSize}.`,
  );
  for (const param of params) {
    const { grad } = param;
    assert(grad !== null, () => `Parameter '${param.name}' has no gradient: call backward() before sgd().`);
    const value = param.data();
    tf.tidy(() => value.assign(tf.sub(value, tf.div(tf.mul(grad, lr), batchSize))));
    param.freshGrad = false;
  }
}

/** The from-scratch model: `softmax(reshape(X, [-1, numInputs])·W + b)`. */
export class SoftmaxRegressionScratch {
  readonly W: Parameter;
  readonly b: Parameter;

  constructor(
    readonly numInputs = 784,
    readonly numOutputs = 10,
    sigma = 0.01,
  ) {
    this.W = new Parameter('scratch/W', { shape: [numInputs, numOutputs], init: Normal(sigma) });
    this.b = new Parameter('scratch/b', { shape: [numOutputs], init: Zeros() });
    this.W.initialize(Normal(sigma));
    this.b.initialize(Zeros());
  }

  /** Input: float32 `[batch, ...]` with numInputs features; output: probabilities `[batch, numOutputs]`. */
  forward(X: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      softmax(
        tf.add(
          tf.matMul(
            X.rank === 2 && X.shape[1] === this.numInputs ? X : tf.reshape(X, [-1, this.numInputs]),
            this.W.data(),
          ),
          this.b.data(),
        ),
      ),
    );
  }

  /** `[W, b]`, the book's `params`. */
  params(): Parameter[] {
    return [this.W, this.b];
  }

  /** The scratch updater with the same interface as Trainer: `step(batchSize)`. */
  updater(lr: number): { step(batchSize: number): void } {
    return { step: (batchSize) => sgd(this.params(), lr, batchSize) };
  }

  /** The equivalent concise network (one Dense layer, weight Wᵀ, bias b; logits). Caller owns it. */
  toConcise(): Sequential {
    return denseFromScratch(this.W.data(), this.b.data());
  }

  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}
