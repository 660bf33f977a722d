/**
 * `SGD_UPDATE`: MXNet's `sgd_update` as one kernel, `w ← (decay·w) − (scale·g)` (decay = 1 − lr·wd,
 * left out when 1; scale = lr·rescale), where the composite takes two or three kernels and a scalar
 * tensor each. The same float32 operations as the composite's cpu kernels, so the same bits.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import type { KernelImpl } from './impl.js';

export const SGD_UPDATE = 'SoftmaxJsSgdUpdate';

export interface SgdUpdateAttrs {
  /** float32 lr·rescale. */
  scale: number;
  /** float32 1 − lr·wd; 1 means no decay (the weight is used as is). */
  decay: number;
}

/** The kernel function, running `impl`'s loop. */
export function sgdUpdateKernel(impl: KernelImpl): tf.KernelFunc {
  return ((args: unknown): tf.TensorInfo => {
    const { inputs, backend, attrs } = args as {
      inputs: tf.NamedTensorInfoMap;
      backend: MathBackendCPU;
      attrs: SgdUpdateAttrs;
    };
    const weight = inputs['weight'] as tf.TensorInfo;
    const grad = inputs['grad'] as tf.TensorInfo;
    if (weight.dtype !== 'float32' || grad.dtype !== 'float32' || !tf.util.arraysEqual(weight.shape, grad.shape)) {
      throw new Error(
        `${SGD_UPDATE}: expected float32 weight and gradient of one shape, ` +
          `got ${weight.dtype} [${weight.shape}] and ${grad.dtype} [${grad.shape}]`,
      );
    }
    // Any array: a float32 tensor made by the cpu Cast from int32 keeps an Int32Array.
    const w = backend.data.get(weight.dataId).values as ArrayLike<number>;
    const g = backend.data.get(grad.dataId).values as ArrayLike<number>;
    const out = impl.output(backend, weight.shape, w.length);
    impl.sgdUpdate(w, g, attrs.scale, attrs.decay, out.values);
    return out.info();
  }) as unknown as tf.KernelFunc;
}
