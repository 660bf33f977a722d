/**
 * What `softmax evaluate` and `softmax predict` share: options, the backend, the saved model and its
 * class names, and the test split of the data set it was trained on.
 */
import { initBackend } from '../../core/backend/registry.js';
import type { DataLoader } from '../../core/data/data-loader.js';
import { loadersOf } from '../../core/data/data-loader.js';
import type { DatasetInfo } from '../../core/data/datasets.js';
import { DATASET_NAMES, datasetInfo } from '../../core/data/datasets.js';
import { IMAGE_SIZE } from '../../core/data/fashion-mnist.js';
import { ModelFormatError, ModelMismatchError, StoppedError } from '../../core/errors.js';
import { quote } from '../../core/quote.js';
import { MANIFEST_FILE } from '../../core/io/bundle.js';
import type { Logger } from '../../core/logger.js';
import type { LoadedModel } from '../../core/nn/model.js';
import { loadSplits } from '../../node/data/store.js';
import '../../node/setup.js';
import { locateModel } from './locate.js';
import type { LocatedModel } from './locate.js';

export interface ModelArgs {
  model: string;
  backend: string;
  dataDir?: string | undefined;
}

export interface ModelDeps {
  logger: Logger;
  /** Where the human lines go (default stdout). */
  print?: (line: string) => void;
  /** Aborted (reason 'SIGINT' or 'SIGTERM') to stop: a download at once, the command before it writes. */
  signal?: AbortSignal | undefined;
  /** Where warnings go (default stderr, as `softmax: ...`). */
  warn?: (line: string) => void;
}

/** Throws `StoppedError` if `signal` was aborted (by the CLI's trap). */
export function stopIfSignalled(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw StoppedError.of(signal, where);
}

export const stdout = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * The data set a model was trained on (its `dataset` field, default Fashion-MNIST). An unknown name is
 * the model's fault, not the command line's: `ModelFormatError`.
 */
function datasetOf(loaded: LoadedModel, path: string): DatasetInfo {
  const name = loaded.meta.dataset ?? 'fashion-mnist';
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new ModelFormatError(
      `${path}/${MANIFEST_FILE}`,
      `its "dataset" field ${quote(name)} is not a data set softmax knows (${DATASET_NAMES.join(', ')})`,
    );
  }
  return datasetInfo(name);
}

/**
 * The backend, the model, and its class names (from the manifest, else the data set's). A model for
 * inputs other than the data set's 784 pixels does not fit: `ModelMismatchError`.
 */
export async function openModel(
  args: ModelArgs,
  logger: Logger,
): Promise<LocatedModel & { classes: readonly string[] }> {
  await initBackend(args.backend);
  const loaded = await locateModel(args.model, (line) => logger.warn({}, line));
  if (loaded.source !== args.model) logger.info({ model: args.model, source: loaded.source }, 'model located');
  let classes: readonly string[];
  try {
    // The first and last weights say what the network takes and gives (a checkpoint has no architecture).
    const weights = [...loaded.net.collectParams()].filter(([key]) => key.endsWith('weight')).map(([, p]) => p.shape);
    const inputs = weights[0]?.[1];
    if (inputs !== IMAGE_SIZE) {
      throw new ModelMismatchError(loaded.source, [
        `the network takes ${inputs} inputs, the data set's 28x28 images have ${IMAGE_SIZE} pixels`,
      ]);
    }
    const dataset = datasetOf(loaded, args.model);
    classes = loaded.meta.classes ?? dataset.classes;
    const outputs = weights.at(-1)?.[0];
    if (outputs !== classes.length) {
      throw new ModelMismatchError(loaded.source, [
        `the network has ${outputs} outputs, the data set ${dataset.title} has ${classes.length} classes`,
      ]);
    }
  } catch (err) {
    loaded.net.dispose();
    throw err;
  }
  logger.info(
    { model: args.model, dataset: loaded.meta.dataset, architecture: loaded.meta.architecture },
    'model loaded',
  );
  return { ...loaded, classes };
}

/** The test split of the model's data set, in batches of 256. */
export async function testSet(
  loaded: LoadedModel,
  args: ModelArgs,
  logger: Logger,
  signal?: AbortSignal,
): Promise<DataLoader> {
  const dataset = datasetOf(loaded, args.model);
  const [, testIter] = loadersOf(await loadSplits(dataset, { root: args.dataDir, logger, signal }), 256);
  stopIfSignalled(signal, 'after loading the test set');
  return testIter;
}
