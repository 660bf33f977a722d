/** Bounded gunzip of IDX files: content sync and on the thread pool, lying trailers, cut streams, gzip bombs. */
import { gzipSync } from 'node:zlib';
import { IdxFormatError } from '../../../src/core/errors.js';
import { encodeIdx, parseIdx } from '../../../src/core/data/idx.js';
import { gunzipIfCompressed, gunzipIfCompressedAsync } from '../../../src/node/data/gunzip.js';

const IMAGES = 'train-images-idx3-ubyte';
const images = (): Uint8Array =>
  encodeIdx(
    [2, 2, 3],
    Uint8Array.from({ length: 12 }, (_, i) => i),
  );

describe('gunzipIfCompressed / gunzipIfCompressedAsync', () => {
  // Big enough that the size in the gzip trailer sets zlib's chunk size (one chunk, no copy).
  const payload = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);
  const trailerSays = (gz: Uint8Array, size: number): Uint8Array => {
    const copy = Uint8Array.from(gz);
    new DataView(copy.buffer).setUint32(copy.length - 4, size, true);
    return copy;
  };

  test('both give the content, sync and on the thread pool; plain bytes come back as they are', async () => {
    const gz = gzipSync(payload);
    expect(Buffer.compare(Buffer.from(gunzipIfCompressed(gz, 'f')), Buffer.from(payload))).toBe(0);
    expect(Buffer.compare(Buffer.from(await gunzipIfCompressedAsync(gz, 'f')), Buffer.from(payload))).toBe(0);
    expect(await gunzipIfCompressedAsync(payload, 'f')).toBe(payload);
  });

  test.each([
    ['smaller', 10],
    ['larger', 2 ** 32 - 1],
  ])(
    'a trailer stating a %s size is only a hint: the damage is reported, memory is not reserved for it',
    async (_, size) => {
      const lying = trailerSays(gzipSync(payload), size);
      expect(() => gunzipIfCompressed(lying, 'f')).toThrow(/f: corrupt gzip stream \(incorrect length check\)/);
      await expect(gunzipIfCompressedAsync(lying, 'f')).rejects.toThrow(IdxFormatError);
    },
  );

  test('the async path refuses a stream inflating past maxBytes too', async () => {
    await expect(gunzipIfCompressedAsync(gzipSync(payload), 'bomb', 1000)).rejects.toThrow(
      /bomb: decompresses to more than 1000 bytes/,
    );
  });
});

describe('gunzip then parseIdx, as the data store reads a .gz file', () => {
  test('a gzipped IDX file parses to its dims and payload', () => {
    const { dims, data } = parseIdx(gunzipIfCompressed(gzipSync(images()), IMAGES), IMAGES);
    expect(dims).toEqual([2, 2, 3]);
    expect([data.length, data[11]]).toEqual([12, 11]);
  });

  test('a corrupt gzip stream → IdxFormatError naming the file', () => {
    expect(() => gunzipIfCompressed(gzipSync(images()).fill(0xff, 10, 14), IMAGES)).toThrow(
      /train-images-idx3-ubyte: corrupt gzip stream \(invalid block type\)/,
    );
  });

  test('a cut gzip stream → IdxFormatError naming the file', () => {
    expect(() => gunzipIfCompressed(gzipSync(images()).subarray(0, 15), IMAGES)).toThrow(IdxFormatError);
    expect(() => gunzipIfCompressed(gzipSync(images()).subarray(0, 15), IMAGES)).toThrow(
      /train-images-idx3-ubyte: corrupt gzip stream \(unexpected end of file\)/,
    );
  });

  test('a gzip stream inflating past maxBytes is refused (gzip bomb)', () => {
    const bomb = gzipSync(new Uint8Array(10_000));
    expect(() => gunzipIfCompressed(bomb, IMAGES, 1000)).toThrow(IdxFormatError);
    expect(() => gunzipIfCompressed(bomb, IMAGES, 1000)).toThrow(/decompresses to more than 1000 bytes/);
  });
});
