/**
 * Whole saved models: rebuild the network a `model.json` describes and load its parameters, so
 * `softmax evaluate` and `softmax predict` need nothing but the model directory.
 */
import * as path from 'node:path';
import { tf } from '../backend/registry.js';
import { ModelFormatError } from '../errors.js';
import type { ActivationName } from '../nn/dense.js';
import { Dense } from '../nn/dense.js';
import type { Architecture, DenseSpec, ModelMeta } from '../nn/serialize.js';
import { Sequential } from '../nn/sequential.js';
import { MANIFEST_FILE, readBundle } from './bundle.js';

const ACTIVATIONS: readonly string[] = ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'];

function layerOf(spec: DenseSpec, i: number, file: string): Dense {
  const ok =
    typeof spec === 'object' && spec !== null &&
    spec.type === 'Dense' &&
    Number.isInteger(spec.units) && spec.units > 0 &&
    Number.isInteger(spec.inUnits) && spec.inUnits >= 0 &&
    (spec.activation === null || ACTIVATIONS.includes(spec.activation)) &&
    typeof spec.useBias === 'boolean' && typeof spec.flatten === 'boolean';
  if (!ok) throw new ModelFormatError(file, `layer ${i} is not a layer this softmax can build: ${JSON.stringify(spec)}`);
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
    throw new ModelFormatError(file, 'the manifest describes no architecture softmax can rebuild (expected a Sequential of Dense layers)');
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
 * Rebuilds the network saved in directory `dir` and loads its parameters. Throws `ModelFormatError`
 * (missing, truncated, corrupt, not a model) or `ModelMismatchError` (parameters do not fit the
 * architecture the manifest describes). The caller owns the network (`net.dispose()`).
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  // The manifest says what to build; loadParameters then reads (and verifies) the bundle again. Small.
  const { manifest } = await readBundle<ModelMeta>(dir, 'model');
  const net = buildNet(manifest.architecture, path.join(dir, MANIFEST_FILE));
  try {
    const meta = await net.loadParameters(dir);
    return { net, meta };
  } catch (err) {
    net.dispose();
    throw err;
  }
}

/**
 * The from-scratch model (`softmax(X·W + b)`, W `[inputs, classes]`) as the equivalent concise network:
 * one Dense layer with weight Wᵀ and bias b. Its scores are logits instead of probabilities; softmax
 * of them gives the same probabilities, and argmax the same class. Caller owns the network.
 */
export function denseFromScratch(W: tf.Tensor, b: tf.Tensor): Sequential {
  const [inputs, classes] = W.shape as [number, number];
  const net = new Sequential().add(new Dense(classes, { inUnits: inputs }));
  net.initialize();
  const [weight, bias] = [...net.collectParams().values()];
  tf.tidy(() => {
    weight?.setData(tf.transpose(W));
    bias?.setData(b);
  });
  return net;
}
