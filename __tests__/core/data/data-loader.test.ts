import * as path from 'node:path';
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader, loadFashionMnist } from '../../../src/core/data/data-loader.js';
import type { DataLoaderOptions } from '../../../src/core/data/data-loader.js';
import type { ArrayDataset } from '../../../src/core/data/dataset.js';
import { ConfigError } from '../../../src/core/errors.js';
import * as random from '../../../src/core/random.js';

/** `count` examples of `featureSize` pixels spanning 0..255; label = index, so `y` shows the order. */
function dataset(count: number, featureSize = 3): ArrayDataset {
  return {
    images: Uint8Array.from({ length: count * featureSize }, (_, k) => (k * 37) % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i),
    count,
    featureSize,
  };
}

/** Runs one epoch, disposing each batch; returns the labels of each batch. */
function epoch(loader: DataLoader): number[][] {
  const batches: number[][] = [];
  for (const { X, y } of loader) {
    batches.push(Array.from(y.dataSync()));
    tf.dispose([X, y]);
  }
  return batches;
}
const sizes = (batches: number[][]): number[] => batches.map((b) => b.length);
const shuffled = (options: Partial<DataLoaderOptions> = {}): DataLoader =>
  new DataLoader(dataset(50), { batchSize: 8, shuffle: true, ...options });

describe('DataLoader batching', () => {
  test.each<[DataLoaderOptions['lastBatch'], number[], number[]]>([
    ['keep', [4, 4, 2], [4, 4, 2]],
    ['discard', [4, 4], [4, 4]],
    ['rollover', [4, 4], [4, 4, 4]],
  ])('lastBatch %s: 10 examples in batches of 4 give %j, then %j', (lastBatch, first, second) => {
    const loader = new DataLoader(dataset(10), { batchSize: 4, lastBatch });
    expect(loader.numExamples).toBe(10);
    for (const expected of [first, second]) {
      expect(loader.length).toBe(expected.length);
      expect(sizes(epoch(loader))).toEqual(expected);
    }
  });

  test('rollover starts the next epoch with the carried examples, as Gluon', () => {
    const loader = new DataLoader(dataset(10), { batchSize: 4, lastBatch: 'rollover' });
    expect(epoch(loader).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(epoch(loader)).toEqual([
      [8, 9, 0, 1],
      [2, 3, 4, 5],
      [6, 7, 8, 9],
    ]);
  });

  test('X is float32 [B, featureSize] = uint8 / 255 exactly; y is int32 [B]', () => {
    const data = dataset(7, 5);
    for (const { X, y } of new DataLoader(data, { batchSize: 3, shuffle: true, seed: 1 })) {
      expect([X.dtype, y.dtype]).toEqual(['float32', 'int32']);
      expect(X.shape).toEqual([y.shape[0], 5]);
      const rows = Array.from(y.dataSync(), (i) =>
        Array.from(data.images.subarray(i * 5, i * 5 + 5), (v) => Math.fround(v / 255)),
      );
      expect(Array.from(X.dataSync())).toEqual(rows.flat());
      tf.dispose([X, y]);
    }
  });

  test('an epoch leaves tf.memory().numTensors as it found it', () => {
    const before = tf.memory().numTensors;
    expect(epoch(new DataLoader(dataset(10), { batchSize: 3 }))).toHaveLength(4);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('DataLoader shuffling', () => {
  test('each epoch is a permutation, different from the last', () => {
    const loader = shuffled();
    const [first, second] = [epoch(loader).flat(), epoch(loader).flat()];
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(first).not.toEqual([...Array(50).keys()]);
    expect(second).not.toEqual(first);
  });

  test('equal seeds give equal epochs; other seeds do not', () => {
    const [a, b, c] = [shuffled({ seed: 3 }), shuffled({ seed: 3 }), shuffled({ seed: 4 })];
    for (let k = 0; k < 2; k++) {
      const order = epoch(a);
      expect(epoch(b)).toEqual(order);
      expect(epoch(c)).not.toEqual(order);
    }
  });

  test('without a seed, random.seed(n) before building makes the order repeatable', () => {
    const build = (): DataLoader => {
      random.seed(11);
      return shuffled();
    };
    expect(epoch(build())).toEqual(epoch(build()));
  });
});

describe('DataLoader options', () => {
  test.each<[Partial<DataLoaderOptions>, RegExp]>([
    [{ batchSize: 0 }, /batchSize to be a positive integer, but got 0/],
    [{ batchSize: 2.5 }, /batchSize to be a positive integer, but got 2.5/],
    [
      { lastBatch: 'drop' as DataLoaderOptions['lastBatch'] },
      /lastBatch to be one of keep, discard, rollover, but got 'drop'/,
    ],
    [{ seed: 0.5 }, /seed to be an integer, but got 0.5/],
  ])('%j → ConfigError', (options, message) => {
    const build = (): DataLoader => new DataLoader(dataset(4), { batchSize: 2, ...options });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
  });

  test('a dataset whose arrays do not match its count → ConfigError', () => {
    const bad = { ...dataset(4), count: 5 };
    expect(() => new DataLoader(bad, { batchSize: 2 })).toThrow(
      /Expected 5 examples of 3 features .* got 12 image bytes and 4 labels/,
    );
  });
});

describe('loadFashionMnist (shipped data)', () => {
  test("gives d2l's iterators: shuffled train with a last batch of 96, ordered test", async () => {
    const root = path.resolve(__dirname, '../../../datasets/fashion-mnist');
    const [trainIter, testIter] = await loadFashionMnist(256, { root, seed: 0 });
    expect([trainIter.numExamples, trainIter.length, trainIter.shuffle]).toEqual([60000, 235, true]);
    expect([testIter.numExamples, testIter.length, testIter.shuffle]).toEqual([10000, 40, false]);
    expect(sizes(epoch(trainIter))).toEqual([...new Array(234).fill(256), 96]);
    const testBatches = epoch(testIter);
    expect(testBatches.at(-1)).toHaveLength(10000 - 39 * 256);
    expect(testBatches.flat()).toEqual(Array.from(testIter.dataset.labels));
  });
});
