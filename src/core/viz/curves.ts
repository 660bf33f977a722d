/**
 * The textbook's training plot (d2l's Animator in train_ch3): train loss, train acc and test acc
 * against epoch, one colored line per series with a legend, the loss and the accuracies each on their
 * own axis, as a vega-lite spec (a platform renders it).
 */
import type { TopLevelSpec } from 'vega-lite';

/** The legend's series names, in d2l's order and wording. */
export const CURVE_SERIES = ['train loss', 'train acc', 'test acc'] as const;

export interface PlotCurvesOptions {
  title?: string;
  /** Planned number of epochs: fixes the x axis so it does not rescale as epochs arrive. */
  epochs?: number;
  /** What else the subtitle says, e.g. `batch size 256, lr 0.1`. */
  details?: string;
}

/** One finished epoch's figures, as the curves show them. */
export interface CurvePoint {
  epoch: number;
  loss: number;
  trainAcc: number;
  testAcc: number;
}

/** A whole-epoch x axis from 1 to `lastEpoch` (a 1-epoch run: its one point centred, not at an edge). */
function epochAxis(lastEpoch: number) {
  return {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'epoch',
    scale: { domain: lastEpoch === 1 ? [0.5, 1.5] : [1, lastEpoch], nice: false },
    // Whole epochs only: every one while they are few (vega's ticks at 1.5, 2.5 printed as 2, 3
    // otherwise), else whole steps of vega's choosing.
    axis: {
      format: 'd',
      ...(lastEpoch <= 12 ? { values: Array.from({ length: lastEpoch }, (_, i) => i + 1) } : { tickMinStep: 1 }),
    },
  };
}

/** One legend for both layers: the same field and domain in color and strokeDash (dashed line swatches). */
const seriesEncoding = {
  color: {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: [...CURVE_SERIES], range: ['#1f77b4', '#d62728', '#2ca02c'] },
    legend: {
      orient: 'bottom' as const,
      direction: 'horizontal' as const,
      symbolType: 'stroke',
      symbolStrokeWidth: 3,
      symbolSize: 400,
    },
  },
  strokeDash: {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: [...CURVE_SERIES],
      range: [
        [1, 0],
        [6, 3],
        [2, 2],
      ],
    },
  },
  tooltip: [{ field: 'series' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
};

/** One layer of lines with points: `values` against epoch, on a y axis of its own at `orient`. */
function layerOf(
  values: readonly { epoch: number; series: string; value: number }[],
  lastEpoch: number,
  title: string,
  domain: number[],
  orient: 'left' | 'right',
) {
  return {
    data: { values: [...values] },
    mark: { type: 'line' as const, point: { size: 50, filled: true }, strokeWidth: 2 },
    encoding: {
      x: epochAxis(lastEpoch),
      y: { field: 'value', type: 'quantitative' as const, title, scale: { domain }, axis: { orient } },
      ...seriesEncoding,
    },
  };
}

/**
 * The vega-lite spec of the curves of `history` (one entry per finished epoch): the loss on the left
 * axis, on its own scale, and the accuracies on the right axis from 0 to 1, so a large loss (`--lr 5`)
 * does not flatten them.
 */
export function curvesSpec(history: readonly CurvePoint[], options: PlotCurvesOptions = {}): TopLevelSpec {
  const loss = history.map((m) => ({ epoch: m.epoch, series: CURVE_SERIES[0], value: m.loss }));
  const acc = history.flatMap((m) => [
    { epoch: m.epoch, series: CURVE_SERIES[1], value: m.trainAcc },
    { epoch: m.epoch, series: CURVE_SERIES[2], value: m.testAcc },
  ]);
  const lastEpoch = Math.max(options.epochs ?? 1, ...history.map((m) => m.epoch));
  const finite = loss.map((v) => v.value).filter((v) => Number.isFinite(v));
  const top = Math.max(0.1, ...finite);
  const when = history.length === 0 ? 'no epoch finished yet' : `after epoch ${history.length}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: options.title ?? 'Training curves',
      subtitle: options.details === undefined ? when : `${when} · ${options.details}`,
    },
    width: 480,
    height: 300,
    layer: [
      layerOf(loss, lastEpoch, 'loss', [0, Math.ceil(top * 10) / 10], 'left'),
      layerOf(acc, lastEpoch, 'accuracy', [0, 1], 'right'),
    ],
    resolve: { scale: { y: 'independent' } },
  };
}
