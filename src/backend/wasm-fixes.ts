/**
 * A correction to @tensorflow/tfjs-backend-wasm 4.22.0: its OneHot kernel writes int32 values whatever
 * `dtype` asks for, so `tf.oneHot(i, n, 1, 0, 'float32')` read back denormals (1.4e-45 for 1). Wrapped
 * here, once, so every caller gets the cpu backend's result: int32 one-hot, then a Cast to `dtype`.
 */
import * as tf from '@tensorflow/tfjs-core';

let fixed = false;

export function fixWasmOneHot(): void {
  const original = tf.getKernel(tf.OneHot, 'wasm');
  const cast = tf.getKernel(tf.Cast, 'wasm');
  if (fixed || original === undefined || cast === undefined) return;
  fixed = true;
  tf.unregisterKernel(tf.OneHot, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as tf.OneHotAttrs;
      if (attrs.dtype === 'int32') return original.kernelFunc(args);
      const ints = original.kernelFunc({ ...args, attrs: { ...args.attrs, dtype: 'int32' } }) as tf.TensorInfo;
      const out = cast.kernelFunc({ inputs: { x: ints }, backend: args.backend, attrs: { dtype: attrs.dtype } });
      (args.backend as tf.KernelBackend).disposeData(ints.dataId);
      return out;
    },
  });
}
