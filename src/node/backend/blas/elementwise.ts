/**
 * Fast paths of the `blas` backend for the element-wise and reduction shapes a training step uses:
 * binary ops on float32 with equal shapes, a scalar, a row ([M,N]∘[N]) or a column ([M,N]∘[M,1]), and
 * Sum over the last or first axis of a matrix. Each computes exactly what the cpu kernel computes
 * (the same double-precision op stored to float32, the same summation order); any other case runs the
 * cpu kernel. The cpu kernels spend most of their time in a general index-mapping loop instead.
 */
import { tf } from '../../../core/backend/tf.js';
import type { MathBackendBlas } from './backend.js';
import type { NativeKernels } from '../native.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: MathBackendBlas; attrs?: tf.NamedAttrMap };
type Op = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'sqdiff';

const binaryOps: [string, Op][] = [
  [tf.Add, 'add'],
  [tf.Sub, 'sub'],
  [tf.Multiply, 'mul'],
  [tf.RealDiv, 'div'],
  [tf.Maximum, 'max'],
  [tf.Minimum, 'min'],
  [tf.SquaredDifference, 'sqdiff'],
];

/**
 * `out[i] = l[i] ∘ r[i]`, one monomorphic loop per op: a shared loop calling `op(a, b)` through a
 * function value is megamorphic in V8 and costs several times the arithmetic.
 */
function apply(op: Op, l: Float32Array, r: Float32Array, out: Float32Array): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = (l[i] as number) + (r[i] as number);
      break;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = (l[i] as number) - (r[i] as number);
      break;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = (l[i] as number) * (r[i] as number);
      break;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = (l[i] as number) / (r[i] as number);
      break;
    case 'max':
      for (let i = 0; i < n; i++) out[i] = Math.max(l[i] as number, r[i] as number);
      break;
    case 'min':
      for (let i = 0; i < n; i++) out[i] = Math.min(l[i] as number, r[i] as number);
      break;
    case 'sqdiff':
      for (let i = 0; i < n; i++) {
        const d = (l[i] as number) - (r[i] as number);
        out[i] = d * d;
      }
      break;
  }
}

/** Scratch for `expand`: read at once by `apply` inside the same kernel call, never handed out. */
let scratch = new Float32Array(0);

/** `small` laid out over `big`'s `size` elements (`n` = big's last dimension), in a reused buffer. */
function expand(how: 'scalar' | 'row' | 'col', small: Float32Array, size: number, n: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(Math.max(size, 2 * scratch.length));
  const e = scratch.subarray(0, size);
  if (how === 'scalar') {
    e.fill(small[0] as number);
  } else if (how === 'row') {
    // One row, then copies doubling what is filled: log2(rows) calls rather than one per (short) row.
    e.set(small.subarray(0, n));
    for (let filled = n; filled < size; filled *= 2) e.copyWithin(filled, 0, Math.min(filled, size - filled));
  } else {
    for (let r = 0, i = 0; i < size; r++, i += n) {
      const v = small[r] as number;
      for (let j = i; j < i + n; j++) e[j] = v;
    }
  }
  return e;
}

function cpuKernel(name: string): tf.KernelFunc {
  const kernel = tf.getKernel(name, 'cpu');
  if (kernel === undefined) throw new Error(`the cpu backend has no ${name} kernel`);
  return kernel.kernelFunc;
}

/** How `small` maps onto `big` ([M,N]): 'same', 'scalar', 'row' (index j) or 'col' (index i); else null. */
function layout(big: number[], small: number[]): 'same' | 'scalar' | 'row' | 'col' | null {
  if (tf.util.arraysEqual(big, small)) return 'same';
  const size = tf.util.sizeFromShape(small);
  if (size === 1 && small.length <= big.length) return 'scalar';
  if (big.length !== 2) return null;
  const [m, n] = big as [number, number];
  if ((small.length === 1 && small[0] === n) || (small.length === 2 && small[0] === 1 && small[1] === n)) return 'row';
  if (small.length === 2 && small[0] === m && small[1] === 1) return 'col';
  return null;
}

const NATIVE_OPS: readonly Op[] = ['add', 'sub', 'mul', 'div'];
const LAYOUTS = ['same', 'scalar', 'row', 'col'] as const;

function binaryKernel(name: string, op: Op, native: NativeKernels | null): tf.KernelConfig {
  const fallback = cpuKernel(name);
  return {
    kernelName: name,
    backendName: 'blas',
    kernelFunc: (args) => {
      const { inputs, backend } = args as unknown as Args;
      const a = inputs['a'] as tf.TensorInfo;
      const b = inputs['b'] as tf.TensorInfo;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
      const aBig = tf.util.sizeFromShape(a.shape) >= tf.util.sizeFromShape(b.shape);
      const [big, small] = aBig ? [a, b] : [b, a];
      const how = layout(big.shape, small.shape);
      if (how === null || (how === 'scalar' && small.shape.length > big.shape.length)) return fallback(args);
      const x = backend.data.get(big.dataId).values as Float32Array;
      const s = backend.data.get(small.dataId).values as Float32Array;
      const out = backend.allocFloat32(x.length);
      const n = big.shape[big.shape.length - 1] ?? 1;
      const nativeOp = NATIVE_OPS.indexOf(op);
      // (A float32 tensor made by a cpu kernel can hold another array type: Cast of int32 keeps it.)
      if (native !== null && nativeOp >= 0 && x instanceof Float32Array && s instanceof Float32Array) {
        // + − × ÷ in the addon: float32 arithmetic rounds as the JavaScript loops below do.
        native.binaryOp(nativeOp, LAYOUTS.indexOf(how), x, s, n, out, !aBig);
        return backend.outputInfo(big.shape, out);
      }
      const full = how === 'same' ? s : expand(how, s, x.length, n);
      if (aBig) apply(op, x, full, out);
      else apply(op, full, x, out);
      return backend.outputInfo(big.shape, out);
    },
  };
}

function sumKernel(): tf.KernelConfig {
  const fallback = cpuKernel(tf.Sum);
  return {
    kernelName: tf.Sum,
    backendName: 'blas',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as Args;
      const x = inputs['x'] as tf.TensorInfo;
      const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
      if (x.dtype !== 'float32' || x.shape.length !== 2) return fallback(args);
      const axes = tf.util.parseAxisParam(axis, x.shape);
      if (axes.length !== 1) return fallback(args);
      const [m, n] = x.shape as [number, number];
      const v = backend.data.get(x.dataId).values as Float32Array;
      const rows = axes[0] === 1;
      const out = backend.allocFloat32(rows ? m : n);
      if (rows) {
        for (let i = 0; i < m; i++) {
          let acc = 0;
          for (let j = 0; j < n; j++) acc += v[i * n + j] as number;
          out[i] = acc;
        }
      } else {
        // Column sums in row order, as the cpu kernel (transpose, then sum each row) adds them.
        const acc = new Float64Array(n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) acc[j] = (acc[j] as number) + (v[i * n + j] as number);
        out.set(acc);
      }
      const shape = keepDims ? (rows ? [m, 1] : [1, n]) : [rows ? m : n];
      return backend.outputInfo(shape, out);
    },
  };
}

export function elementwiseKernels(native: NativeKernels | null = null): tf.KernelConfig[] {
  return [...binaryOps.map(([name, op]) => binaryKernel(name, op, native)), sumKernel()];
}
