/**
 * The inner loops this project's kernels run, as one object a backend can replace: the JavaScript
 * loops here (cpu), or the native addon's (blas, registered by the Node entry). Every implementation
 * must give the same bits as these loops; the tests hold them to it.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tfc from '@tensorflow/tfjs-core';
import type { SoftmaxRows } from './softmax-rows.js';
import { softmaxRowsJs } from './softmax-rows.js';

/** A float32 output array of a kernel and how to turn it into the kernel's result. */
export interface Float32Output {
  values: Float32Array;
  info: () => tfc.TensorInfo;
}

export interface KernelImpl {
  /** Row-wise max, exp, sums and picked logits of the softmax cross-entropy (see softmax-rows.ts). */
  softmaxRows: SoftmaxRows;
  /** `out = decay·w − scale·g` in float32 (decay 1: `w − scale·g`). */
  sgdUpdate(w: ArrayLike<number>, g: ArrayLike<number>, scale: number, decay: number, out: Float32Array): void;
  /** A new output array of `length` values for `shape` on `backend`. */
  output(backend: MathBackendCPU, shape: number[], length: number): Float32Output;
}

const f = Math.fround;

/** The JavaScript loops: what `cpu` runs. */
export const JS_IMPL: KernelImpl = {
  softmaxRows: softmaxRowsJs,
  sgdUpdate(w, g, scale, decay, out) {
    if (decay === 1) for (let i = 0; i < out.length; i++) out[i] = (w[i] as number) - f((g[i] as number) * scale);
    else for (let i = 0; i < out.length; i++) out[i] = f((w[i] as number) * decay) - f((g[i] as number) * scale);
  },
  output(backend, shape, length) {
    const values = new Float32Array(length);
    return { values, info: () => backend.makeTensorInfo(shape, 'float32', values) };
  },
};
