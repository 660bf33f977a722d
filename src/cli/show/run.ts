/**
 * `softmax show`, as a function: the first `n` images of a split with their class names, as d2l's
 * `show_fashion_mnist(X, get_fashion_mnist_labels(y))` draws them (D2L §3.5). Loads no TensorFlow.js.
 */
import type { DatasetName } from '../../core/data/datasets.js';
import { datasetInfo } from '../../core/data/datasets.js';
import type { Logger } from '../../core/logger.js';
import { loadSplits } from '../../node/data/store.js';
import { showFashionMnist } from '../../node/render/charts.js';
import { freePictureName } from '../predict/run.js';

export interface ShowArgs {
  n: number;
  split: 'train' | 'test';
  dataset: DatasetName;
  dataDir?: string | undefined;
  /** Default show.png, or the first free show-N.png. */
  out?: string | undefined;
}

/** Draws the grid; returns the picture's file. */
export async function runShow(
  args: ShowArgs,
  deps: { logger: Logger; print?: (line: string) => void },
): Promise<string> {
  const print = deps.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const info = datasetInfo(args.dataset);
  const splits = await loadSplits(info, { root: args.dataDir, logger: deps.logger });
  const split = splits[args.split];
  const n = Math.min(args.n, split.count);
  const grid = Array.from({ length: n }, (_, i) => ({
    pixels: split.images.subarray(i * 784, (i + 1) * 784),
    label: `${args.split} #${i}`,
    caption: [info.classes[split.labels[i] ?? 0] ?? '?'],
  }));
  const out = args.out ?? freePictureName('show.png');
  await showFashionMnist(grid, out, { title: `${info.title}: the first ${n} ${args.split} images and their labels` });
  print(`${n} ${args.split} images of ${info.title} with their labels; picture: ${out}`);
  return out;
}
