/**
 * The `blas` backend: tfjs's cpu backend with its hot kernels replaced by native ones (OpenBLAS sgemm
 * through the optional addon). Every cpu kernel is registered for it, so it runs any program the cpu
 * backend runs; only the replaced kernels differ, and tests hold them to the cpu kernels' results.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { elementwiseKernels } from './elementwise.js';
import { matMulKernels } from './matmul.js';
import { loadNative } from './native.js';

export const BLAS_BACKEND = 'blas';

class MathBackendBlas extends MathBackendCPU {}

/** Registers the `blas` backend (idempotent). Throws when the native addon cannot load. */
export function registerBlasBackend(): void {
  if (tf.findBackendFactory(BLAS_BACKEND) !== null) return;
  const native = loadNative();
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...kernel, backendName: BLAS_BACKEND });
  }
  for (const kernel of [...matMulKernels(native), ...elementwiseKernels()]) {
    tf.unregisterKernel(kernel.kernelName, BLAS_BACKEND);
    tf.registerKernel(kernel);
  }
  // Priority 0: tfjs never picks it by itself; initBackend chooses it by name or in the `auto` order.
  tf.registerBackend(BLAS_BACKEND, () => new MathBackendBlas(), 0);
}
