/**
 * BatchMatMul and _FusedMatMul for the `blas` backend: each batch's product is one OpenBLAS sgemm call
 * with the transposes passed to BLAS (no copies). Bias (a row vector) and linear/relu activations are
 * applied in place; any other case runs the cpu backend's kernel.
 */
import { tf } from '../../../core/backend/tf.js';
import type { MathBackendBlas } from './backend.js';
import type { NativeKernels } from '../native.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: MathBackendBlas; attrs?: tf.NamedAttrMap };

function values(backend: MathBackendBlas, t: tf.TensorInfo): tf.backend_util.BackendValues {
  return backend.data.get(t.dataId).values as tf.backend_util.BackendValues;
}

/** op(A)·op(B) for every batch; null when the inputs are not plain float32 (the caller falls back). */
function product(
  native: NativeKernels,
  backend: MathBackendBlas,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  ta: boolean,
  tb: boolean,
) {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = (ta ? a.shape[ar - 1] : a.shape[ar - 2]) ?? 0;
  const k = (ta ? a.shape[ar - 2] : a.shape[ar - 1]) ?? 0;
  const kb = (tb ? b.shape[br - 1] : b.shape[br - 2]) ?? 0;
  const n = (tb ? b.shape[br - 2] : b.shape[br - 1]) ?? 0;
  if (k !== kb) return null; // let the cpu kernel raise its own message
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  if (tf.util.sizeFromShape(outer) !== batch) return null; // a broadcast the cpu kernel's mapping defines
  const av = values(backend, a);
  const bv = values(backend, b);
  // A float32 tensor may hold another array (the cpu Cast from int32 keeps an Int32Array): cpu kernel.
  if (!(av instanceof Float32Array) || !(bv instanceof Float32Array)) return null;
  const out = backend.allocFloat32(batch * m * n);
  for (let i = 0; i < batch; i++) {
    const aOff = (i % batchA) * m * k;
    const bOff = (i % batchB) * k * n;
    native.sgemm(
      ta,
      tb,
      m,
      n,
      k,
      1,
      av.subarray(aOff, aOff + m * k),
      ta ? m : k,
      bv.subarray(bOff, bOff + k * n),
      tb ? k : n,
      0,
      out.subarray(i * m * n, (i + 1) * m * n),
      n,
    );
  }
  return { shape: [...outer, m, n], out, n };
}

function cpuKernel(name: string): tf.KernelFunc {
  const kernel = tf.getKernel(name, 'cpu');
  if (kernel === undefined) throw new Error(`the cpu backend has no ${name} kernel`);
  return kernel.kernelFunc;
}

export function matMulKernels(native: NativeKernels): tf.KernelConfig[] {
  const cpuBatchMatMul = cpuKernel(tf.BatchMatMul);
  const cpuFused = cpuKernel(tf._FusedMatMul);
  return [
    {
      kernelName: tf.BatchMatMul,
      backendName: 'blas',
      kernelFunc: (args) => {
        const { inputs, backend, attrs } = args as unknown as Args;
        const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
        const r = product(
          native,
          backend,
          inputs['a'] as tf.TensorInfo,
          inputs['b'] as tf.TensorInfo,
          transposeA,
          transposeB,
        );
        return r === null ? cpuBatchMatMul(args) : backend.outputInfo(r.shape, r.out);
      },
    },
    {
      kernelName: tf._FusedMatMul,
      backendName: 'blas',
      kernelFunc: (args) => {
        const { inputs, backend, attrs } = args as unknown as Args;
        const { transposeA, transposeB, activation } = attrs as unknown as tf._FusedMatMulAttrs;
        const bias = inputs['bias'] as tf.TensorInfo | undefined;
        const simple =
          (activation === 'linear' || activation === 'relu') &&
          inputs['preluActivationWeights'] === undefined &&
          (bias === undefined || (bias.dtype === 'float32' && bias.shape.filter((d) => d !== 1).length <= 1));
        const r = simple
          ? product(native, backend, inputs['a'] as tf.TensorInfo, inputs['b'] as tf.TensorInfo, transposeA, transposeB)
          : null;
        if (r === null || (bias !== undefined && tf.util.sizeFromShape(bias.shape) !== r.n)) return cpuFused(args);
        const { out, n } = r;
        if (bias !== undefined) {
          const bv = values(backend, bias);
          for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (bv[i % n] as number);
        }
        if (activation === 'relu') for (let i = 0; i < out.length; i++) if ((out[i] as number) < 0) out[i] = 0;
        return backend.outputInfo(r.shape, out);
      },
    },
  ];
}
