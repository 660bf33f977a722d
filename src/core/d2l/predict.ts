/**
 * d2l's predict_ch3 (D2L §3.6): the first test images with their true and predicted class names, as
 * a grid to draw; and the top classes of any images, for `softmax predict --image`.
 */
import { tf } from '../backend/tf.js';
import type { ArrayDataset } from '../data/dataset.js';
import type { GridImage, ShowImagesOptions } from '../viz/images.js';
import type { Net } from './evaluate.js';
import { applyNet } from './evaluate.js';

/** Class probabilities of `images` (each 784 uint8 pixels): softmax of the net's logits, `[n][classes]`. */
export function predictProbabilities(net: Net, images: readonly Uint8Array[]): number[][] {
  if (images.length === 0) return [];
  const size = images[0]?.length ?? 0;
  const flat = new Float32Array(images.length * size);
  images.forEach((img, i) => img.forEach((v, j) => (flat[i * size + j] = v / 255)));
  return tf.tidy(() => {
    const X = tf.tensor2d(flat, [images.length, size]);
    return tf.softmax(applyNet(net, X)).arraySync() as number[][];
  });
}

/** The `k` most probable classes of one probability row, best first. */
export function topK(
  probabilities: readonly number[],
  classes: readonly string[],
  k = 3,
): { label: number; name: string; probability: number }[] {
  return probabilities
    .map((probability, label) => ({ label, name: classes[label] ?? String(label), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}

export interface PredictCh3Result {
  labels: number[];
  predictions: number[];
  wrong: number;
  /** The images with "true"/"pred" captions, wrong ones marked, and the grid's title: what to draw. */
  grid: GridImage[];
  options: ShowImagesOptions;
}

/**
 * Predicts the first `n` examples of `test` and captions them with the true and predicted class (and
 * the predicted class's probability), wrong ones marked (draw `grid` with `showFashionMnist`). Mirrors d2l's `predict_ch3(net, test_iter, n=6)`,
 * which shows the images; here the platform draws them.
 */
export function predictCh3(net: Net, test: ArrayDataset, classes: readonly string[], n = 18): PredictCh3Result {
  const count = Math.min(n, test.count);
  const images = Array.from({ length: count }, (_, i) =>
    test.images.subarray(i * test.featureSize, (i + 1) * test.featureSize),
  );
  const labels = Array.from(test.labels.subarray(0, count));
  const top = predictProbabilities(net, images).map((p) => topK(p, classes, 1)[0]);
  const predictions = top.map((t) => t?.label ?? -1);
  const wrong = predictions.filter((p, i) => p !== labels[i]).length;
  const grid = images.map((pixels, i) => ({
    pixels,
    label: `test #${i}`,
    // The probability the model gives its prediction: a confident mistake reads differently from a guess.
    caption: [
      `true: ${classes[labels[i] ?? 0]}`,
      `pred: ${classes[predictions[i] ?? 0]} ${((top[i]?.probability ?? 0) * 100).toFixed(0)}%`,
    ],
    marked: predictions[i] !== labels[i],
  }));
  const options = {
    title: `Predictions on the first ${count} test images`,
    subtitle: `${wrong} of ${count} wrong (marked ✗, in red)`,
  };
  return { labels, predictions, wrong, grid, options };
}
