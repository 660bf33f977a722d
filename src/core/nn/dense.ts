/**
 * Fully connected layer, mirroring gluon.nn.Dense: `y = act(flatten(x)·Wᵀ + b)` with W of shape
 * `[units, inUnits]`; `inUnits = 0` defers the shape (and so initialization) to the first forward.
 */
import { tf } from '../backend/tf.js';
import { ShapeError, assert } from '../errors.js';
import type { ActivationName } from './activation.js';
import { activate, checkActivation } from './activation.js';
import { Block } from './block.js';
import type { Initializer } from './init.js';
import { Zeros } from './init.js';
import { Parameter } from './parameter.js';
import type { DenseSpec } from './serialize.js';

export interface DenseOptions {
  activation?: ActivationName;
  useBias?: boolean;
  /** true: flatten all axes but the first; false: apply to the last axis only. */
  flatten?: boolean;
  /** Input size; 0 infers it on the first forward. */
  inUnits?: number;
  weightInitializer?: Initializer;
  biasInitializer?: Initializer;
}

let denseCounter = 0;

export class Dense extends Block {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly activation: ActivationName | undefined;
  readonly flatten: boolean;
  /** Gluon-style instance name (`dense0`), also the prefix of its tf.Variable names. */
  readonly prefix = `dense${denseCounter++}`;

  /**
   * Inputs: `x` float32 `[batch, ...]`. Output: `[batch, units]` (flatten) or `[...x.shape[:-1], units]`.
   * Mirrors gluon.nn.Dense(units, activation, use_bias, flatten, dtype, weight_initializer,
   * bias_initializer='zeros', in_units).
   */
  constructor(
    readonly units: number,
    options: DenseOptions = {},
  ) {
    super();
    const {
      activation,
      useBias = true,
      flatten = true,
      inUnits = 0,
      weightInitializer,
      biasInitializer = Zeros(),
    } = options;
    assert(Number.isInteger(units) && units > 0, () => `Expected units to be a positive integer, but got ${units}.`);
    assert(
      Number.isInteger(inUnits) && inUnits >= 0,
      () => `Expected inUnits to be a non-negative integer, but got ${inUnits}.`,
    );
    if (activation !== undefined) checkActivation(activation);
    this.activation = activation;
    this.flatten = flatten;
    this.weight = this.registerParameter(
      'weight',
      new Parameter(`${this.prefix}/weight`, { shape: [units, inUnits], init: weightInitializer }),
    );
    this.bias = useBias
      ? this.registerParameter('bias', new Parameter(`${this.prefix}/bias`, { shape: [units], init: biasInitializer }))
      : null;
  }

  get inUnits(): number {
    return this.weight.shape[1] ?? 0;
  }

  /** Deferred shape inference: sets inUnits from the first input and completes deferred init. */
  inferShape(x: tf.Tensor): void {
    const inUnits = this.featuresOf(x);
    this.weight.setShape([this.units, inUnits]);
  }

  private featuresOf(x: tf.Tensor): number {
    assert(x.rank >= 1, () => `${this.toString()}: expected an input with a batch axis, but got a scalar.`, ShapeError);
    return this.flatten ? x.shape.slice(1).reduce((a, b) => a * b, 1) : (x.shape[x.rank - 1] ?? 0);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (this.inUnits === 0) this.inferShape(x);
    const features = this.featuresOf(x);
    assert(
      features === this.inUnits,
      () =>
        `${this.toString()}: expected ${this.inUnits} input features${this.flatten ? ' (after flattening)' : ''}, ` +
        `but got input of shape [${x.shape}].`,
      ShapeError,
    );
    return tf.tidy(() => {
      const x2d = x.rank === 2 ? x : tf.reshape(x, [-1, features]); // already [batch, features]: no op
      // matMul then add, not tf.fused.matMul: the fused op's gradient also computes d/dx (a second
      // large product nobody needs), where matMul's gradient is evaluated only for what requires it.
      let y = tf.matMul(x2d, this.weight.data(), false, true);
      if (this.bias !== null) y = tf.add(y, this.bias.data());
      if (this.activation !== undefined) y = activate(this.activation, y);
      return this.flatten ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override spec(): DenseSpec {
    return {
      type: 'Dense',
      units: this.units,
      inUnits: this.inUnits,
      activation: this.activation ?? null,
      useBias: this.bias !== null,
      flatten: this.flatten,
    };
  }

  /** Gluon's repr: `Dense(784 -> 10, linear)`, `Dense(None -> 256, Activation(relu))`. */
  override toString(): string {
    const act = this.activation === undefined ? 'linear' : `Activation(${this.activation})`;
    return `Dense(${this.inUnits === 0 ? 'None' : this.inUnits} -> ${this.units}, ${act})`;
  }
}
