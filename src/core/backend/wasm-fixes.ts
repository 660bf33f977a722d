/**
 * Corrections to @tensorflow/tfjs-backend-wasm 4.22.0, applied once when the backend loads:
 * - its OneHot kernel writes int32 values whatever `dtype` asks for, so `tf.oneHot(i, n, 1, 0,
 *   'float32')` read back denormals (1.4e-45 for 1): wrapped to give the cpu backend's result, int32
 *   one-hot, then a Cast to `dtype`;
 * - its ClipByValue runs its float32 code on int32 data (`clipByValue(int32 [-1, 7, 3], 0, 2)` gave
 *   [0, 7, 3]): int32 inputs are clipped with its Maximum and Minimum kernels instead, as the cpu
 *   backend clips them (bounds truncated toward zero, as the cpu kernel's Int32Array stores them);
 * - its BatchMatMul is several times slower with a transposed operand than without (1.5 ms against
 *   0.23 ms for [256,784]·[784,10] here): transposed products are run untransposed, on explicitly
 *   transposed operands or as the transpose of the swapped product, whichever moves fewer values.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.js';

const replaced = new Set<string>();

/**
 * Replaces the wasm kernel `name`, once, by `wrap(original, helper)`, where `helper` is the wasm
 * kernel `helperName` the replacement also runs. Does nothing when either is missing.
 */
function replaceWasmKernel(
  name: string,
  helperName: string,
  wrap: (original: tf.KernelFunc, helper: tf.KernelFunc) => tf.KernelFunc,
): void {
  const original = tf.getKernel(name, 'wasm');
  const helper = tf.getKernel(helperName, 'wasm');
  if (replaced.has(name) || original === undefined || helper === undefined) return;
  replaced.add(name);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc, helper.kernelFunc) });
}

export function fixWasmOneHot(): void {
  replaceWasmKernel(tf.OneHot, tf.Cast, (original, cast) => (args) => {
    const attrs = args.attrs as unknown as tf.OneHotAttrs;
    if (attrs.dtype === 'int32') return original(args);
    const ints = original({ ...args, attrs: { ...args.attrs, dtype: 'int32' } }) as tf.TensorInfo;
    const out = cast({ inputs: { x: ints }, backend: args.backend, attrs: { dtype: attrs.dtype } });
    (args.backend as tf.KernelBackend).disposeData(ints.dataId);
    return out;
  });
}

/** `perm` swapping the last two of `rank` axes. */
const swapLast = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

export function fixWasmMatMul(): void {
  replaceWasmKernel(tf.BatchMatMul, tf.Transpose, (original, transpose) => (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return original(args);
    const backend = args.backend as tf.KernelBackend;
    const a = args.inputs['a'] as tf.TensorInfo;
    const b = args.inputs['b'] as tf.TensorInfo;
    const size = (x: tf.TensorInfo): number => tf.util.sizeFromShape(x.shape);
    const t = (x: tf.TensorInfo): tf.TensorInfo =>
      transpose({ inputs: { x }, backend, attrs: { perm: swapLast(x.shape.length) } }) as tf.TensorInfo;
    const product = (x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo =>
      original({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
    const last2 = (x: tf.TensorInfo): [number, number] => [
      x.shape[x.shape.length - 2] ?? 1,
      x.shape[x.shape.length - 1] ?? 1,
    ];
    const [[ar, ac], [br, bc]] = [last2(a), last2(b)];
    const batch = Math.max(size(a) / (ar * ac || 1), size(b) / (br * bc || 1));
    const [m, n] = [transposeA ? ac : ar, transposeB ? br : bc];
    // op(A)·op(B) on transposed copies of the operands that need it, or (op(B)ᵀ·op(A)ᵀ)ᵀ.
    const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0);
    const swapped = (transposeA ? 0 : size(a)) + (transposeB ? 0 : size(b)) + batch * m * n;
    const temps: tf.TensorInfo[] = [];
    const keep = (x: tf.TensorInfo): tf.TensorInfo => (temps.push(x), x);
    const out =
      direct <= swapped
        ? product(transposeA ? keep(t(a)) : a, transposeB ? keep(t(b)) : b)
        : t(keep(product(transposeB ? b : keep(t(b)), transposeA ? a : keep(t(a)))));
    for (const x of temps) backend.disposeData(x.dataId);
    return out;
  });
}

export function fixWasmClipByValue(): void {
  const minimum = tf.getKernel(tf.Minimum, 'wasm')?.kernelFunc;
  if (minimum === undefined) return;
  replaceWasmKernel(tf.ClipByValue, tf.Maximum, (original, maximum) => (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype !== 'int32') return original(args);
    const { clipValueMin, clipValueMax } = args.attrs as unknown as tf.ClipByValueAttrs;
    const backend = args.backend as BackendWasm;
    const scalar = (v: number): tf.TensorInfo => {
      const t = backend.makeOutput([], 'int32');
      backend.typedArrayFromHeap(t)[0] = Math.trunc(v);
      return t;
    };
    const [lo, hi] = [scalar(clipValueMin), scalar(clipValueMax)];
    const above = maximum({ inputs: { a: x, b: lo }, backend, attrs: {} }) as tf.TensorInfo;
    const out = minimum({ inputs: { a: above, b: hi }, backend, attrs: {} }) as tf.TensorInfo;
    for (const t of [lo, hi, above]) backend.disposeData(t.dataId);
    return out;
  });
}
