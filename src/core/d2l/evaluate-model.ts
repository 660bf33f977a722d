/**
 * A trained model's figures on a data set: mean loss, accuracy, per-class accuracy and the confusion
 * matrix, in one pass. Extends d2l's evaluate_accuracy (D2L §3.6) with what `softmax evaluate` prints.
 */
import { tf } from '../backend/tf.js';
import { EmptyDataError, assert } from '../errors.js';
import { SoftmaxCrossEntropyLoss } from '../loss/softmax-cross-entropy.js';
import type { TensorBatch, Net } from './evaluate.js';
import { applyNet } from './evaluate.js';
import { formatFixed } from './format.js';

export interface ClassFigures {
  name: string;
  correct: number;
  total: number;
  accuracy: number;
}

export interface Evaluation {
  /** Mean per-example softmax cross-entropy. */
  loss: number;
  accuracy: number;
  count: number;
  perClass: ClassFigures[];
  /** `confusion[trueClass][predictedClass]` = number of examples. */
  confusion: number[][];
}

/**
 * Evaluates `net` (scores are logits, as a Dense layer gives) on every batch of `dataIter`, disposing
 * each batch. `classes` names the labels 0..k-1.
 */
export function evaluate(net: Net, dataIter: Iterable<TensorBatch>, classes: readonly string[]): Evaluation {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const loss = new SoftmaxCrossEntropyLoss();
  let lossSum = 0;
  let count = 0;
  for (const { X, y } of dataIter) {
    const [l, pred, labels] = tf.tidy(() => {
      const yHat = applyNet(net, X);
      return [
        tf.sum(loss.forward(yHat, y)).dataSync()[0] ?? Number.NaN,
        tf.argMax(yHat, 1).dataSync(),
        tf.cast(y, 'int32').dataSync(),
      ] as const;
    });
    lossSum += l;
    for (let i = 0; i < labels.length; i++) {
      const row = confusion[labels[i] ?? 0];
      if (row !== undefined) row[pred[i] ?? 0] = (row[pred[i] ?? 0] ?? 0) + 1;
    }
    count += labels.length;
    tf.dispose([X, y]);
  }
  assert(
    count > 0,
    () => 'evaluate: the data iterator yielded no examples; pass a non-empty data set.',
    EmptyDataError,
  );
  const perClass = classes.map((name, c) => {
    const row = confusion[c] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    const correct = row[c] ?? 0;
    return { name, correct, total, accuracy: total === 0 ? Number.NaN : correct / total };
  });
  const correct = perClass.reduce((a, c) => a + c.correct, 0);
  return { loss: lossSum / count, accuracy: correct / count, count, perClass, confusion };
}

/** The report `softmax evaluate` prints: totals, per-class accuracy, and the confusion matrix as a table. */
export function formatEvaluation(e: Evaluation): string[] {
  const names = e.perClass.map((c) => c.name);
  const nameWidth = Math.max(...names.map((n) => n.length), 'true \\ predicted'.length);
  const cell = Math.max(5, ...e.confusion.flat().map((v) => String(v).length + 1));
  const short = names.map((n) => n.slice(0, cell - 1).padStart(cell));
  return [
    `test loss ${formatFixed(e.loss, 4)}, test acc ${formatFixed(e.accuracy, 3)} on ${e.count} examples`,
    '',
    'per-class accuracy:',
    ...e.perClass.map((c) => `  ${c.name.padEnd(nameWidth)}  ${formatFixed(c.accuracy, 3)}  (${c.correct}/${c.total})`),
    '',
    'confusion matrix (rows: true class, columns: predicted class):',
    `  ${'true \\ predicted'.padEnd(nameWidth)}${short.join('')}`,
    ...e.confusion.map(
      (row, t) => `  ${(names[t] ?? '').padEnd(nameWidth)}${row.map((v) => String(v).padStart(cell)).join('')}`,
    ),
  ];
}
