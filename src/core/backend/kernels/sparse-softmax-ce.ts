/**
 * Sparse softmax cross-entropy as two fused kernels (TensorFlow has the same pair,
 * SparseSoftmaxCrossEntropyWithLogits), registered for the JavaScript backends `cpu` and `blas`:
 * - `SPARSE_SOFTMAX_CE`: logits `[..., C]` float32 and int32 labels (one per row) → the loss
 *   `log Σ exp(z − max z) − (z − max z)[label]` `[..., 1]` and the probabilities `[..., C]`;
 * - `SPARSE_SOFTMAX_CE_GRAD`: probabilities, labels and the loss gradient → `(p − oneHot)·dl`.
 * Labels are clipped to [0, C − 1], as MXNet's pick does.
 *
 * One kernel where the composite (clip, one-hot, max, sub, exp, sum, log, mul, sum, sub; then div,
 * sub, mul) takes a dozen, each with the engine's per-kernel cost. Each computes exactly what the
 * composite's cpu kernels compute: float32 after every operation, sums in double in the same order,
 * the max taken as the cpu Max takes it (NaN wins); so values are equal bit for bit (tested). Backends
 * without the kernels (wasm, tensorflow) run the composite.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { float32Output } from '../../../node/backend/blas/backend.js';
import { tryLoadNative } from '../../../node/backend/native.js';

export const SPARSE_SOFTMAX_CE = 'SoftmaxJsSparseSoftmaxCrossEntropy';
export const SPARSE_SOFTMAX_CE_GRAD = 'SoftmaxJsSparseSoftmaxCrossEntropyGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: MathBackendCPU };

const fround = Math.fround;

/** A float32 tensor's values: a Float32Array, or another array (the cpu Cast from int32 keeps an Int32Array). */
function float32Values(backend: MathBackendCPU, t: tf.TensorInfo): ArrayLike<number> {
  return backend.data.get(t.dataId).values as ArrayLike<number>;
}

function checkInputs(logits: tf.TensorInfo, labels: tf.TensorInfo): { rows: number; classes: number } {
  const classes = logits.shape[logits.shape.length - 1] ?? 0;
  const rows = classes > 0 ? tf.util.sizeFromShape(logits.shape) / classes : 0;
  if (logits.dtype !== 'float32' || labels.dtype !== 'int32' || classes < 1 || tf.util.sizeFromShape(labels.shape) !== rows) {
    throw new Error(`${SPARSE_SOFTMAX_CE}: expected float32 logits [..., C ≥ 1] and one int32 label per row, got ${logits.dtype} [${logits.shape}] and ${labels.dtype} [${labels.shape}]`);
  }
  return { rows, classes };
}

/**
 * Per row of `z` [rows, classes], with labels clipped to [0, classes − 1]: `shifted = z − max` (NaN
 * wins the max), `e = exp(shifted)`, `sums = Σ e`, `picked = Σ shifted·oneHot`, `probs = e / sums`:
 * float32 after every operation and sums in double, as the composite's cpu kernels. In the addon when
 * it is built and the arrays are Float32Array and Int32Array (its exp is V8's Math.exp, bit for bit),
 * else here; `useNative: false` forces this one.
 */
export function softmaxRows(
  z: ArrayLike<number>, labels: ArrayLike<number>, rows: number, classes: number,
  probs: Float32Array, sums: Float32Array, picked: Float32Array,
  { useNative = true }: { useNative?: boolean } = {},
): void {
  const native = useNative && z instanceof Float32Array && labels instanceof Int32Array ? tryLoadNative() : null;
  if (native !== null) {
    native.softmaxRows(z as Float32Array, labels as Int32Array, rows, classes, probs, sums, picked);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const row = i * classes;
    let max = z[row] as number;
    for (let j = 0; j < classes; j++) {
      const v = z[row + j] as number;
      if (Number.isNaN(v) || v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = fround(Math.exp(fround((z[row + j] as number) - max)));
      probs[row + j] = e; // exp for now; divided by the sum below
      sum += e;
    }
    const s = fround(sum);
    const label = clipLabel(labels[i] as number, classes);
    let pick = 0;
    for (let j = 0; j < classes; j++) pick += fround(fround((z[row + j] as number) - max) * (j === label ? 1 : 0));
    sums[i] = s;
    picked[i] = pick;
    for (let j = row; j < row + classes; j++) probs[j] = (probs[j] as number) / s;
  }
}

const clipLabel = (label: number, classes: number): number => (label > classes - 1 ? classes - 1 : label < 0 ? 0 : label);

function forward(args: unknown): tf.TensorInfo[] {
  const { inputs, backend } = args as unknown as Args;
  const logits = inputs['logits'] as tf.TensorInfo;
  const labelsInfo = inputs['labels'] as tf.TensorInfo;
  const { rows, classes } = checkInputs(logits, labelsInfo);
  const z = float32Values(backend, logits);
  const labels = backend.data.get(labelsInfo.dataId).values as ArrayLike<number>;
  const loss = float32Output(backend, [...logits.shape.slice(0, -1), 1], rows);
  const probs = float32Output(backend, logits.shape, rows * classes);
  const sums = new Float32Array(rows);
  const picked = new Float32Array(rows);
  softmaxRows(z, labels, rows, classes, probs.values, sums, picked);
  for (let i = 0; i < rows; i++) loss.values[i] = fround(Math.log(sums[i] as number)) - (picked[i] as number);
  return [loss.info(), probs.info()];
}

function gradient(args: unknown): tf.TensorInfo {
  const { inputs, backend } = args as unknown as Args;
  const probsInfo = inputs['probs'] as tf.TensorInfo;
  const labelsInfo = inputs['labels'] as tf.TensorInfo;
  const dyInfo = inputs['dy'] as tf.TensorInfo;
  const { rows, classes } = checkInputs(probsInfo, labelsInfo);
  if (dyInfo.dtype !== 'float32' || tf.util.sizeFromShape(dyInfo.shape) !== rows) {
    throw new Error(`${SPARSE_SOFTMAX_CE_GRAD}: expected one float32 gradient per row, got ${dyInfo.dtype} [${dyInfo.shape}]`);
  }
  const p = float32Values(backend, probsInfo);
  const labels = backend.data.get(labelsInfo.dataId).values as ArrayLike<number>;
  const dy = float32Values(backend, dyInfo);
  const grad = float32Output(backend, probsInfo.shape, rows * classes);
  for (let i = 0; i < rows; i++) {
    const row = i * classes;
    const label = clipLabel(labels[i] as number, classes);
    const d = dy[i] as number;
    for (let j = 0; j < classes; j++) grad.values[row + j] = fround((p[row + j] as number) - (j === label ? 1 : 0)) * d;
  }
  return grad.info();
}

/** Registers both kernels for `backendName` (idempotent). */
export function registerFusedLossKernels(backendName: string): void {
  if (tf.getKernel(SPARSE_SOFTMAX_CE, backendName) !== undefined) return;
  tf.registerKernel({ kernelName: SPARSE_SOFTMAX_CE, backendName, kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: SPARSE_SOFTMAX_CE_GRAD, backendName, kernelFunc: gradient as unknown as tf.KernelFunc });
}

/** Whether the current backend has the fused kernels. */
export function hasFusedLossKernels(): boolean {
  return tf.getKernel(SPARSE_SOFTMAX_CE, tf.getBackend()) !== undefined;
}
