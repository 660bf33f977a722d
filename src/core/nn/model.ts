/**
 * Whole saved models: rebuild the network a manifest describes and load its parameters, so a tool
 * (`softmax evaluate`, `softmax predict`) needs nothing but the saved model.
 */
import { ModelFormatError } from '../errors.js';
import { MANIFEST_FILE } from '../io/bundle.js';
import { adapter } from '../platform.js';
import type { ActivationName } from './dense.js';
import { Dense } from './dense.js';
import type { Architecture, DenseSpec, ModelMeta } from './serialize.js';
import { Sequential } from './sequential.js';
import { setParameters } from './serialize.js';

const ACTIVATIONS: readonly string[] = ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'];

function layerOf(spec: DenseSpec, i: number, file: string): Dense {
  const ok =
    typeof spec === 'object' &&
    spec !== null &&
    spec.type === 'Dense' &&
    Number.isInteger(spec.units) &&
    spec.units > 0 &&
    Number.isInteger(spec.inUnits) &&
    spec.inUnits >= 0 &&
    (spec.activation === null || ACTIVATIONS.includes(spec.activation)) &&
    typeof spec.useBias === 'boolean' &&
    typeof spec.flatten === 'boolean';
  if (!ok)
    throw new ModelFormatError(file, `layer ${i} is not a layer this softmax can build: ${JSON.stringify(spec)}`);
  return new Dense(spec.units, {
    inUnits: spec.inUnits,
    useBias: spec.useBias,
    flatten: spec.flatten,
    ...(spec.activation === null ? {} : { activation: spec.activation as ActivationName }),
  });
}

/** A new, uninitialized network of the described architecture. Throws `ModelFormatError` if unknown. */
export function buildNet(architecture: Architecture | null | undefined, file: string): Sequential {
  if (architecture?.type !== 'Sequential' || !Array.isArray(architecture.layers) || architecture.layers.length === 0) {
    throw new ModelFormatError(
      file,
      'the manifest describes no architecture softmax can rebuild (expected a Sequential of Dense layers)',
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

/**
 * Rebuilds the network saved at `path` and loads its parameters. Throws `ModelFormatError` (missing,
 * truncated, corrupt, not a model) or `ModelMismatchError` (parameters do not fit the architecture the
 * manifest describes). The caller owns the network (`net.dispose()`).
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  const { manifest, arrays } = await adapter('bundles', 'loadModel').load<ModelMeta>(path, 'model');
  const net = buildNet(manifest.architecture, `${path}/${MANIFEST_FILE}`);
  try {
    setParameters(net.collectParams(), arrays, path);
    return { net, meta: manifest };
  } catch (err) {
    net.dispose();
    throw err;
  }
}
