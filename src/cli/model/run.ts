/**
 * `softmax evaluate` and `softmax predict`, as functions: load a saved model (and the test set it was
 * trained for), then report. The CLI handlers call them; tests call them with fakes.
 */
import * as path from 'node:path';
import { initBackend } from '../../core/backend/registry.js';
import { loadFashionMnist } from '../../core/data/data-loader.js';
import type { ArrayDataset } from '../../core/data/dataset.js';
import type { DataLoader } from '../../core/data/data-loader.js';
import { datasetInfo } from '../../core/data/datasets.js';
import { readImageAsFashionMnist } from '../../node/image.js';
import type { LoadedModel } from '../../core/io/model.js';
import { loadModel } from '../../core/io/model.js';
import type { Logger } from '../../core/logger.js';
import { plotConfusion } from '../../core/viz/confusion.js';
import { showFashionMnist } from '../../core/viz/images.js';
import { evaluate, formatEvaluation } from '../../core/d2l/evaluate-model.js';
import { formatFixed } from '../../core/d2l/format.js';
import { predictCh3, predictProbabilities, topK } from '../../core/d2l/predict.js';

export interface ModelArgs {
  model: string;
  backend: string;
  dataDir?: string | undefined;
}

export interface ModelDeps {
  logger: Logger;
  /** Where the human lines go (default stdout). */
  print?: (line: string) => void;
}

const stdout = (line: string): void => void process.stdout.write(`${line}\n`);

/** The backend, the model, and its class names (from the manifest, else the data set's). */
async function open(args: ModelArgs, logger: Logger): Promise<LoadedModel & { classes: readonly string[] }> {
  await initBackend(args.backend);
  const loaded = await loadModel(args.model);
  const classes = loaded.meta.classes ?? datasetInfo(loaded.meta.dataset ?? 'fashion-mnist').classes;
  logger.info({ model: args.model, dataset: loaded.meta.dataset, architecture: loaded.meta.architecture }, 'model loaded');
  return { ...loaded, classes };
}

/** The test split of the model's data set. */
async function testSet(loaded: LoadedModel, args: ModelArgs, logger: Logger): Promise<DataLoader> {
  const dataset = datasetInfo(loaded.meta.dataset ?? 'fashion-mnist');
  const [, testIter] = await loadFashionMnist(256, { root: args.dataDir, dataset, logger });
  return testIter;
}

export interface EvaluateArgs extends ModelArgs {
  /** The heat map's file (default confusion.png beside the model directory). */
  out?: string | undefined;
}

/** Test loss, accuracy, per-class accuracy and the confusion matrix (text table and heat map). */
export async function runEvaluate(args: EvaluateArgs, deps: ModelDeps): Promise<{ accuracy: number; loss: number; confusionFile: string }> {
  const print = deps.print ?? stdout;
  const loaded = await open(args, deps.logger);
  try {
    const testIter = await testSet(loaded, args, deps.logger);
    const e = evaluate(loaded.net, testIter, loaded.classes);
    for (const line of formatEvaluation(e)) print(line);
    const file = args.out ?? path.join(path.dirname(path.resolve(args.model)), 'confusion.png');
    const title = `Confusion matrix of ${args.model}`;
    const subtitle = `test acc ${formatFixed(e.accuracy, 3)} on ${e.count.toLocaleString('en-US')} images; cells: counts, color: share of the true class`;
    await plotConfusion(e.confusion, loaded.classes, file, { title, subtitle });
    print(`confusion matrix picture: ${file}`);
    deps.logger.info({ loss: e.loss, accuracy: e.accuracy, perClass: e.perClass, file }, 'evaluated');
    return { accuracy: e.accuracy, loss: e.loss, confusionFile: file };
  } finally {
    loaded.net.dispose();
  }
}

export interface PredictArgs extends ModelArgs {
  /** Test images in the grid. */
  n: number;
  /** The grid picture (default preds.png). */
  out: string;
  /** User images to classify instead of the test grid. */
  image?: string[] | undefined;
}

/** The predict_ch3 grid of the first `n` test images, or the top 3 classes of each `--image`. */
export async function runPredict(args: PredictArgs, deps: ModelDeps): Promise<void> {
  const print = deps.print ?? stdout;
  const loaded = await open(args, deps.logger);
  try {
    if (args.image !== undefined && args.image.length > 0) {
      await classify(loaded.net, args.image, loaded.classes, args.out, print);
      return;
    }
    const test: ArrayDataset = (await testSet(loaded, args, deps.logger)).dataset;
    const r = await predictCh3(loaded.net, test, loaded.classes, args.out, args.n);
    print(`${r.labels.length - r.wrong} of ${r.labels.length} test images predicted right; picture: ${args.out}`);
  } finally {
    loaded.net.dispose();
  }
}

/** Prints the top 3 classes of each image file, and draws them as the model sees them (28 × 28). */
async function classify(net: LoadedModel['net'], files: string[], classes: readonly string[], out: string, print: (line: string) => void): Promise<void> {
  const images = [];
  for (const file of files) images.push(await readImageAsFashionMnist(file));
  const probabilities = predictProbabilities(net, images);
  const tops = probabilities.map((p) => topK(p, classes, 3));
  files.forEach((file, i) => {
    const top = (tops[i] ?? []).map((t) => `${t.name} ${(t.probability * 100).toFixed(1)}%`).join(', ');
    print(`${file}: ${top}`);
  });
  const grid = images.map((pixels, i) => ({
    pixels,
    label: `${i + 1}. ${path.basename(files[i] ?? '')}`,
    caption: [`${tops[i]?.[0]?.name ?? '?'}`, `${((tops[i]?.[0]?.probability ?? 0) * 100).toFixed(1)}%`],
  }));
  await showFashionMnist(grid, out, { title: 'Your images as the model sees them (28 × 28), with its top class' });
  print(`picture: ${out}`);
}
