/** Minibatch assembly: the JavaScript loop and the blas backend's native one give the same bits, in any row order. */
import { gatherRowBytes, gatherRowsU8, gatherRowsU8Js } from '../../../src/core/data/rows.js';
import type { GatherRowsU8 } from '../../../src/core/backend/batch-arrays.js';
import { tryLoadNative } from '../../../src/node/backend/native.js';
import { blasBuilt } from '../../backends.js';

const native = tryLoadNative();
/** Each loop this machine has, by name: the addon's only where it is built (CI builds it). */
const loops: [string, GatherRowsU8][] = [['javascript', gatherRowsU8Js]];
if (native !== null) loops.push(['native', (...args) => native.gatherRowsU8(...args)]);

it('has the native loop wherever the addon is built', () => {
  expect(loops.map(([name]) => name)).toEqual(blasBuilt ? ['javascript', 'native'] : ['javascript']);
});

describe.each(loops)('the %s loop', (_, gather) => {
  it('gathers rows in order and divides by 255 exactly as Math.fround(v / 255)', () => {
    const rowSize = 256;
    const src = new Uint8Array(3 * rowSize);
    for (let r = 0; r < 3; r++) for (let v = 0; v < 256; v++) src[r * rowSize + v] = (v + r * 85) % 256;
    const order = Uint32Array.from([2, 0, 1, 2]);
    const want = new Float32Array(3 * rowSize);
    for (let i = 0; i < 3; i++) {
      const row = order[1 + i] ?? 0;
      for (let v = 0; v < rowSize; v++) want[i * rowSize + v] = Math.fround((src[row * rowSize + v] ?? 0) / 255);
    }
    expect(gatherRowsU8(src, rowSize, order, 1, 3, 255, { gather })).toEqual(want);
  });

  it('fills a given array (a pooled one, say) and refuses one too small for the rows', () => {
    const src = Uint8Array.from([0, 51, 102, 153, 204, 255]);
    const out = new Float32Array(6).fill(-1);
    expect(gatherRowsU8(src, 3, Uint32Array.from([1, 0]), 0, 2, 255, { out, gather })).toBe(out);
    expect(Array.from(out)).toEqual([153, 204, 255, 0, 51, 102].map((v) => Math.fround(v / 255)));
    expect(() =>
      gatherRowsU8(src, 3, Uint32Array.from([1, 0]), 0, 2, 255, { out: new Float32Array(5), gather }),
    ).toThrow(/out holds 5 values, fewer than 6/);
  });

  it('refuses an index past the last row, and rows past the indices, before reading anything', () => {
    const src = new Uint8Array(8);
    const out = new Float32Array(8).fill(-1);
    expect(() => gatherRowsU8(src, 4, Uint32Array.from([0, 2]), 0, 2, 255, { out, gather })).toThrow(
      /index 2 is past the last row \(1\)/,
    );
    expect(() => gatherRowsU8(src, 4, Uint32Array.from([0, 1]), 1, 2, 255, { out, gather })).toThrow(
      /rows 1\.\.2 are past the 2 indices/,
    );
    expect(Array.from(out)).toEqual(new Array(8).fill(-1));
  });
});

(native === null ? it.skip : it)('the addon refuses an index past the last row on its own too', () => {
  expect(() =>
    native?.gatherRowsU8(new Uint8Array(8), 4, Uint32Array.from([0, 2]), 0, 2, 255, new Float32Array(8)),
  ).toThrow(/past the last row/);
});

it('the JavaScript loop: the same bits on rows of 4n bytes (read 4 at a time), odd rows, unaligned data', () => {
  const bytes = Uint8Array.from({ length: 1 + 6 * 8 }, (_, i) => (i * 97) % 256);
  const order = Uint32Array.from([5, 0, 3, 3, 1]);
  const plain = (src: Uint8Array, rowSize: number): Float32Array => {
    const want = new Float32Array(order.length * rowSize);
    order.forEach((row, i) => {
      for (let j = 0; j < rowSize; j++) want[i * rowSize + j] = Math.fround((src[row * rowSize + j] ?? 0) / 255);
    });
    return want;
  };
  for (const [src, rowSize] of [
    [bytes.subarray(0, 48), 8], // aligned, 4n: the word loop
    [bytes.subarray(1, 49), 8], // byteOffset 1: the byte loop
    [bytes.subarray(0, 42), 7], // odd rows: the byte loop
  ] as const) {
    const out = new Float32Array(order.length * rowSize);
    gatherRowsU8Js(src, rowSize, order, 0, order.length, 255, out);
    expect(out).toEqual(plain(src, rowSize));
  }
});

describe('gatherRowBytes (for a backend that divides on its own)', () => {
  it('copies the rows in order, word by word where aligned, byte by byte elsewhere', () => {
    const bytes = Uint8Array.from({ length: 1 + 6 * 8 }, (_, i) => (i * 97) % 256);
    const order = Uint32Array.from([5, 0, 3, 3, 1]);
    for (const [src, rowSize] of [
      [bytes.subarray(0, 48), 8],
      [bytes.subarray(1, 49), 8],
      [bytes.subarray(0, 42), 7],
    ] as const) {
      const want = Uint8Array.from([...order].flatMap((row) => [...src.subarray(row * rowSize, (row + 1) * rowSize)]));
      expect(gatherRowBytes(src, rowSize, order, 0, order.length)).toEqual(want);
    }
  });

  it('refuses an index past the last row before copying anything', () => {
    const out = new Uint8Array(8).fill(7);
    expect(() => gatherRowBytes(new Uint8Array(8), 4, Uint32Array.from([0, 2]), 0, 2, out)).toThrow(
      /gatherRowBytes: index 2 is past the last row \(1\)/,
    );
    expect(Array.from(out)).toEqual(new Array(8).fill(7));
  });
});
