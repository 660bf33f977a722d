import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChecksumError, DataNotFoundError, IdxFormatError } from '../../../src/core/errors.js';
import { FASHION_MNIST_FILES } from '../../../src/core/data/fashion-mnist.js';
import { readFashionMnist } from '../../../src/node/data/read.js';
import { encodeIdx } from '../../../src/core/data/idx.js';
import { dirWith } from '../../helpers.js';

const REAL_DIR = path.resolve(__dirname, '../../../datasets/fashion-mnist');

const fakeImages = (n: number): Uint8Array => encodeIdx([n, 28, 28], new Uint8Array(n * 784).fill(7));
const fakeLabels = (n: number): Uint8Array =>
  encodeIdx(
    [n],
    Uint8Array.from({ length: n }, (_, i) => i % 10),
  );

describe('readFashionMnist on fake files', () => {
  test('a missing directory → DataNotFoundError saying where it looked and what to do', async () => {
    const read = readFashionMnist('/no/such/fashion-dir', { train: true });
    await expect(read).rejects.toThrow(DataNotFoundError);
    await expect(read).rejects.toThrow(
      /\/no\/such\/fashion-dir does not exist.*SOFTMAX_DATA_DIR.*apt-get install dataset-fashion-mnist/,
    );
  });

  test('a missing file → DataNotFoundError naming both accepted names', async () => {
    const read = readFashionMnist(await dirWith({}), { train: false });
    await expect(read).rejects.toThrow(DataNotFoundError);
    await expect(read).rejects.toThrow(/has neither t10k-images-idx3-ubyte\.gz nor t10k-images-idx3-ubyte\./);
  });

  test('a file with the wrong content → ChecksumError with both digests', async () => {
    const images = fakeImages(2);
    const dir = await dirWith({
      'train-images-idx3-ubyte.gz': gzipSync(images),
      'train-labels-idx1-ubyte.gz': gzipSync(fakeLabels(2)),
    });
    const expected = FASHION_MNIST_FILES.train.images.sha256;
    const actual = createHash('sha256').update(images).digest('hex');
    const read = readFashionMnist(dir, { train: true });
    await expect(read).rejects.toThrow(ChecksumError);
    await expect(read).rejects.toMatchObject({ expected, actual });
    await expect(read).rejects.toThrow(new RegExp(`train-images-idx3-ubyte\\.gz: .*${actual}, expected ${expected}`));
  });

  test('verify: false reads plain and gzipped names alike', async () => {
    const dir = await dirWith({
      't10k-images-idx3-ubyte': fakeImages(3),
      't10k-labels-idx1-ubyte.gz': gzipSync(fakeLabels(3)),
    });
    const { images, labels, count, featureSize } = await readFashionMnist(dir, { train: false, verify: false });
    expect({ count, featureSize, pixels: images.length }).toEqual({ count: 3, featureSize: 784, pixels: 3 * 784 });
    expect([...labels]).toEqual([0, 1, 2]);
  });

  test('image and label counts that differ → IdxFormatError with both counts', async () => {
    const dir = await dirWith({
      'train-images-idx3-ubyte': fakeImages(3),
      'train-labels-idx1-ubyte': fakeLabels(2),
    });
    const read = readFashionMnist(dir, { train: true, verify: false });
    await expect(read).rejects.toThrow(IdxFormatError);
    await expect(read).rejects.toThrow(
      /train-images-idx3-ubyte: holds 3 images but .*train-labels-idx1-ubyte holds 2 labels/,
    );
  });
});

describe('the shipped Fashion-MNIST files', () => {
  test.each<[boolean, number]>([
    [true, 60000],
    [false, 10000],
  ])('train=%s verifies and has %i examples, a tenth per class', async (train, count) => {
    const data = await readFashionMnist(REAL_DIR, { train });
    expect(data.count).toBe(count);
    expect(data.images.length).toBe(count * 784);
    const perClass = new Array<number>(10).fill(0);
    for (const label of data.labels) perClass[label]++;
    expect(perClass).toEqual(new Array(10).fill(count / 10));
  });
});
