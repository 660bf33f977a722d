/**
 * `data.FashionMNIST.load()` looks for the data exactly where `loadFashionMnist` does (issue 12: it
 * used to insist on the package's own datasets/ folder): both ask the platform's data store for the
 * same data set with the same options.
 */
import { FashionMNIST } from '../../../src/core/data/fashion-mnist.js';
import { loadFashionMnist } from '../../../src/core/data/data-loader.js';
import { FASHION_MNIST } from '../../../src/core/data/datasets.js';
import { platform, setPlatform } from '../../../src/core/platform.js';
import type { DataStore, DataStoreOptions } from '../../../src/core/platform.js';
import type { DatasetInfo } from '../../../src/core/data/datasets.js';

const split = (count: number) => ({
  images: new Uint8Array(count * 784),
  labels: new Uint8Array(count),
  count,
  featureSize: 784,
});

it('FashionMNIST.load and loadFashionMnist make the same request of the data store', async () => {
  const before = platform();
  const calls: unknown[][] = [];
  const data: DataStore = {
    loadSplits: async (dataset: DatasetInfo, options?: DataStoreOptions) => {
      calls.push([dataset, options]);
      return { train: split(3), test: split(2), source: { kind: 'system', dir: '/usr/share/datasets/fashion-mnist' } };
    },
  };
  setPlatform({ ...before, data });
  try {
    const test = await FashionMNIST.load({ train: false });
    await loadFashionMnist(2);
    expect(test.length).toBe(2);
    expect(calls).toEqual([
      [FASHION_MNIST, {}],
      [FASHION_MNIST, {}],
    ]);
  } finally {
    setPlatform(before);
  }
});
