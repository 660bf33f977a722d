import * as path from 'node:path';
import { ConfigError, IdxFormatError } from '../../../src/core/errors.js';
import {
  FASHION_MNIST_CLASSES,
  FashionMNIST,
  getFashionMnistLabels,
  splitFromIdx,
} from '../../../src/core/data/fashion-mnist.js';
import { encodeIdx } from '../../../src/core/data/idx.js';

const REAL_DIR = path.resolve(__dirname, '../../../datasets/fashion-mnist');

describe('class names', () => {
  test('FASHION_MNIST_CLASSES are the 10 classes in label order', () => {
    expect(FASHION_MNIST_CLASSES).toHaveLength(10);
    expect(getFashionMnistLabels([0, 9, 3, 6])).toEqual(['T-shirt/top', 'Ankle boot', 'Dress', 'Shirt']);
    expect(getFashionMnistLabels(Uint8Array.of(1, 8))).toEqual(['Trouser', 'Bag']);
  });

  test('a label outside 0..9 → ConfigError naming it', () => {
    expect(() => getFashionMnistLabels([2, 10])).toThrow(ConfigError);
    expect(() => getFashionMnistLabels([2, 10])).toThrow(/got 10/);
  });
});

describe('splitFromIdx', () => {
  test('pairs the images with their labels, 784 features each', () => {
    const images = { file: 'i', bytes: encodeIdx([3, 28, 28], new Uint8Array(3 * 784).fill(9)) };
    const labels = { file: 'l', bytes: encodeIdx([3], Uint8Array.of(0, 5, 9)) };
    const split = splitFromIdx(images, labels);
    expect([split.count, split.featureSize, split.images.length, Array.from(split.labels)]).toEqual([
      3,
      784,
      3 * 784,
      [0, 5, 9],
    ]);
  });

  test('counts that differ → IdxFormatError naming both files and counts', () => {
    const images = { file: 'imgs', bytes: encodeIdx([2, 28, 28], new Uint8Array(2 * 784)) };
    const labels = { file: 'labs', bytes: encodeIdx([3], Uint8Array.of(0, 1, 2)) };
    expect(() => splitFromIdx(images, labels)).toThrow(IdxFormatError);
    expect(() => splitFromIdx(images, labels)).toThrow(/imgs: holds 2 images but labs holds 3 labels/);
  });
});

describe('FashionMNIST (through the platform data store)', () => {
  test('FashionMNIST.load indexes examples as views, with an optional transform', async () => {
    const testSet = await FashionMNIST.load({ root: REAL_DIR, train: false });
    expect(testSet.length).toBe(10000);
    const { image, label } = testSet.get(9999);
    expect(image.length).toBe(784);
    expect(image.buffer).toBe(testSet.images.buffer);
    expect(label).toBe(testSet.labels[9999]);
    expect(() => testSet.get(10000)).toThrow(/index in 0\.\.9999, but got 10000/);

    const named = await FashionMNIST.load({
      root: REAL_DIR,
      train: false,
      verify: false,
      transform: (_, l) => getFashionMnistLabels([l])[0],
    });
    expect(named.get(0)).toBe(FASHION_MNIST_CLASSES[testSet.labels[0]]);
  });
});
