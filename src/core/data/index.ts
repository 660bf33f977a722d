/**
 * Data (Gluon's `gluon.data`): data sets held as uint8 arrays, samplers, minibatch loading, Fashion-MNIST and
 * MNIST.
 */
export { DataLoader, loadFashionMnist, loadersOf } from './data-loader.js';
export type { Batch, DataLoaderOptions, LoadFashionMnistOptions, LoaderState } from './data-loader.js';
export type { ArrayDataset } from './dataset.js';
export { DATASETS, DATASET_NAMES, FASHION_MNIST, MNIST, datasetInfo } from './datasets.js';
export type { DatasetInfo, DatasetName, IdxFileInfo, IdxFiles } from './datasets.js';
export {
  FASHION_MNIST_CLASSES,
  FashionMNIST,
  IMAGE_COLS,
  IMAGE_ROWS,
  IMAGE_SIZE,
  getFashionMnistLabels,
} from './fashion-mnist.js';
export type { FashionMnistItem, FashionMnistOptions, Transform } from './fashion-mnist.js';
export { BatchSampler, RandomSampler, SequentialSampler } from './sampler.js';
export type { LastBatch, Sampler } from './sampler.js';
