import { gzipSync } from 'node:zlib';
import { IdxFormatError } from '../../../src/core/errors.js';
import { encodeIdx, parseIdx, readImages, readLabels } from '../../../src/core/data/idx.js';

const IMAGES = 'train-images-idx3-ubyte';
const LABELS = 'train-labels-idx1-ubyte';

/** Two 2 × 3 images with pixels 0..11. */
const images = (): Uint8Array =>
  encodeIdx(
    [2, 2, 3],
    Uint8Array.from({ length: 12 }, (_, i) => i),
  );
/** `images()` with the byte at `index` set to `value`. */
function withByte(index: number, value: number): Uint8Array {
  const bytes = images();
  bytes[index] = value;
  return bytes;
}
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('encodeIdx / parseIdx', () => {
  test('round-trips an images file: magic 0x00000803, dims, payload view', () => {
    const bytes = images();
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 0x08, 3]);
    const { dims, data } = parseIdx(bytes, IMAGES);
    expect(dims).toEqual([2, 2, 3]);
    expect([...data]).toEqual([...Array(12).keys()]);
  });

  test('refuses gzip input (its 1f 8b magic), saying to decompress it first: the platform gunzips', () => {
    expect(() => parseIdx(gzipSync(images()), IMAGES)).toThrow(IdxFormatError);
    expect(() => parseIdx(gzipSync(images()), IMAGES)).toThrow(
      /train-images-idx3-ubyte: is gzip-compressed: decompress it before parsing/,
    );
  });

  test('data is exactly the payload even inside a larger buffer', () => {
    const big = concat(Uint8Array.of(9, 9), images());
    const { data } = parseIdx(big.subarray(2), IMAGES);
    expect(data.length).toBe(12);
    expect(data[0]).toBe(0);
  });

  test.each<[string, Uint8Array, RegExp]>([
    ['short file', Uint8Array.of(0, 0, 8), /train-images-idx3-ubyte: too short .*3 bytes, expected at least 4/],
    ['bad magic', withByte(0, 0x12), /train-images-idx3-ubyte: bad magic number 0x12000803: expected two zero bytes/],
    [
      'wrong type byte',
      withByte(2, 0x0d),
      /train-images-idx3-ubyte: data type 0x0d \(float32\) is not supported: expected 0x08/,
    ],
    ['zero dimensions', withByte(3, 0), /train-images-idx3-ubyte: has 0 dimensions: expected 1 to 3/],
    ['four dimensions', withByte(3, 4), /train-images-idx3-ubyte: has 4 dimensions: expected 1 to 3/],
    [
      'header shorter than its dims',
      images().subarray(0, 10),
      /train-images-idx3-ubyte: header of 3 dimensions needs 16 bytes, file has 10/,
    ],
    [
      'truncated data',
      images().subarray(0, 23),
      /train-images-idx3-ubyte: truncated: header says 12 bytes of data \[2, 2, 3\], file has 7/,
    ],
    [
      'trailing bytes',
      concat(images(), Uint8Array.of(1, 2)),
      /train-images-idx3-ubyte: 2 trailing bytes: header says 12 bytes of data \[2, 2, 3\], file has 14/,
    ],
  ])('%s → IdxFormatError naming the file and both values', (_, bytes, message) => {
    expect(() => parseIdx(bytes, IMAGES)).toThrow(IdxFormatError);
    expect(() => parseIdx(bytes, IMAGES)).toThrow(message);
  });

  test('encodeIdx rejects data that does not fill its dims', () => {
    expect(() => encodeIdx([2, 3], new Uint8Array(5))).toThrow(/\[2, 3\] hold 6 bytes, but data has 5/);
  });
});

describe('readImages / readLabels', () => {
  test('readImages gives count, rows, cols and the pixels', () => {
    const result = readImages(images(), IMAGES, { rows: 2, cols: 3 });
    expect(result).toMatchObject({ count: 2, rows: 2, cols: 3 });
    expect(result.pixels.length).toBe(12);
  });

  test('readLabels gives the labels', () => {
    expect([...readLabels(encodeIdx([4], Uint8Array.of(0, 9, 3, 9)), LABELS)]).toEqual([0, 9, 3, 9]);
  });

  test.each<[string, () => unknown, RegExp]>([
    [
      'images with 1 dimension',
      () => readImages(encodeIdx([3], new Uint8Array(3)), IMAGES),
      /train-images-idx3-ubyte: expected 3 dimensions \[count, 28, 28\] for images, found \[3\]/,
    ],
    [
      'images of the wrong size',
      () => readImages(images(), IMAGES),
      /train-images-idx3-ubyte: images are 2x3: expected 28x28/,
    ],
    [
      'labels with 3 dimensions',
      () => readLabels(images(), LABELS),
      /train-labels-idx1-ubyte: expected 1 dimension \[count\] for labels, found \[2, 2, 3\]/,
    ],
    [
      'label out of range',
      () => readLabels(encodeIdx([4], Uint8Array.of(1, 2, 10, 11)), LABELS),
      /train-labels-idx1-ubyte: label 10 at index 2 is out of range: expected 0..9/,
    ],
  ])('%s → IdxFormatError', (_, read, message) => {
    expect(read).toThrow(IdxFormatError);
    expect(read).toThrow(message);
  });
});
