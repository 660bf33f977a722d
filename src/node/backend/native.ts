/**
 * The optional native addon (native/softmax_native.cc, built by node-gyp at install): OpenBLAS sgemm
 * and minibatch assembly. Loading throws with the reason when the addon was not built.
 */
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { GatherRowsU8 } from '../../core/backend/batch-arrays.js';

export interface NativeKernels {
  /** Row-major `C = alpha·op(A)·op(B) + beta·C`, as cblas_sgemm. */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
  /** `out[i, :] = src[indices[start + i], :] / divisor` (float32 division) for `count` rows of `rowSize` bytes. */
  gatherRowsU8: GatherRowsU8;
  /** `out[i] = exp(values[i])`, computed as V8's Math.exp is (for the tests). */
  expF64(values: Float64Array, out: Float64Array): void;
  /** Row-wise max, exp, sums and picked logits of the softmax cross-entropy (core/backend/kernels/softmax-rows.ts). */
  softmaxRows(
    z: Float32Array,
    labels: Int32Array,
    rows: number,
    classes: number,
    probs: Float32Array,
    sums: Float32Array,
    picked: Float32Array,
  ): void;
  /**
   * `out = big ∘ small` (or `small ∘ big` when `smallIsLeft`) for op 0..3 = + − × ÷, small laid over
   * big as the same shape (layout 0), a scalar (1), a row of `n` (2) or one value per row of `n` (3).
   */
  binaryOp(
    op: number,
    layout: number,
    big: Float32Array,
    small: Float32Array,
    n: number,
    out: Float32Array,
    smallIsLeft: boolean,
  ): void;
  /** `out = decay·w − scale·g` in float32 (decay 1: `w − scale·g`). */
  sgdUpdate(weight: Float32Array, grad: Float32Array, scale: number, decay: number, out: Float32Array): void;
  setThreads(n: number): void;
  config(): string;
  /**
   * Swaps paths `a` and `b` in one step (Linux `renameat2(RENAME_EXCHANGE)`): 0, or the errno. Absent from
   * an addon built before it existed.
   */
  renameExchange?(a: string, b: string): number;
}

/** Where node-gyp puts the addon, from src/node/backend or dist/node/backend alike. */
export const NATIVE_ADDON_PATH = resolve(__dirname, '../../../build/Release/softmax_native.node');

let loaded: NativeKernels | null = null;

/**
 * The command that rebuilds the addon where this package is: `npm rebuild softmax` when it is installed
 * in a project (under node_modules), `npm run rebuild:native` in a clone of it.
 */
export function rebuildCommand(packageRoot = resolve(__dirname, '../../..')): string {
  return packageRoot.split(sep).includes('node_modules') ? 'npm rebuild softmax' : 'npm run rebuild:native';
}

/** Loads the addon once; throws an Error saying why it is unavailable. */
export function loadNative(): NativeKernels {
  if (loaded !== null) return loaded;
  if (!existsSync(NATIVE_ADDON_PATH)) {
    throw new Error(
      `the native addon is not built (${NATIVE_ADDON_PATH} is missing; it needs libopenblas-dev and a C++ ` +
        `compiler at npm install: apt-get install -y libopenblas-dev g++ make python3, then ${rebuildCommand()})`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require(NATIVE_ADDON_PATH) as NativeKernels;
  // One BLAS thread unless the user chose otherwise: these products are small, and threads cost more
  // than they give (measured in scripts/bench.mjs).
  if (process.env['OPENBLAS_NUM_THREADS'] === undefined) native.setThreads(1);
  loaded = native;
  return native;
}

let tried: NativeKernels | null | undefined;

/** The addon when it is built, else null (the callers' JavaScript loops run instead). */
export function tryLoadNative(): NativeKernels | null {
  if (tried === undefined) {
    try {
      tried = loadNative();
    } catch {
      tried = null;
    }
  }
  return tried;
}
