/**
 * A trainable tensor with a gradient slot, mirroring gluon.Parameter: shape may be partly unknown
 * (0 = inferred on the first forward), initialization may be deferred until then, and `backward()`
 * publishes gradients into `grad`.
 */
import { tf } from '../backend/tf.js';
import { DeferredInitializationError, SoftmaxError, assert } from '../errors.js';
import type { Initializer } from './init.js';
import { warn } from '../platform.js';

/** Parameters alive in this process (created and not disposed); `autograd.record` differentiates these. */
const live = new Set<Parameter>();
let variableCounter = 0;

export interface ParameterOptions {
  /** Shape; 0 marks a dimension inferred on the first forward. */
  shape?: number[];
  /** The parameter's own initializer; wins over the default passed to `initialize`. */
  init?: Initializer;
  /** 'write' (default) gets gradients; 'null' is frozen. */
  gradReq?: 'write' | 'null';
  /** Multiplies the Trainer's learning rate for this parameter (default 1). */
  lrMult?: number;
  /** Multiplies the Trainer's weight decay for this parameter (default 1). */
  wdMult?: number;
}

export class Parameter {
  shape: number[];
  init: Initializer | undefined;
  gradReq: 'write' | 'null';
  /** Gluon's lr_mult: the Trainer updates this parameter at `learningRate · lrMult`. */
  lrMult: number;
  /** Gluon's wd_mult: the Trainer decays this parameter by `wd · wdMult` (0 turns weight decay off for it). */
  wdMult: number;
  /** Gradient of the summed loss from the last `backward()`, or null before any. Owned by the parameter. */
  grad: tf.Tensor | null = null;
  /** True from `backward()` until the next `Trainer.step` (Gluon's `_fresh_grad`). */
  freshGrad = false;
  /** The key a block collects it under ('0.weight'), set by `Block.initialize`; messages name it so. */
  key: string | undefined;
  private variable: tf.Variable | null = null;
  private deferredInit: Initializer | null = null;

  /** `name` is structural (`weight`); the tf.Variable gets a globally unique name from it. */
  constructor(
    readonly name: string,
    options: ParameterOptions = {},
  ) {
    this.shape = [...(options.shape ?? [])];
    this.init = options.init;
    this.gradReq = options.gradReq ?? 'write';
    this.lrMult = options.lrMult ?? 1;
    this.wdMult = options.wdMult ?? 1;
    for (const [k, v] of [
      ['lrMult', this.lrMult],
      ['wdMult', this.wdMult],
    ] as const) {
      assert(
        Number.isFinite(v) && v >= 0,
        () => `Parameter '${name}': expected ${k} to be a non-negative finite number, but got ${v}.`,
      );
    }
    assert(
      this.shape.every((d) => Number.isInteger(d) && d >= 0),
      () => `Parameter '${name}': expected a shape of non-negative integers, but got [${this.shape}].`,
    );
    live.add(this);
  }

  /** True once every dimension is known. */
  get shapeKnown(): boolean {
    return this.shape.length > 0 && this.shape.every((d) => d > 0);
  }

  get initialized(): boolean {
    return this.variable !== null;
  }

  /** True when `initialize` was called but the shape is still unknown. */
  get deferred(): boolean {
    return this.deferredInit !== null;
  }

  /**
   * Initializes the value with `this.init` if set, else `defaultInit`. Unknown shape ⇒ deferred until
   * `setShape`. Already initialized ⇒ warn and skip unless `forceReinit`. Mirrors Parameter.initialize.
   */
  initialize(defaultInit: Initializer, options: { forceReinit?: boolean } = {}): void {
    if (this.variable !== null && !options.forceReinit) {
      warn(`Parameter '${this.name}' is already initialized, ignoring. Set forceReinit: true to re-initialize.`);
      return;
    }
    const init = this.init ?? defaultInit;
    if (!this.shapeKnown) {
      this.deferredInit = init;
      return;
    }
    this.setValue(init);
  }

  /** Fills in unknown dimensions (deferred shape inference) and completes a deferred initialization. */
  setShape(shape: number[]): void {
    assert(
      shape.length === this.shape.length || this.shape.length === 0,
      () => `Parameter '${this.name}': inferred shape [${shape}] does not fit declared shape [${this.shape}].`,
    );
    this.shape.forEach((d, i) =>
      assert(
        d === 0 || d === shape[i],
        () => `Parameter '${this.name}': inferred shape [${shape}] conflicts with [${this.shape}].`,
      ),
    );
    this.shape = [...shape];
    if (this.deferredInit !== null) this.setValue(this.deferredInit);
  }

  private setValue(init: Initializer): void {
    const value = init.create(this.shape);
    if (this.variable === null) {
      live.add(this);
      this.variable = tf.variable(value, this.gradReq === 'write', `${this.name}_${variableCounter++}`);
      value.dispose();
    } else {
      this.variable.assign(value);
      value.dispose();
    }
    this.deferredInit = null;
  }

  /** The value. Throws if not initialized, or `DeferredInitializationError` while its shape is unknown. */
  data(): tf.Variable {
    if (this.variable !== null) return this.variable;
    if (this.deferredInit !== null) {
      throw new DeferredInitializationError(
        `Parameter '${this.key ?? this.name}' has not been initialized yet because initialization was deferred: its ` +
          `shape [${this.shape}] is not fully known. Run one forward pass (one batch) first, or give the ` +
          `layer its input size (e.g. Dense(10, { inUnits: 784 })).`,
      );
    }
    throw new SoftmaxError(
      `Parameter '${this.name}' has not been initialized. Call net.initialize() (or param.initialize()) first.`,
    );
  }

  /** Replaces the value with `value` (same shape); the caller keeps ownership of `value`. */
  setData(value: tf.Tensor): void {
    const v = this.data();
    assert(
      tf.util.arraysEqual(v.shape, value.shape),
      () => `Parameter '${this.name}': expected data of shape [${v.shape}], but got [${value.shape}].`,
    );
    tf.tidy(() => v.assign(value.dtype === v.dtype ? value : tf.cast(value, v.dtype)));
  }

  /** Takes ownership of `grad` (from `backward()`), replacing the previous gradient. */
  setGrad(grad: tf.Tensor): void {
    this.grad?.dispose();
    this.grad = grad;
    this.freshGrad = true;
  }

  /** Frees the value and gradient; `initialize` may be called again afterwards. */
  dispose(): void {
    this.variable?.dispose();
    this.variable = null;
    this.grad?.dispose();
    this.grad = null;
    live.delete(this);
  }
}

/** Parameters alive in this process, in creation order. */
export function liveParameters(): Parameter[] {
  return [...live];
}
