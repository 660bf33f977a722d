/**
 * Minibatch assembly: rows of a uint8 data set, in any order, to float32 divided by a constant. The
 * active backend's native loop when it registered one (see backend/batch-arrays.ts), else this
 * JavaScript one. Both give the same bits: a float32 division of a byte by 255 rounds exactly as
 * `Math.fround(v / 255)` (checked for all 256 bytes in the tests).
 */
import { batchArraysFor } from '../backend/batch-arrays.js';
import type { GatherRowsU8 } from '../backend/batch-arrays.js';
import { tf } from '../backend/tf.js';

/** The JavaScript loop, through a table of the 256 quotients (the same values the division gives). */
export const gatherRowsU8Js: GatherRowsU8 = (src, rowSize, indices, start, count, divisor, out) => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / divisor;
  for (let row = 0; row < count; row++) {
    const from = (indices[start + row] ?? 0) * rowSize;
    const to = row * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] = table[src[from + j] ?? 0] as number;
  }
};

/**
 * `out[i, :] = src[indices[start + i], :] / divisor` for `count` rows of `rowSize` values.
 * Output: a Float32Array of `count · rowSize` values (`options.out` when given, else a new one).
 * `options.gather` replaces the active backend's loop (tests compare them).
 */
export function gatherRowsU8(
  src: Uint8Array,
  rowSize: number,
  indices: Uint32Array,
  start: number,
  count: number,
  divisor: number,
  options: { gather?: GatherRowsU8; out?: Float32Array } = {},
): Float32Array {
  const out = options.out ?? new Float32Array(count * rowSize);
  if (out.length < count * rowSize)
    throw new RangeError(`gatherRowsU8: out holds ${out.length} values, fewer than ${count * rowSize}`);
  if (start < 0 || start + count > indices.length)
    throw new RangeError(`gatherRowsU8: rows ${start}..${start + count - 1} are past the ${indices.length} indices`);
  const rows = src.length / rowSize;
  for (let i = start; i < start + count; i++) {
    const index = indices[i] as number;
    if (index >= rows) throw new RangeError(`gatherRowsU8: index ${index} is past the last row (${rows - 1})`);
  }
  const gather = options.gather ?? batchArraysFor(tf.getBackend())?.gatherRowsU8 ?? gatherRowsU8Js;
  gather(src, rowSize, indices, start, count, divisor, out);
  return out;
}
