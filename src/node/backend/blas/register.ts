/**
 * The `blas` backend: tfjs's cpu backend with its hot kernels replaced by native ones (OpenBLAS sgemm
 * and float32 arithmetic through the optional addon), and this project's kernels running the addon's
 * loops. Every cpu kernel is registered for it, so it runs any program the cpu backend runs; only the
 * replaced kernels differ, and tests hold them to the cpu kernels' results.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { registerBatchArrays } from '../../../core/backend/batch-arrays.js';
import { JS_IMPL } from '../../../core/backend/kernels/impl.js';
import type { KernelImpl } from '../../../core/backend/kernels/impl.js';
import { KERNEL_NAMES, registerKernels } from '../../../core/backend/kernels/register.js';
import { tf } from '../../../core/backend/tf.js';
import type { NativeKernels } from '../native.js';
import { loadNative } from '../native.js';
import { MathBackendBlas } from './backend.js';
import { elementwiseKernels } from './elementwise.js';
import { matMulKernels } from './matmul.js';

export const BLAS_BACKEND = 'blas';

/** This project's kernels on blas: the addon's loops where the arrays are the types it takes, and recycled outputs. */
function nativeImpl(native: NativeKernels): KernelImpl {
  return {
    softmaxRows(z, labels, rows, classes, probs, sums, picked) {
      // Its exp is V8's Math.exp (fdlibm), ported: the same bits as the JavaScript loop.
      if (z instanceof Float32Array && labels instanceof Int32Array)
        native.softmaxRows(z, labels, rows, classes, probs, sums, picked);
      else JS_IMPL.softmaxRows(z, labels, rows, classes, probs, sums, picked);
    },
    sgdUpdate(w, g, scale, decay, out) {
      if (w instanceof Float32Array && g instanceof Float32Array) native.sgdUpdate(w, g, scale, decay, out);
      else JS_IMPL.sgdUpdate(w, g, scale, decay, out);
    },
    output(backend: MathBackendCPU, shape, length) {
      if (!(backend instanceof MathBackendBlas)) return JS_IMPL.output(backend, shape, length);
      const values = backend.allocFloat32(length);
      return { values, info: () => backend.outputInfo(shape, values) };
    },
  };
}

/** Registers the `blas` backend (idempotent). Throws when the native addon cannot load. */
export function registerBlasBackend(): void {
  if (tf.findBackendFactory(BLAS_BACKEND) !== null) return;
  const native = loadNative();
  // tfjs' cpu kernels; this project's are registered below with the addon's loops.
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (!KERNEL_NAMES.includes(kernel.kernelName)) tf.registerKernel({ ...kernel, backendName: BLAS_BACKEND });
  }
  for (const kernel of [...matMulKernels(native), ...elementwiseKernels(native)]) {
    tf.unregisterKernel(kernel.kernelName, BLAS_BACKEND);
    tf.registerKernel(kernel);
  }
  registerKernels(BLAS_BACKEND, nativeImpl(native));
  registerBatchArrays(BLAS_BACKEND, {
    // blas keeps the array as the tensor's storage: free again once every tensor sharing it is disposed.
    adopt(values, t) {
      const backend = tf.engine().findBackend(BLAS_BACKEND);
      if (!(backend instanceof MathBackendBlas)) return () => true;
      backend.lend(values);
      const { dataId } = t;
      return () => backend.holds(dataId);
    },
    gatherRowsU8: (src, rowSize, indices, start, count, divisor, out) =>
      native.gatherRowsU8(src, rowSize, indices, start, count, divisor, out),
  });
  // Priority 0: tfjs never picks it by itself; initBackend chooses it by name or in the `auto` order.
  tf.registerBackend(BLAS_BACKEND, () => new MathBackendBlas(), 0);
}
