/**
 * Minibatch assembly: rows of a uint8 data set, in any order, to float32 divided by a constant. Uses
 * the native addon when it is built (any backend benefits), else a JavaScript loop. Both give the same
 * bits: a float32 division of a byte by 255 rounds exactly as `Math.fround(v / 255)` (checked for all
 * 256 bytes in the tests).
 */
import { tryLoadNative } from '../../node/backend/native.js';

/**
 * `out[i, :] = src[indices[start + i], :] / divisor` for `count` rows of `rowSize` values.
 * Output: a Float32Array of `count · rowSize` values (`options.out` when given, else a new one).
 */
export function gatherRowsU8(
  src: Uint8Array,
  rowSize: number,
  indices: Uint32Array,
  start: number,
  count: number,
  divisor: number,
  options: { useNative?: boolean; out?: Float32Array } = {},
): Float32Array {
  const out = options.out ?? new Float32Array(count * rowSize);
  if (out.length < count * rowSize) throw new RangeError(`gatherRowsU8: out holds ${out.length} values, fewer than ${count * rowSize}`);
  const kernels = options.useNative === false ? null : tryLoadNative();
  if (kernels !== null) {
    kernels.gatherRowsU8(src, rowSize, indices, start, count, divisor, out);
    return out;
  }
  for (let row = 0; row < count; row++) {
    const from = (indices[start + row] ?? 0) * rowSize;
    const to = row * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] = (src[from + j] ?? 0) / divisor;
  }
  return out;
}
