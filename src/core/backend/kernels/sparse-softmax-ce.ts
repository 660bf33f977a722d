/**
 * `SPARSE_SOFTMAX_CE`: logits `[..., C]` float32 and int32 labels (one per row) → the loss
 * `log Σ exp(z − max z) − (z − max z)[label]` `[..., 1]` and the probabilities `[..., C]` (TensorFlow
 * has the same kernel, SparseSoftmaxCrossEntropyWithLogits). Labels are clipped to [0, C − 1], as
 * MXNet's pick does. One kernel where the composite takes a dozen.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import type { KernelImpl } from './impl.js';

export const SPARSE_SOFTMAX_CE = 'SoftmaxJsSparseSoftmaxCrossEntropy';

type Args = { inputs: tf.NamedTensorInfoMap; backend: MathBackendCPU };

/** A float32 tensor's values: a Float32Array, or another array (the cpu Cast from int32 keeps an Int32Array). */
export function valuesOf(backend: MathBackendCPU, t: tf.TensorInfo): ArrayLike<number> {
  return backend.data.get(t.dataId).values as ArrayLike<number>;
}

/** Rows and classes of float32 logits `[..., C ≥ 1]` with one int32 label per row; throws otherwise. */
export function checkLogitsAndLabels(
  kernel: string,
  logits: tf.TensorInfo,
  labels: tf.TensorInfo,
): { rows: number; classes: number } {
  const classes = logits.shape[logits.shape.length - 1] ?? 0;
  const rows = classes > 0 ? tf.util.sizeFromShape(logits.shape) / classes : 0;
  if (
    logits.dtype !== 'float32' ||
    labels.dtype !== 'int32' ||
    classes < 1 ||
    tf.util.sizeFromShape(labels.shape) !== rows
  ) {
    throw new Error(
      `${kernel}: expected float32 logits [..., C ≥ 1] and one int32 label per row, ` +
        `got ${logits.dtype} [${logits.shape}] and ${labels.dtype} [${labels.shape}]`,
    );
  }
  return { rows, classes };
}

const fround = Math.fround;

/** The kernel function, running `impl`'s loops. */
export function sparseSoftmaxCeKernel(impl: KernelImpl): tf.KernelFunc {
  return ((args: unknown): tf.TensorInfo[] => {
    const { inputs, backend } = args as Args;
    const logits = inputs['logits'] as tf.TensorInfo;
    const labelsInfo = inputs['labels'] as tf.TensorInfo;
    const { rows, classes } = checkLogitsAndLabels(SPARSE_SOFTMAX_CE, logits, labelsInfo);
    const loss = impl.output(backend, [...logits.shape.slice(0, -1), 1], rows);
    const probs = impl.output(backend, logits.shape, rows * classes);
    const sums = new Float32Array(rows);
    const picked = new Float32Array(rows);
    impl.softmaxRows(
      valuesOf(backend, logits),
      valuesOf(backend, labelsInfo),
      rows,
      classes,
      probs.values,
      sums,
      picked,
    );
    for (let i = 0; i < rows; i++) loss.values[i] = fround(Math.log(sums[i] as number)) - (picked[i] as number);
    return [loss.info(), probs.info()];
  }) as unknown as tf.KernelFunc;
}
