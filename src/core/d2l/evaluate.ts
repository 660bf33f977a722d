/** d2l's accuracy and evaluate_accuracy (D2L §3.6 softmax-regression-scratch). */
import { tf } from '../backend/tf.js';
import { EmptyDataError, assert } from '../errors.js';

/** Anything that maps a batch to scores: a Block (`net.forward`) or a plain function (`net(X)`). */
export type Net = { forward(X: tf.Tensor): tf.Tensor } | ((X: tf.Tensor) => tf.Tensor);

/** A batch as the loaders yield it; the consumer owns both tensors. */
export interface TensorBatch {
  X: tf.Tensor;
  y: tf.Tensor;
}

/** `net(X)` for either kind of Net; caller owns the result. */
export function applyNet(net: Net, X: tf.Tensor): tf.Tensor {
  return typeof net === 'function' ? net(X) : net.forward(X);
}

/**
 * Number of correct predictions. Inputs: `yHat` float32 `[batch, classes]`, `y` int32 `[batch]`.
 * Output: a JS number: Σ [argmax(yHat) = y]. Mirrors d2l's `accuracy`.
 * For that usual case both are read out and counted here (the first of equal maxima wins, as in the
 * cpu `ArgMax`): one read instead of four kernels a batch. Other shapes go through the kernels.
 */
export function accuracy(yHat: tf.Tensor, y: tf.Tensor): number {
  if (yHat.rank === 2 && y.rank === 1 && y.size === yHat.shape[0]) return countCorrect(yHat, y);
  return tf.tidy(() => {
    const pred = yHat.rank > 1 ? tf.argMax(yHat, 1) : tf.cast(yHat, 'int32');
    const truth = y.dtype === 'int32' ? y : tf.cast(y, 'int32');
    return tf.sum(tf.cast(tf.equal(pred, truth), 'int32')).dataSync()[0] ?? 0;
  });
}

function countCorrect(yHat: tf.Tensor, y: tf.Tensor): number {
  const scores = yHat.dataSync() as Float32Array;
  // Float labels convert as a cast does: by truncation.
  const labels = y.dtype === 'int32' ? (y.dataSync() as Int32Array) : Int32Array.from(y.dataSync() as Float32Array);
  const classes = yHat.shape[1] ?? 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = i * classes;
    let best = 0;
    let max = scores[row] as number;
    for (let j = 1; j < classes; j++) {
      const v = scores[row + j] as number;
      if (v > max) {
        max = v;
        best = j;
      }
    }
    if (classes > 0 && best === labels[i]) correct += 1;
  }
  return correct;
}

/** Σ of a tensor's elements, read as one scalar. */
export function sumOf(t: tf.Tensor): number {
  return tf.tidy(() => tf.sum(t).dataSync()[0] ?? Number.NaN);
}

/**
 * Fraction of correct predictions of `net` over every batch of `dataIter`; disposes each batch.
 * An iterator with no examples throws `EmptyDataError` (the fraction has no value).
 * Mirrors d2l's `evaluate_accuracy(net, data_iter)`.
 */
export function evaluateAccuracy(net: Net, dataIter: Iterable<TensorBatch>): number {
  let correct = 0;
  let n = 0;
  for (const { X, y } of dataIter) {
    const yHat = applyNet(net, X);
    correct += accuracy(yHat, y);
    n += y.size;
    tf.dispose([yHat, X, y]);
  }
  assert(
    n > 0,
    () => 'evaluateAccuracy: the data iterator yielded no examples; pass a non-empty data set.',
    EmptyDataError,
  );
  return correct / n;
}
