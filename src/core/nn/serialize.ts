/**
 * Saving and loading a network's parameters (gluon.Block.save_parameters / load_parameters) in the
 * bundle format of `io/bundle.ts`, through the platform's bundle store, with a description of the
 * architecture so a tool can rebuild the network (`model.ts`) without the code that built it.
 */
import { tf } from '../backend/tf.js';
import { ModelMismatchError } from '../errors.js';
import { quote } from '../quote.js';
import type { NamedArray } from '../io/bundle.js';
import { adapter } from '../platform.js';
import type { Parameter } from './parameter.js';
import { Zeros } from './init.js';

/** One Dense layer as saved: the constructor arguments that fix its parameters' shapes. */
export interface DenseSpec {
  type: 'Dense';
  units: number;
  inUnits: number;
  activation: string | null;
  useBias: boolean;
  flatten: boolean;
}

/** An Activation layer as saved. */
export interface ActivationSpec {
  type: 'Activation';
  activation: string;
}

/** A Dropout layer as saved (an identity when predicting, but part of the architecture). */
export interface DropoutSpec {
  type: 'Dropout';
  rate: number;
  axes: number[];
}

/** A Flatten layer as saved. */
export interface FlattenSpec {
  type: 'Flatten';
}

/** One layer of a saved Sequential. Bundles written before Activation, Dropout and Flatten hold only Dense. */
export type LayerSpec = DenseSpec | ActivationSpec | DropoutSpec | FlattenSpec;

/** The Dense layers of a saved architecture: the first takes the input (`inUnits`), the last gives the outputs. */
export function denseLayers(architecture: Architecture | null | undefined): DenseSpec[] {
  const layers = Array.isArray(architecture?.layers) ? architecture.layers : [];
  return layers.filter((l): l is DenseSpec => typeof l === 'object' && l !== null && l.type === 'Dense');
}

/** A network as saved: `Sequential` of layers (a lone layer is saved as a one-layer Sequential). */
export interface Architecture {
  type: 'Sequential';
  layers: LayerSpec[];
}

/** What a saved model's manifest adds to the bundle header. */
export interface ModelMeta {
  /** null when the network is not a Sequential of Dense layers (parameters only, as Gluon saves them). */
  architecture: Architecture | null;
  /** Class names in label order, when known. */
  classes?: readonly string[];
  dataset?: string;
  metrics?: Record<string, number>;
  [key: string]: unknown;
}

/** What saving and loading need of a network: its parameters by structural key (a Block, or anything like it). */
export interface ParameterOwner {
  collectParams(): Map<string, Parameter>;
}

/** A layer that can describe itself for saving (`Block.spec`). */
type Describable = { spec(): LayerSpec | null };
type SequentialLike = { length: number; get(i: number): unknown };

const isDescribable = (b: unknown): b is Describable =>
  typeof b === 'object' && b !== null && 'spec' in b && typeof b.spec === 'function';
const isSequential = (b: unknown): b is SequentialLike =>
  typeof b === 'object' && b !== null && 'length' in b && 'get' in b && typeof b.get === 'function';

/** The architecture of a Sequential of layers softmax can rebuild (or one such layer), else null. */
export function describeNet(net: unknown): Architecture | null {
  if (isSequential(net)) {
    const layers: LayerSpec[] = [];
    for (let i = 0; i < net.length; i++) {
      const layer = net.get(i);
      const spec = isDescribable(layer) ? layer.spec() : null;
      if (spec === null) return null;
      layers.push(spec);
    }
    return { type: 'Sequential', layers };
  }
  const spec = isDescribable(net) ? net.spec() : null;
  return spec === null ? null : { type: 'Sequential', layers: [spec] };
}

/** The parameters of `net` as named float32 arrays, in `collectParams` order (keys '0.weight', ...). */
export function parameterArrays(net: ParameterOwner | Map<string, Parameter>): NamedArray[] {
  const params = net instanceof Map ? net : net.collectParams();
  return [...params].map(([name, p]) => ({
    name,
    shape: p.data().shape,
    data: Float32Array.from(tf.tidy(() => tf.cast(p.data(), 'float32')).dataSync()),
  }));
}

/**
 * Saves every parameter of `net` (initialized, shapes known) and its architecture to directory `path`
 * (`model.json` + `weights.bin`), atomically; `meta` adds class names, data set, metrics...
 * Mirrors Block.save_parameters; deviations: a directory, not one file, and async.
 */
export async function saveParameters(net: ParameterOwner, path: string, meta: Partial<ModelMeta> = {}): Promise<void> {
  await adapter('bundles', 'saveParameters').save<ModelMeta>(
    path,
    'model',
    { ...meta, architecture: describeNet(net) },
    parameterArrays(net),
  );
}

/**
 * Loads parameters saved by `saveParameters` into `net`, matching by key. Every key of the network
 * must be in the file with the same shape (a deferred dimension, 0, takes the saved size), and the file
 * must hold no other key; otherwise `ModelMismatchError` lists each difference and nothing is changed.
 * Uninitialized parameters are initialized. Returns the manifest. Mirrors Block.load_parameters
 * (allow_missing = ignore_extra = false).
 */
export async function loadParameters(net: ParameterOwner, path: string): Promise<ModelMeta> {
  const { manifest, arrays } = await adapter('bundles', 'loadParameters').load<ModelMeta>(path, 'model');
  setParameters(net.collectParams(), arrays, path);
  return manifest;
}

/**
 * Sets each parameter of `params` to the array of the same key (see `loadParameters` for the rules);
 * `path` names the source in `ModelMismatchError`, thrown before anything changes.
 */
export function setParameters(
  params: Map<string, Parameter>,
  arrays: ReadonlyMap<string, NamedArray>,
  path: string,
): void {
  const problems: string[] = [];
  for (const [key, p] of params) {
    const saved = arrays.get(key);
    if (saved === undefined)
      problems.push(`'${key}' (shape [${p.shape.map((d) => (d === 0 ? '?' : d))}]) is not in the file`);
    else if (saved.shape.length !== p.shape.length || p.shape.some((d, i) => d !== 0 && d !== saved.shape[i])) {
      problems.push(
        `'${key}' has shape ${quote(saved.shape)} in the file ` +
          `but [${p.shape.map((d) => (d === 0 ? '?' : d))}] in the network`,
      );
    }
  }
  for (const key of arrays.keys())
    if (!params.has(key)) problems.push(`the file has ${quote(key)}, which the network does not`);
  if (problems.length > 0) throw new ModelMismatchError(path, problems);
  for (const [key, p] of params) {
    const saved = arrays.get(key) as NamedArray;
    if (!p.shapeKnown) p.setShape([...saved.shape]);
    if (!p.initialized) p.initialize(Zeros());
    const value = tf.tensor(saved.data, [...saved.shape], 'float32');
    p.setData(value);
    value.dispose();
  }
}
