/**
 * Charts as files: the core's vega-lite specs (src/core/viz) rendered by `render.ts` and written
 * atomically. `x.png`, `x.svg`, `x.jpg` or `x.webp` writes that one; a name without an extension writes
 * both .svg and .png; another extension is refused (`OutputError`).
 */
// Types only: this module also runs on the curves worker, which must not load TensorFlow.js.
import type { tf } from '../../core/backend/tf.js';
import { FASHION_MNIST_CLASSES } from '../../core/data/datasets.js';
import { ShapeError } from '../../core/errors.js';
import { sharp } from '../sharp.js';
import type { ConfusionOptions } from '../../core/viz/confusion.js';
import { confusionSpec } from '../../core/viz/confusion.js';
import type { CurvePoint, PlotCurvesOptions } from '../../core/viz/curves.js';
import { curvesSpec } from '../../core/viz/curves.js';
import type { GridImage, ShowImagesOptions } from '../../core/viz/images.js';
import { imagesSpec } from '../../core/viz/images.js';
import type { ChartFiles } from './render.js';
import { writeChart } from './render.js';

const SIDE = 28;

/** A PNG data URI of a 28 × 28 grayscale image, upscaled to `size` × `size`. */
async function dataUri(pixels: Uint8Array, size: number): Promise<string> {
  const png = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, SIDE * SIDE), {
    raw: { width: SIDE, height: SIDE, channels: 1 },
  })
    .resize(size, size, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * Draws the curves to `file`: `x.png` or `x.svg` writes that one, a name without either extension
 * writes both `<file>.svg` and `<file>.png`. Atomic; throws `OutputError`. d2l's Animator, as files.
 */
export async function plotCurves(
  history: readonly CurvePoint[],
  file: string,
  options: PlotCurvesOptions = {},
): Promise<ChartFiles> {
  return writeChart(curvesSpec(history, options), file);
}

/** Draws the confusion matrix to `file` (`.png`, `.svg`, or both without an extension). Throws `OutputError`. */
export async function plotConfusion(
  matrix: readonly (readonly number[])[],
  classes: readonly string[],
  file: string,
  options: ConfusionOptions = {},
): Promise<ChartFiles> {
  return writeChart(confusionSpec(matrix, classes, options), file);
}

const isTensor = (x: unknown): x is tf.Tensor =>
  typeof x === 'object' && x !== null && 'dataSync' in x && 'shape' in x && !Array.isArray(x);

/** What `showFashionMnist` takes besides a grid: a batch's labels (class indices) and their names. */
export interface ShowBatchOptions extends ShowImagesOptions {
  /** Class index of each image (int labels `[B]`, as a DataLoader batch's `y`), shown as its caption. */
  labels?: ArrayLike<number> | tf.Tensor;
  /** Names of the classes (default Fashion-MNIST's). */
  classes?: readonly string[];
}

/**
 * The grid images of a batch tensor: `[B, 784]`, `[B, 28, 28]`, `[B, 28, 28, 1]` or `[B, 1, 28, 28]`,
 * float in [0, 1] (a batch's `X`) or 0..255, each captioned with its class name when `labels` are given.
 */
export function gridOfBatch(X: tf.Tensor, options: ShowBatchOptions = {}): GridImage[] {
  const count = X.shape[0] ?? 0;
  if (X.rank < 2 || count === 0 || X.size !== count * SIDE * SIDE) {
    throw new ShapeError(`Expected a batch of 28 x 28 images ([B, 784] or [B, 28, 28]...), but got [${X.shape}].`);
  }
  const data = X.dataSync();
  const scale = data.some((v) => v > 1) ? 1 : 255; // [0, 1] floats (ToTensor) or bytes
  const labels =
    options.labels === undefined
      ? undefined
      : Array.from(isTensor(options.labels) ? options.labels.dataSync() : options.labels);
  const classes = options.classes ?? FASHION_MNIST_CLASSES;
  return Array.from({ length: count }, (_, i) => {
    const pixels = new Uint8Array(SIDE * SIDE);
    for (let j = 0; j < pixels.length; j++) {
      pixels[j] = Math.max(0, Math.min(255, Math.round((data[i * pixels.length + j] ?? 0) * scale)));
    }
    const label = labels?.[i];
    return { pixels, label: `#${i}`, caption: label === undefined ? [] : [classes[label] ?? String(label)] };
  });
}

/**
 * Draws `images` as a grid with captions to `file` (`.png`, `.svg`, `.jpg`, `.webp`, or svg and png
 * without an extension): grid images, or a batch tensor (`gridOfBatch`) with `options.labels`. d2l's
 * `show_images(imgs, num_rows, num_cols, titles)` / `show_fashion_mnist(X, labels)`; throws `OutputError`.
 */
export async function showFashionMnist(
  images: readonly GridImage[] | tf.Tensor,
  file: string,
  options: ShowBatchOptions = {},
): Promise<ChartFiles> {
  const grid = isTensor(images) ? gridOfBatch(images, options) : images;
  return writeChart(await imagesSpec(grid, dataUri, options), file);
}
