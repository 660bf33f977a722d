/**
 * MXNet's `sgd_update` as one kernel for the JavaScript backends `cpu` and `blas`:
 * `w ← (decay·w) − (scale·g)` (decay = 1 − lr·wd, left out when 1; scale = lr·rescale), where the
 * composite takes two or three kernels and a scalar tensor each. The same float32 operations as the
 * composite's cpu kernels (product, product, difference, each rounded), so the same bits (tested).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { float32Output } from '../../../node/backend/blas/backend.js';
import { tryLoadNative } from '../../../node/backend/native.js';

const f = Math.fround;

export const SGD_UPDATE = 'SoftmaxJsSgdUpdate';

export interface SgdUpdateAttrs {
  /** float32 lr·rescale. */
  scale: number;
  /** float32 1 − lr·wd; 1 means no decay (the weight is used as is). */
  decay: number;
}

function sgdUpdateKernel(args: unknown): tf.TensorInfo {
  const { inputs, backend, attrs } = args as { inputs: tf.NamedTensorInfoMap; backend: MathBackendCPU; attrs: SgdUpdateAttrs };
  const weight = inputs['weight'] as tf.TensorInfo;
  const grad = inputs['grad'] as tf.TensorInfo;
  if (weight.dtype !== 'float32' || grad.dtype !== 'float32' || !tf.util.arraysEqual(weight.shape, grad.shape)) {
    throw new Error(`${SGD_UPDATE}: expected float32 weight and gradient of one shape, got ${weight.dtype} [${weight.shape}] and ${grad.dtype} [${grad.shape}]`);
  }
  // Any array: a float32 tensor made by the cpu Cast from int32 keeps an Int32Array.
  const w = backend.data.get(weight.dataId).values as ArrayLike<number>;
  const g = backend.data.get(grad.dataId).values as ArrayLike<number>;
  const { scale, decay } = attrs;
  const { values: out, info } = float32Output(backend, weight.shape, w.length);
  const native = tryLoadNative();
  if (native !== null && w instanceof Float32Array && g instanceof Float32Array) {
    native.sgdUpdate(w, g, scale, decay, out); // the same float32 operations, in the addon
  } else if (decay === 1) {
    for (let i = 0; i < out.length; i++) out[i] = (w[i] as number) - f((g[i] as number) * scale);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = f((w[i] as number) * decay) - f((g[i] as number) * scale);
  }
  return info();
}

/** Registers the kernel for `backendName` (idempotent). */
export function registerFusedSgdKernel(backendName: string): void {
  if (tf.getKernel(SGD_UPDATE, backendName) !== undefined) return;
  tf.registerKernel({ kernelName: SGD_UPDATE, backendName, kernelFunc: sgdUpdateKernel as unknown as tf.KernelFunc });
}

/** Whether the current backend has the kernel. */
export function hasFusedSgdKernel(): boolean {
  return tf.getKernel(SGD_UPDATE, tf.getBackend()) !== undefined;
}
