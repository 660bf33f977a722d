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

/**
 * The cpu backend, plus arrays it can be lent as tensor storage (`Float32Pool`): the caller reuses such
 * an array once `holds(dataId)` is false. Until then nothing else may see it, so its values leave the
 * backend only as copies: `dataSync`/`data` copy it, and a tensor made of a view into it (the cpu
 * `Slice` returns views) gets a copy instead.
 */
export class MathBackendBlas extends MathBackendCPU {
  private readonly lentBuffers = new WeakSet<ArrayBufferLike>();

  lend(values: Float32Array): void {
    this.lentBuffers.add(values.buffer);
  }

  /** Whether a tensor's storage is still alive (some tensor sharing it is not disposed). */
  holds(dataId: tf.DataId): boolean {
    return this.data.has(dataId);
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    return this.unlent(super.readSync(dataId));
  }

  override async read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    return this.unlent(await super.read(dataId));
  }

  override makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues | string[]): tf.TensorInfo {
    return super.makeTensorInfo(shape, dtype, values === undefined ? values : this.unlent(values));
  }

  private unlent<T>(values: T): T {
    if (ArrayBuffer.isView(values) && this.lentBuffers.has(values.buffer)) return (values as unknown as Float32Array).slice() as T;
    return values;
  }
}

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
