/**
 * The textbook's training plot (d2l's Animator in train_ch3): train loss, train acc and test acc
 * against epoch, one colored line per series with a legend, as a vega-lite spec (a platform renders it).
 */
import type { TopLevelSpec } from 'vega-lite';

/** The legend's series names, in d2l's order and wording. */
export const CURVE_SERIES = ['train loss', 'train acc', 'test acc'] as const;

export interface PlotCurvesOptions {
  title?: string;
  /** Planned number of epochs: fixes the x axis so it does not rescale as epochs arrive. */
  epochs?: number;
}

/** One finished epoch's figures, as the curves show them. */
export interface CurvePoint {
  epoch: number;
  loss: number;
  trainAcc: number;
  testAcc: number;
}

/** The vega-lite spec of the curves of `history` (one entry per finished epoch). */
export function curvesSpec(history: readonly CurvePoint[], options: PlotCurvesOptions = {}): TopLevelSpec {
  const values = history.flatMap((m) => [
    { epoch: m.epoch, series: CURVE_SERIES[0], value: m.loss },
    { epoch: m.epoch, series: CURVE_SERIES[1], value: m.trainAcc },
    { epoch: m.epoch, series: CURVE_SERIES[2], value: m.testAcc },
  ]);
  const lastEpoch = Math.max(options.epochs ?? 1, ...history.map((m) => m.epoch), 2);
  const top = Math.max(1, ...values.map((v) => v.value));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: options.title ?? 'Training curves',
      subtitle: history.length === 0 ? 'no epoch finished yet' : `after epoch ${history.length}`,
    },
    width: 480,
    height: 300,
    data: { values },
    mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        scale: { domain: [1, lastEpoch], nice: false },
        // Whole epochs only: every one while they are few (vega's ticks at 1.5, 2.5 printed as 2, 3
        // otherwise), else whole steps of vega's choosing.
        axis: {
          format: 'd',
          ...(lastEpoch <= 12 ? { values: Array.from({ length: lastEpoch }, (_, i) => i + 1) } : { tickMinStep: 1 }),
        },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'loss / accuracy',
        scale: { domain: [0, Math.ceil(top * 10) / 10] },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: [...CURVE_SERIES], range: ['#1f77b4', '#d62728', '#2ca02c'] },
        legend: {
          orient: 'bottom',
          direction: 'horizontal',
          symbolType: 'stroke',
          symbolStrokeWidth: 3,
          symbolSize: 400,
        },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        title: null,
        // Same field and domain as color: vega-lite merges both into one legend of dashed line swatches.
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
    },
  };
}
