/**
 * `softmax predict`, as a function: the predict_ch3 grid, or the top classes of your own images. The CLI
 * handler calls it; tests call it with fakes.
 */
import * as path from 'node:path';
import { predictCh3, predictProbabilities, topK } from '../../core/d2l/predict.js';
import type { ArrayDataset } from '../../core/data/dataset.js';
import type { LoadedModel } from '../../core/nn/model.js';
import { readImageAsFashionMnist } from '../../node/image.js';
import { showFashionMnist } from '../../node/render/charts.js';
import type { ModelArgs, ModelDeps } from '../model/open.js';
import { openModel, stdout, stopIfSignalled, testSet } from '../model/open.js';

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
  const loaded = await openModel(args, deps.logger);
  try {
    if (args.image !== undefined && args.image.length > 0) {
      await classify(loaded.net, args.image, loaded.classes, args.out, print);
      return;
    }
    const test: ArrayDataset = (await testSet(loaded, args, deps.logger, deps.signal)).dataset;
    const r = predictCh3(loaded.net, test, loaded.classes, args.n);
    stopIfSignalled(deps.signal, 'before drawing the predictions');
    await showFashionMnist(r.grid, args.out, r.options);
    print(`${r.labels.length - r.wrong} of ${r.labels.length} test images predicted right; picture: ${args.out}`);
  } finally {
    loaded.net.dispose();
  }
}

/** Prints the top 3 classes of each image file, and draws them as the model sees them (28 × 28). */
async function classify(
  net: LoadedModel['net'],
  files: string[],
  classes: readonly string[],
  out: string,
  print: (line: string) => void,
): Promise<void> {
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
