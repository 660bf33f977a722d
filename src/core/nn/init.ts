/**
 * Parameter initializers, mirroring mxnet.initializer as used from Gluon. They are factories called
 * without `new` (`init.Normal(0.01)`), and draw from the global seeded generator (`random.seed`).
 */
import { tf } from '../backend/tf.js';
import { assert } from '../errors.js';
import { nextSeed } from '../random.js';

/** Makes the initial value of a parameter. */
export interface Initializer {
  /** Shown in messages, e.g. `Normal(0.01)`. */
  readonly name: string;
  /** A new float32 tensor of `shape`; caller owns the result. */
  create(shape: number[]): tf.Tensor;
}

function positive(what: string, value: number): void {
  assert(Number.isFinite(value) && value > 0, () => `Expected ${what} to be a positive number, but got ${value}.`);
}

/** All zeros. Mirrors mxnet.init.Zero. */
export function Zeros(): Initializer {
  return { name: 'Zeros()', create: (shape) => tf.zeros(shape) };
}

/** All ones. Mirrors mxnet.init.One. */
export function Ones(): Initializer {
  return { name: 'Ones()', create: (shape) => tf.ones(shape) };
}

/** Every element equal to `value`. Mirrors mxnet.init.Constant. */
export function Constant(value: number): Initializer {
  assert(Number.isFinite(value), () => `Expected a finite constant, but got ${value}.`);
  return { name: `Constant(${value})`, create: (shape) => tf.fill(shape, value) };
}

/** Uniform on [-scale, scale). Mirrors mxnet.init.Uniform (default scale 0.07). */
export function Uniform(scale = 0.07): Initializer {
  positive('scale', scale);
  return {
    name: `Uniform(${scale})`,
    create: (shape) => tf.randomUniform(shape, -scale, scale, 'float32', nextSeed()),
  };
}

/** Normal with mean 0 and standard deviation `sigma`. Mirrors mxnet.init.Normal (default 0.01). */
export function Normal(sigma = 0.01): Initializer {
  positive('sigma', sigma);
  return {
    name: `Normal(${sigma})`,
    create: (shape) => tf.randomNormal(shape, 0, sigma, 'float32', nextSeed()),
  };
}

/** Options of `Xavier`, Gluon's keywords camelCased. */
export interface XavierOptions {
  rndType?: 'uniform' | 'gaussian';
  factorType?: 'avg' | 'in' | 'out';
  magnitude?: number;
}

/**
 * Xavier/Glorot initialization. Mirrors mxnet.init.Xavier: fanIn = shape[1]·∏shape[2:],
 * fanOut = shape[0]·∏shape[2:], scale = √(magnitude / factor); uniform on [-scale, scale] or
 * normal with σ = scale. Defaults as MXNet: uniform, avg, magnitude 3.
 */
export function Xavier(options: XavierOptions = {}): Initializer {
  const { rndType = 'uniform', factorType = 'avg', magnitude = 3 } = options;
  positive('magnitude', magnitude);
  assert(['uniform', 'gaussian'].includes(rndType), () => `Unknown rndType '${rndType}': use 'uniform' or 'gaussian'.`);
  assert(
    ['avg', 'in', 'out'].includes(factorType),
    () => `Unknown factorType '${factorType}': use 'avg', 'in' or 'out'.`,
  );
  return {
    name: `Xavier(${rndType}, ${factorType}, ${magnitude})`,
    create(shape) {
      assert(shape.length >= 2, () => `Xavier needs a parameter of at least 2 dimensions, but got shape [${shape}].`);
      const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
      const fanIn = (shape[1] ?? 1) * receptive;
      const fanOut = (shape[0] ?? 1) * receptive;
      const factor = factorType === 'avg' ? (fanIn + fanOut) / 2 : factorType === 'in' ? fanIn : fanOut;
      const scale = Math.sqrt(magnitude / factor);
      return rndType === 'uniform'
        ? tf.randomUniform(shape, -scale, scale, 'float32', nextSeed())
        : tf.randomNormal(shape, 0, scale, 'float32', nextSeed());
    },
  };
}
