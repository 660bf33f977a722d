/**
 * Minibatch assembly: rows of a uint8 data set, in any order, to float32 divided by a constant. The
 * active backend's native loop when it registered one (see backend/batch-arrays.ts), else this
 * JavaScript one; or, for a backend that divides on its own (wasm), the rows as bytes. All give the
 * same bits: a float32 division of a byte by 255 rounds exactly as `Math.fround(v / 255)` (checked
 * for all 256 bytes in the tests).
 */
import { batchArraysFor } from '../backend/batch-arrays.js';
import type { GatherRowsU8 } from '../backend/batch-arrays.js';
import { tf } from '../backend/tf.js';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * The JavaScript loop, through a table of the 256 quotients (the same values the division gives).
 * Rows of a multiple of 4 bytes (784) are read 4 bytes at a time, a quarter of the loads.
 */
export const gatherRowsU8Js: GatherRowsU8 = (src, rowSize, indices, start, count, divisor, out) => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / divisor;
  if (LITTLE_ENDIAN && rowSize % 4 === 0 && src.byteOffset % 4 === 0) {
    const words = new Uint32Array(src.buffer, src.byteOffset, src.length >>> 2);
    const quarter = rowSize >>> 2;
    let o = 0;
    for (let row = 0; row < count; row++) {
      let from = (indices[start + row] as number) * quarter;
      const end = from + quarter;
      while (from < end) {
        const w = words[from++] as number;
        out[o] = table[w & 255] as number;
        out[o + 1] = table[(w >>> 8) & 255] as number;
        out[o + 2] = table[(w >>> 16) & 255] as number;
        out[o + 3] = table[w >>> 24] as number;
        o += 4;
      }
    }
    return;
  }
  for (let row = 0; row < count; row++) {
    const from = (indices[start + row] as number) * rowSize;
    const to = row * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] = table[src[from + j] as number] as number;
  }
};

/**
 * `out[i, :] = src[indices[start + i], :] / divisor` for `count` rows of `rowSize` values.
 * Output: a Float32Array of `count · rowSize` values (`options.out` when given, else a new one).
 * `options.gather` replaces the active backend's loop (tests compare them).
 */
/** Throws `RangeError` unless `out` holds `count` rows and rows `start..start+count-1` index rows of `src`. */
function checkRows(
  src: Uint8Array,
  rowSize: number,
  indices: Uint32Array,
  start: number,
  count: number,
  outLength: number,
  name: string,
): void {
  if (outLength < count * rowSize)
    throw new RangeError(`${name}: out holds ${outLength} values, fewer than ${count * rowSize}`);
  if (start < 0 || start + count > indices.length)
    throw new RangeError(`${name}: rows ${start}..${start + count - 1} are past the ${indices.length} indices`);
  const rows = src.length / rowSize;
  for (let i = start; i < start + count; i++) {
    const index = indices[i] as number;
    if (index >= rows) throw new RangeError(`${name}: index ${index} is past the last row (${rows - 1})`);
  }
}

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
  checkRows(src, rowSize, indices, start, count, out.length, 'gatherRowsU8');
  const gather = options.gather ?? batchArraysFor(tf.getBackend())?.gatherRowsU8 ?? gatherRowsU8Js;
  gather(src, rowSize, indices, start, count, divisor, out);
  return out;
}

/** `out[i, :] = src[indices[start + i], :]` for `count` rows of `rowSize` bytes. Output: `out` (or a new array). */
export function gatherRowBytes(
  src: Uint8Array,
  rowSize: number,
  indices: Uint32Array,
  start: number,
  count: number,
  out: Uint8Array = new Uint8Array(count * rowSize),
): Uint8Array {
  checkRows(src, rowSize, indices, start, count, out.length, 'gatherRowBytes');
  // One native copy a row (measured twice as fast as a JavaScript loop over 32-bit words).
  for (let row = 0; row < count; row++) {
    const from = (indices[start + row] as number) * rowSize;
    out.set(src.subarray(from, from + rowSize), row * rowSize);
  }
  return out;
}
