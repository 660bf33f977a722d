/** Data: IDX files, Fashion-MNIST and MNIST, finding and downloading them, minibatch loading (Gluon's `gluon.data`). */
export { DataLoader, loadFashionMnist } from './data-loader.js';
export type { Batch, DataLoaderOptions, LastBatch, LoadFashionMnistOptions } from './data-loader.js';
export type { ArrayDataset } from './dataset.js';
export { DATASETS, DATASET_NAMES, FASHION_MNIST, MNIST, MNIST_FILES, datasetInfo, verifyIdxFile } from './datasets.js';
export type { DatasetInfo, DatasetName, IdxFiles } from './datasets.js';
export { downloadDataset, mirrorsFrom } from '../../node/data/download.js';
export type { DownloadOptions, FileReport, ProgressSink } from '../../node/data/download.js';
export { loadSplits, searchPath, userCacheDir } from '../../node/data/store.js';
export type { DataSource, LoadedSplits, Location, ResolveOptions } from '../../node/data/store.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FashionMNIST,
  IMAGE_COLS,
  IMAGE_ROWS,
  IMAGE_SIZE,
  defaultDataDir,
  getFashionMnistLabels,
  readFashionMnist,
  readIdxFile,
} from './fashion-mnist.js';
export type { FashionMnistItem, FashionMnistOptions, IdxFileInfo, Transform } from './fashion-mnist.js';
export { MAX_IDX_BYTES, encodeIdx, gunzipIfCompressed, parseIdx, readImages, readLabels } from './idx.js';
export type { Idx, IdxImages } from './idx.js';
