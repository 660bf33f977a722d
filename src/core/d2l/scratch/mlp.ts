/**
 * Multilayer perceptrons from scratch, as the book writes them: D2L §4.2 mlp-scratch (one hidden layer
 * of 256, `relu` from `maximum(X, 0)`) and §4.6 dropout (the book's `dropout_layer` after each hidden
 * layer, only while training). Weights W ~ N(0, 0.01²) of shape [in, out], biases 0; the net returns
 * scores (logits) for `SoftmaxCrossEntropyLoss`, and is trained with the book's `sgd`.
 */
import { isTraining } from '../../mode.js';
import { tf } from '../../backend/tf.js';
import { assert } from '../../errors.js';
import { Dense } from '../../nn/dense.js';
import { Dropout } from '../../nn/dropout.js';
import { Normal, Zeros } from '../../nn/init.js';
import { Parameter } from '../../nn/parameter.js';
import { Sequential } from '../../nn/sequential.js';
import { nextSeed } from '../../random.js';
import { sgd } from './softmax-regression.js';

/** `max(X, 0)` element-wise, the book's `relu`; caller owns the result. */
export function relu(X: tf.Tensor): tf.Tensor {
  return tf.maximum(X, 0);
}

/**
 * The book's `dropout_layer`: each element kept with probability `1 − dropout` and scaled by
 * `1/(1 − dropout)`; `dropout` 1 gives zeros, 0 gives X. The uniform draws are those of `nn.Dropout`
 * (one tfjs generator seeded from the global one), so with the same seed both drop the same elements.
 * Caller owns the result.
 */
export function dropoutLayer(X: tf.Tensor, dropout: number): tf.Tensor {
  assert(dropout >= 0 && dropout <= 1, () => `Expected dropout in [0, 1], but got ${dropout}.`);
  if (dropout === 1) return tf.zerosLike(X);
  if (dropout === 0) return tf.clone(X);
  return tf.tidy(() => {
    const mask = tf.greater(tf.randomUniform(X.shape, 0, 1, 'float32', nextSeed()), dropout);
    return tf.div(tf.mul(tf.cast(mask, 'float32'), X), 1 - dropout);
  });
}

export interface MlpScratchOptions {
  numInputs?: number;
  /** Units of each hidden layer (default [256], the book's `num_hiddens`). */
  hiddens?: number[];
  numOutputs?: number;
  /** Dropout after each hidden layer while training (default none; §4.6 uses [0.2, 0.5]). */
  dropouts?: number[];
  sigma?: number;
}

/** The from-scratch MLP: `H = relu(X·W1 + b1)`, (dropout), ..., `O = H·Wn + bn`. */
export class MlpScratch {
  readonly numInputs: number;
  readonly hiddens: readonly number[];
  readonly numOutputs: number;
  readonly dropouts: readonly number[];
  /** `[W1, b1, W2, b2, ...]`, the book's `params`. */
  private readonly layers: { W: Parameter; b: Parameter }[];

  constructor(options: MlpScratchOptions = {}) {
    const { numInputs = 784, hiddens = [256], numOutputs = 10, dropouts = [], sigma = 0.01 } = options;
    assert(
      [numInputs, numOutputs, ...hiddens].every((n) => Number.isInteger(n) && n > 0),
      () => `Expected positive integer layer sizes, but got ${numInputs}, [${hiddens}], ${numOutputs}.`,
    );
    assert(
      dropouts.length <= hiddens.length && dropouts.every((p) => p >= 0 && p <= 1),
      () => `Expected at most one dropout rate in [0, 1] per hidden layer (${hiddens.length}), but got [${dropouts}].`,
    );
    this.numInputs = numInputs;
    this.hiddens = [...hiddens];
    this.numOutputs = numOutputs;
    this.dropouts = [...dropouts];
    const sizes = [numInputs, ...hiddens, numOutputs];
    this.layers = sizes.slice(1).map((out, i) => {
      const W = new Parameter(`scratch/W${i + 1}`, { shape: [sizes[i] as number, out] });
      const b = new Parameter(`scratch/b${i + 1}`, { shape: [out] });
      W.initialize(Normal(sigma));
      b.initialize(Zeros());
      return { W, b };
    });
  }

  /** Input: float32 `[batch, ...]` with numInputs features. Output: scores `[batch, numOutputs]`; caller owns it. */
  forward(X: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let H = tf.reshape(X, [-1, this.numInputs]);
      this.layers.forEach(({ W, b }, i) => {
        H = tf.add(tf.matMul(H, W.data()), b.data());
        if (i === this.layers.length - 1) return;
        H = relu(H);
        const p = this.dropouts[i] ?? 0;
        if (isTraining() && p > 0) H = dropoutLayer(H, p);
      });
      return H;
    });
  }

  /** The parameters by the book's names: W1, b1, W2, b2, ... */
  namedParams(): Map<string, Parameter> {
    return new Map(this.layers.flatMap(({ W, b }, i) => [[`W${i + 1}`, W] as const, [`b${i + 1}`, b] as const]));
  }

  /** `[W1, b1, W2, b2, ...]`, the book's `params`. */
  params(): Parameter[] {
    return [...this.namedParams().values()];
  }

  /** The scratch updater with the same interface as Trainer: `step(batchSize)`. */
  updater(lr: number): { step(batchSize: number): void } {
    return { step: (batchSize) => sgd(this.params(), lr, batchSize) };
  }

  /**
   * The equivalent concise network: Dense(relu) (+ Dropout) per hidden layer, then Dense, with weights
   * Wᵀ and biases b; the same scores. Caller owns the network.
   */
  toConcise(): Sequential {
    const net = new Sequential();
    const sizes = [this.numInputs, ...this.hiddens];
    this.hiddens.forEach((units, i) => {
      net.add(new Dense(units, { activation: 'relu', inUnits: sizes[i] as number }));
      const p = this.dropouts[i] ?? 0;
      if (p > 0) net.add(new Dropout(p));
    });
    net.add(new Dense(this.numOutputs, { inUnits: sizes[sizes.length - 1] as number }));
    net.initialize(Zeros());
    const dense = [...net.collectParams().values()];
    tf.tidy(() =>
      this.layers.forEach(({ W, b }, i) => {
        dense[2 * i]?.setData(tf.transpose(W.data()));
        dense[2 * i + 1]?.setData(b.data());
      }),
    );
    return net;
  }

  dispose(): void {
    for (const { W, b } of this.layers) {
      W.dispose();
      b.dispose();
    }
  }
}
