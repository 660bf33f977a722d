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
import { writeFileAtomic } from '../atomic.js';

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

/** Where a chart went. */
export interface ChartFiles {
  svg?: string;
  png?: string;
}

/**
 * Renders `spec` and writes `<base>.svg` and/or `<base>.png` atomically (a viewer refreshing the file
 * never sees half of it). `base` without extension; `formats` picks which. Throws `OutputError`.
 */
export async function writeChart(
  spec: TopLevelSpec,
  base: string,
  formats: readonly ('svg' | 'png')[] = ['svg', 'png'],
): Promise<ChartFiles> {
  const svg = await renderSvg(spec);
  const out: ChartFiles = {};
  if (formats.includes('svg')) {
    out.svg = `${base}.svg`;
    await writeFileAtomic(out.svg, svg);
  }
  if (formats.includes('png')) {
    out.png = `${base}.png`;
    await writeFileAtomic(out.png, await svgToPngAsync(svg));
  }
  return out;
}

/** `file` without a trailing .png/.svg, and which formats it asks for (both when it has neither). */
export function chartTarget(file: string): { base: string; formats: ('svg' | 'png')[] } {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png' || ext === '.svg')
    return { base: file.slice(0, -ext.length), formats: [ext.slice(1) as 'svg' | 'png'] };
  return { base: file, formats: ['svg', 'png'] };
}
