/**
 * `softmax predict`, as a function: the predict_ch3 grid, or the top classes of your own images. The CLI
 * handler calls it; tests call it with fakes.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { predictCh3, predictProbabilities, topK } from '../../core/d2l/predict.js';
import type { ArrayDataset } from '../../core/data/dataset.js';
import type { LoadedModel } from '../../core/nn/model.js';
import { inkShare, readImageAsFashionMnist } from '../../node/image.js';
import { showFashionMnist } from '../../node/render/charts.js';
import type { ModelArgs, ModelDeps } from '../model/open.js';
import { openModel, stdout, stopIfSignalled, testSet } from '../model/open.js';

export interface PredictArgs extends ModelArgs {
  /** Test images in the grid. */
  n: number;
  /** The grid picture; default preds.png, or the first free preds-N.png (an earlier picture is kept). */
  out?: string | undefined;
  /** User images to classify instead of the test grid. */
  image?: string[] | undefined;
}

/** The predict_ch3 grid of the first `n` test images, or the top 3 classes of each `--image`. */
export async function runPredict(args: PredictArgs, deps: ModelDeps): Promise<void> {
  const print = deps.print ?? stdout;
  const warn = deps.warn ?? ((line: string) => void process.stderr.write(`softmax: ${line}\n`));
  const loaded = await openModel(args, deps.logger);
  const out = args.out ?? freePictureName('preds.png');
  try {
    if (args.image !== undefined && args.image.length > 0) {
      await classify(loaded.net, args.image, loaded.classes, out, print, warn);
      return;
    }
    const test: ArrayDataset = (await testSet(loaded, args, deps.logger, deps.signal)).dataset;
    const r = predictCh3(loaded.net, test, loaded.classes, args.n);
    stopIfSignalled(deps.signal, 'before drawing the predictions');
    await showFashionMnist(r.grid, out, r.options);
    print(`${r.labels.length - r.wrong} of ${r.labels.length} test images predicted right; picture: ${out}`);
  } finally {
    loaded.net.dispose();
  }
}

/** `name` if no file has it, else the first free `name-N` (same extension): a default never replaces a picture. */
export function freePictureName(name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let n = 2; existsSync(candidate); n++) candidate = `${stem}-${n}${ext}`;
  return candidate;
}

/** Below this share of lit pixels a prepared image is (nearly) blank: nothing for the model to see. */
export const BLANK_INK_SHARE = 0.02;
/** Below this top probability the model is unsure. */
export const LOW_CONFIDENCE = 0.5;

/** Prints the top 3 classes of each image file, and draws them as the model sees them (28 × 28). */
async function classify(
  net: LoadedModel['net'],
  files: string[],
  classes: readonly string[],
  out: string,
  print: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  const images: Uint8Array[] = [];
  for (const file of files) images.push(await readImageAsFashionMnist(file));
  const probabilities = predictProbabilities(net, images);
  const tops = probabilities.map((p) => topK(p, classes, 3));
  files.forEach((file, i) => {
    const top = (tops[i] ?? []).map((t) => `${t.name} ${(t.probability * 100).toFixed(1)}%`).join(', ');
    print(`${file}: ${top}`);
    const best = tops[i]?.[0]?.probability ?? 0;
    if (inkShare(images[i] ?? new Uint8Array()) < BLANK_INK_SHARE)
      warn(`${file} is (nearly) blank once prepared as 28 × 28 (see the picture): the prediction means little`);
    else if (best < LOW_CONFIDENCE)
      warn(
        `${file}: the model is unsure (top class ${(best * 100).toFixed(1)}%); it knows one garment, centered, ` +
          'on a plain background, as in Fashion-MNIST',
      );
  });
  const grid = images.map((pixels, i) => ({
    pixels,
    label: `${i + 1}. ${path.basename(files[i] ?? '')}`,
    caption: [`${tops[i]?.[0]?.name ?? '?'}`, `${((tops[i]?.[0]?.probability ?? 0) * 100).toFixed(1)}%`],
  }));
  await showFashionMnist(grid, out, { title: 'Your images as the model sees them (28 × 28), with its top class' });
  print(`picture: ${out}`);
}
