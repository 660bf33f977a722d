/**
 * Charts are vega-lite specs: compiled to vega, rendered to SVG by vega's headless View (no canvas),
 * and rasterized to PNG by resvg with the DejaVu fonts shipped in `dejavu-fonts-ttf`, so a PNG looks
 * the same on every machine whatever fonts it has installed.
 */
import * as path from 'node:path';
import type * as ResvgModule from '@resvg/resvg-js';
import type * as VegaModule from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type * as VegaLiteModule from 'vega-lite';
import { OutputError } from '../../core/errors.js';
import { writeFileAtomic } from '../atomic.js';
import { sharp } from '../sharp.js';
import type { PictureFormat } from './formats.js';
import { pictureFormat } from './formats.js';

// Loaded on first use: together they take about 150 ms to load, and a training run (which draws on a
// worker thread) needs none of them on its own thread.
let libs: { vega: typeof VegaModule; vegaLite: typeof VegaLiteModule; resvg: typeof ResvgModule } | undefined;
function chartLibs(): NonNullable<typeof libs> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  libs ??= { vega: require('vega'), vegaLite: require('vega-lite'), resvg: require('@resvg/resvg-js') };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return libs;
}

/** The font every chart uses; its TTF files ship with the `dejavu-fonts-ttf` package. */
export const FONT = 'DejaVu Sans';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', f),
);

/** Shared look: one font, a white background, readable sizes. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  title: { fontSize: 16, anchor: 'start' as const },
  axis: { labelFontSize: 12, titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 13 },
};

/** The SVG text of a vega-lite spec. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = chartLibs();
  const { spec: vgSpec } = vegaLite.compile({ ...spec, config: { ...CHART_CONFIG, ...spec.config } });
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const resvgOptions = (scale: number) => ({
  fitTo: { mode: 'zoom' as const, value: scale },
  font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT, sansSerifFamily: FONT },
  background: 'white',
});

/** PNG bytes of an SVG, at `scale` times its size (2 = sharp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  return new (chartLibs().resvg.Resvg)(svg, resvgOptions(scale)).render().asPng();
}

/** `svgToPng` on a thread of libuv's pool: the same bytes, while this thread goes on (e.g. training). */
export async function svgToPngAsync(svg: string, scale = 2): Promise<Uint8Array> {
  return (await chartLibs().resvg.renderAsync(svg, resvgOptions(scale))).asPng();
}

/** Where a chart went, by format. */
export type ChartFiles = Partial<Record<PictureFormat, string>>;

/** The raster bytes of a PNG in `format` (JPEG and WebP through sharp, on a white background). */
async function encodeRaster(png: Uint8Array, format: 'jpg' | 'webp'): Promise<Uint8Array> {
  const image = sharp(Buffer.from(png)).flatten({ background: '#ffffff' });
  return format === 'jpg' ? image.jpeg({ quality: 92 }).toBuffer() : image.webp({ quality: 92 }).toBuffer();
}

/**
 * Renders `spec` and writes it to `file` in the format its extension names (.png, .svg, .jpg/.jpeg,
 * .webp), or without an extension to `<file>.svg` and `<file>.png`; atomically (a viewer refreshing
 * the file never sees half of it). Another extension is an `OutputError` (nothing written) rather
 * than a file of another format under that name.
 */
export async function writeChart(spec: TopLevelSpec, file: string): Promise<ChartFiles> {
  const targets = chartTargets(file);
  const svg = await renderSvg(spec);
  const out: ChartFiles = {};
  const png = targets.some((t) => t.format !== 'svg') ? await svgToPngAsync(svg) : undefined;
  for (const { format, file: target } of targets) {
    if (format === 'svg') await writeFileAtomic(target, svg);
    else if (png !== undefined) await writeFileAtomic(target, format === 'png' ? png : await encodeRaster(png, format));
    out[format] = target;
  }
  return out;
}

/** The files `writeChart(spec, file)` writes, with their formats (see there). Throws `OutputError`. */
export function chartTargets(file: string): { format: PictureFormat; file: string }[] {
  const ext = path.extname(file);
  if (ext === '')
    return [
      { format: 'svg', file: `${file}.svg` },
      { format: 'png', file: `${file}.png` },
    ];
  const format = pictureFormat(file);
  if (format === undefined)
    throw new OutputError(file, `'${ext}' is not a picture format softmax writes (use .png, .svg, .jpg or .webp)`);
  return [{ format, file }];
}
