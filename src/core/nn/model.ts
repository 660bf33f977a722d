/**
 * Whole saved models: rebuild the network a manifest describes and load its parameters, so a tool
 * (`softmax evaluate`, `softmax predict`) needs nothing but the saved model.
 */
import { ModelFormatError } from '../errors.js';
import { quote } from '../quote.js';
import type { NamedArray } from '../io/bundle.js';
import { MANIFEST_FILE } from '../io/bundle.js';
import { adapter } from '../platform.js';
import { ACTIVATION_NAMES, Activation } from './activation.js';
import type { ActivationName } from './activation.js';
import type { Block } from './block.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import type { Architecture, LayerSpec, ModelMeta } from './serialize.js';
import { Sequential } from './sequential.js';
import { denseLayers, setParameters } from './serialize.js';

const isActivation = (a: unknown): a is ActivationName =>
  typeof a === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(a);
const isCount = (n: unknown, min: number): n is number => Number.isInteger(n) && (n as number) >= min;

/** The layer `spec` describes, or null when it is not one this softmax can build. */
function buildLayer(spec: LayerSpec): Block | null {
  switch (spec.type) {
    case 'Dense':
      if (
        !isCount(spec.units, 1) ||
        !isCount(spec.inUnits, 0) ||
        !(spec.activation === null || isActivation(spec.activation)) ||
        typeof spec.useBias !== 'boolean' ||
        typeof spec.flatten !== 'boolean'
      )
        return null;
      return new Dense(spec.units, {
        inUnits: spec.inUnits,
        useBias: spec.useBias,
        flatten: spec.flatten,
        ...(spec.activation === null ? {} : { activation: spec.activation }),
      });
    case 'Activation':
      return isActivation(spec.activation) ? new Activation(spec.activation) : null;
    case 'Dropout':
      if (typeof spec.rate !== 'number' || !(spec.rate >= 0 && spec.rate <= 1)) return null;
      if (!Array.isArray(spec.axes) || !spec.axes.every((a) => Number.isInteger(a))) return null;
      return new Dropout(spec.rate, { axes: spec.axes });
    case 'Flatten':
      return new Flatten();
    default:
      return null;
  }
}

function layerOf(spec: LayerSpec, i: number, file: string): Block {
  const layer = typeof spec === 'object' && spec !== null ? buildLayer(spec) : null;
  if (layer === null) {
    throw new ModelFormatError(file, `layer ${i} is not a layer this softmax can build: ${quote(spec)}`);
  }
  return layer;
}

/** A new, uninitialized network of the described architecture. Throws `ModelFormatError` if unknown. */
export function buildNet(architecture: Architecture | null | undefined, file: string): Sequential {
  if (architecture?.type !== 'Sequential' || !Array.isArray(architecture.layers) || architecture.layers.length === 0) {
    throw new ModelFormatError(
      file,
      'the manifest describes no architecture softmax can rebuild (expected a Sequential of Dense, Activation, ' +
        'Dropout and Flatten layers)',
    );
  }
  const net = new Sequential();
  architecture.layers.forEach((spec, i) => net.add(layerOf(spec, i, file)));
  return net;
}

/** A loaded model: the network with its parameters, and the manifest (class names, data set, metrics). */
export interface LoadedModel {
  net: Sequential;
  meta: ModelMeta;
}

/** The most classes a manifest may name, and the longest name: a list of labels, not a payload. */
const MAX_CLASSES = 100_000;
const MAX_CLASS_NAME = 200;

/**
 * What is wrong with the manifest's own fields a tool relies on, or undefined: `classes` (a list of
 * strings, one per output of the network) and `dataset` (a name, when present).
 */
function metaProblem(meta: ModelMeta, outputs: number): string | undefined {
  const { classes, dataset } = meta as { classes?: unknown; dataset?: unknown };
  if (dataset !== undefined && typeof dataset !== 'string')
    return `its "dataset" field is ${quote(dataset)}, not a data set's name`;
  if (classes === undefined) return undefined;
  if (
    !Array.isArray(classes) ||
    classes.length > MAX_CLASSES ||
    !classes.every((c) => typeof c === 'string' && c.length <= MAX_CLASS_NAME)
  )
    return `its "classes" field is ${quote(classes)}, not a list of class names (strings)`;
  if (classes.length !== outputs)
    return `it names ${classes.length} classes but the network has ${outputs} outputs: the two must match`;
  return undefined;
}

/** The first non-finite value among `arrays` as a problem, or undefined: such a model predicts nothing. */
function nonFinite(arrays: ReadonlyMap<string, NamedArray>): string | undefined {
  for (const [name, a] of arrays) {
    const i = a.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0)
      return (
        `parameter ${quote(name)} holds ${a.data[i]} at index ${i}: the model diverged when it was trained ` +
        'or the file was altered; train it again'
      );
  }
  return undefined;
}

/**
 * Rebuilds the network saved at `path` and loads its parameters. Throws `ModelFormatError` (missing,
 * truncated, corrupt, not a model, NaN or infinite parameters, class names that are not strings or
 * not one per output) or `ModelMismatchError` (parameters do not fit the architecture the manifest
 * describes). The caller owns the network (`net.dispose()`).
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  const { manifest, arrays } = await adapter('bundles', 'loadModel').load<ModelMeta>(path, 'model');
  const file = `${path}/${MANIFEST_FILE}`;
  const net = buildNet(manifest.architecture, file);
  try {
    setParameters(net.collectParams(), arrays, path);
    const problem = nonFinite(arrays) ?? metaProblem(manifest, denseLayers(manifest.architecture).at(-1)?.units ?? 0);
    if (problem !== undefined) throw new ModelFormatError(file, problem);
    return { net, meta: manifest };
  } catch (err) {
    net.dispose();
    throw err;
  }
}
