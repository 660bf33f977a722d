/**
 * The confusion matrix as a heat map: one row per true class, one column per predicted class, each
 * cell colored by the share of its row (so every class's recall reads the same, whatever its size)
 * and labeled with its count. The diagonal holds the correct predictions.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface ConfusionOptions {
  title?: string;
  subtitle?: string;
}

/** The vega-lite spec of `matrix[true][pred]` (counts) with `classes` in label order. */
export function confusionSpec(
  matrix: readonly (readonly number[])[],
  classes: readonly string[],
  options: ConfusionOptions = {},
): TopLevelSpec {
  const values = matrix.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({
      actual: classes[t] ?? String(t),
      predicted: classes[p] ?? String(p),
      count,
      share: total === 0 ? 0 : count / total,
    }));
  });
  const order = [...classes];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: options.title ?? 'Confusion matrix',
      ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    },
    data: { values },
    width: 44 * classes.length,
    height: 44 * classes.length,
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: order,
        title: 'predicted class',
        axis: { labelAngle: -40, orient: 'top' },
      },
      y: { field: 'actual', type: 'nominal', sort: order, title: 'true class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'share of the row',
            // White at 0 (not the scheme's pale blue), so empty cells read as empty.
            scale: { domain: [0, 1], range: ['#ffffff', '#08519c'], interpolate: 'rgb' },
            legend: { format: '.0%', gradientLength: 200, titleLimit: 240 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222222' },
        },
      },
    ],
  };
}
