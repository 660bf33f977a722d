/**
 * Element-wise activations, mirroring gluon.nn.Activation and the `activation` argument of Dense:
 * relu `max(x, 0)`, sigmoid `1/(1+e^-x)`, tanh, softrelu `log(1+e^x)`, softsign `x/(1+|x|)`.
 */
import { tf } from '../backend/tf.js';
import { assert } from '../errors.js';
import type { ActivationName } from './activation-names.js';
import { ACTIVATION_NAMES } from './activation-names.js';
import { Block } from './block.js';
import type { ActivationSpec } from './serialize.js';

export { ACTIVATION_NAMES } from './activation-names.js';
export type { ActivationName } from './activation-names.js';

const functions: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softrelu: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
};

/** Asserts `name` is an activation Gluon knows; the message lists them. */
export function checkActivation(name: unknown): asserts name is ActivationName {
  assert(
    typeof name === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(name),
    () => `Unknown activation '${String(name)}'. Use one of: ${ACTIVATION_NAMES.join(', ')}.`,
  );
}

/** `name` applied element-wise to `x`; caller owns the result. */
export function activate(name: ActivationName, x: tf.Tensor): tf.Tensor {
  return functions[name](x);
}

export class Activation extends Block {
  /**
   * Inputs: `x` of any shape. Output: the same shape, `activation(x)` element-wise; caller owns it.
   * Mirrors gluon.nn.Activation(activation).
   */
  constructor(readonly activation: ActivationName) {
    super();
    checkActivation(activation);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => activate(this.activation, x));
  }

  override spec(): ActivationSpec {
    return { type: 'Activation', activation: this.activation };
  }

  /** Gluon's repr: `Activation(relu)`. */
  override toString(): string {
    return `Activation(${this.activation})`;
  }
}
