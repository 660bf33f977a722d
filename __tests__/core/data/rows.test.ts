/** Minibatch assembly: native and JavaScript paths give the same bits, in any row order. */
import { gatherRowsU8 } from '../../../src/core/data/rows.js';

it('gathers rows in order and divides by 255 exactly as Math.fround(v / 255), natively or not', () => {
  const rowSize = 256;
  const src = new Uint8Array(3 * rowSize);
  for (let r = 0; r < 3; r++) for (let v = 0; v < 256; v++) src[r * rowSize + v] = (v + r * 85) % 256;
  const order = Uint32Array.from([2, 0, 1, 2]);
  const want = new Float32Array(3 * rowSize);
  for (let i = 0; i < 3; i++) {
    const row = order[1 + i] ?? 0;
    for (let v = 0; v < rowSize; v++) want[i * rowSize + v] = Math.fround((src[row * rowSize + v] ?? 0) / 255);
  }
  expect(gatherRowsU8(src, rowSize, order, 1, 3, 255)).toEqual(want);
  expect(gatherRowsU8(src, rowSize, order, 1, 3, 255, { useNative: false })).toEqual(want);
});

it('refuses an index past the last row instead of reading outside the data', () => {
  const src = new Uint8Array(8);
  const run = () => gatherRowsU8(src, 4, Uint32Array.from([0, 2]), 0, 2, 255);
  let threw = false;
  try {
    run();
  } catch (err) {
    threw = true;
    expect(String(err)).toMatch(/past the last row/);
  }
  // Without the addon the JavaScript path reads zeros past the end rather than throwing.
  if (!threw) expect(Array.from(run().subarray(4))).toEqual([0, 0, 0, 0]);
});

it('fills a given array (a pooled one, say) and refuses one too small for the rows', () => {
  const src = Uint8Array.from([0, 51, 102, 153, 204, 255]);
  for (const useNative of [true, false]) {
    const out = new Float32Array(6).fill(-1);
    expect(gatherRowsU8(src, 3, Uint32Array.from([1, 0]), 0, 2, 255, { out, useNative })).toBe(out);
    expect(Array.from(out)).toEqual([153, 204, 255, 0, 51, 102].map((v) => Math.fround(v / 255)));
    expect(() => gatherRowsU8(src, 3, Uint32Array.from([1, 0]), 0, 2, 255, { out: new Float32Array(5), useNative })).toThrow(
      /out holds 5 values, fewer than 6/,
    );
  }
});
