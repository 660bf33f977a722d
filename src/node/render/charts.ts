/**
 * Charts as files: the core's vega-lite specs (src/core/viz) rendered by `render.ts` and written
 * atomically. `x.png`, `x.svg`, `x.jpg` or `x.webp` writes that one; a name without an extension writes
 * both .svg and .png; another extension is refused (`OutputError`).
 */
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

/**
 * Draws `images` as a grid with captions to `file` (`.png`, `.svg`, or both without an extension).
 * d2l's `show_images(imgs, num_rows, num_cols, titles)`; throws `OutputError`.
 */
export async function showFashionMnist(
  images: readonly GridImage[],
  file: string,
  options: ShowImagesOptions = {},
): Promise<ChartFiles> {
  return writeChart(await imagesSpec(images, dataUri, options), file);
}
