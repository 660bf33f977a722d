/**
 * d2l's `show_images` for Fashion-MNIST (D2L §3.5 `show_fashion_mnist`) as a vega-lite spec: a grid of
 * 28 × 28 images with a caption under each. Each image is an image mark whose URL the platform makes
 * (in Node: a PNG data URI, upscaled nearest-neighbour so the pixels stay crisp); captions are text
 * marks, red where marked.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The URL of a 28 × 28 grayscale image shown `size` × `size` pixels (a data URI, say). */
export type ImageUrl = (pixels: Uint8Array, size: number) => string | Promise<string>;

/** One image of the grid: 784 uint8 pixels (row-major 28 × 28) and up to two caption lines. */
export interface GridImage {
  pixels: Uint8Array;
  caption: readonly string[];
  /** Small grey label above the image (e.g. `test #12` or a file name); unique within a grid. Default `#i`. */
  label?: string;
  /** Draws the caption in red with a mark (a wrong prediction). */
  marked?: boolean;
}

export interface ShowImagesOptions {
  title?: string;
  subtitle?: string;
  /** Images per row (default 6: predict_ch3's 18 images in three rows; at most the count). */
  cols?: number;
  /** Pixel size of each image in the chart (default 84 = 3 × 28). */
  size?: number;
}

/** The vega-lite spec of an image grid. */
export async function imagesSpec(
  images: readonly GridImage[],
  imageUrl: ImageUrl,
  options: ShowImagesOptions = {},
): Promise<TopLevelSpec> {
  const size = options.size ?? 84;
  const cols = Math.max(1, Math.min(options.cols ?? 6, images.length));
  const values = await Promise.all(
    images.map(async (img, i) => ({
      i,
      label: img.label ?? `#${i}`,
      url: await imageUrl(img.pixels, size),
      line1: `${img.marked ? '✗ ' : ''}${img.caption[0] ?? ''}`,
      line2: img.caption[1] ?? '',
      marked: img.marked === true,
    })),
  );
  const color = { condition: { test: 'datum.marked', value: '#d62728' }, value: '#222222' };
  const text = (field: string, y: number, weight: 'bold' | 'normal') => ({
    mark: {
      type: 'text' as const,
      x: size / 2,
      y,
      fontSize: 12,
      fontWeight: weight,
      align: 'center' as const,
      baseline: 'top' as const,
    },
    encoding: { text: { field, type: 'nominal' as const }, color },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title === undefined
      ? {}
      : { title: { text: options.title, ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }) } }),
    data: { values },
    // A wrapped facet titles each cell with its value: the image's label, in the images' order.
    facet: {
      field: 'label',
      type: 'nominal',
      sort: { field: 'i' },
      header: { title: null, labelFontSize: 11, labelColor: '#666666' },
    },
    columns: cols,
    spacing: { row: 12, column: 56 },
    spec: {
      width: size,
      height: size + 36,
      view: { stroke: null },
      layer: [
        {
          mark: { type: 'image', x: size / 2, y: size / 2, width: size, height: size },
          encoding: { url: { field: 'url', type: 'nominal' } },
        },
        text('line1', size + 4, 'bold'),
        text('line2', size + 20, 'normal'),
      ],
    },
  };
}
