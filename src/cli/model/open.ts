/**
 * What `softmax evaluate` and `softmax predict` share: options, the backend, the saved model and its
 * class names, and the test split of the data set it was trained on.
 */
import { initBackend } from '../../core/backend/registry.js';
import type { DataLoader } from '../../core/data/data-loader.js';
import { loadersOf } from '../../core/data/data-loader.js';
import { datasetInfo } from '../../core/data/datasets.js';
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
  /** Where warnings go (default stderr, as `softmax: ...`). */
  warn?: (line: string) => void;
}

export const stdout = (line: string): void => void process.stdout.write(`${line}\n`);

/** The backend, the model, and its class names (from the manifest, else the data set's). */
export async function openModel(
  args: ModelArgs,
  logger: Logger,
): Promise<LocatedModel & { classes: readonly string[] }> {
  await initBackend(args.backend);
  const loaded = await locateModel(args.model, (line) => logger.warn({}, line));
  if (loaded.source !== args.model) logger.info({ model: args.model, source: loaded.source }, 'model located');
  const classes = loaded.meta.classes ?? datasetInfo(loaded.meta.dataset ?? 'fashion-mnist').classes;
  logger.info(
    { model: args.model, dataset: loaded.meta.dataset, architecture: loaded.meta.architecture },
    'model loaded',
  );
  return { ...loaded, classes };
}

/** The test split of the model's data set, in batches of 256. */
export async function testSet(loaded: LoadedModel, args: ModelArgs, logger: Logger): Promise<DataLoader> {
  const dataset = datasetInfo(loaded.meta.dataset ?? 'fashion-mnist');
  const [, testIter] = loadersOf(await loadSplits(dataset, { root: args.dataDir, logger }), 256);
  return testIter;
}
