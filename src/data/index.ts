/** Data: IDX files, Fashion-MNIST and minibatch loading (Gluon's `gluon.data`). */
export { DataLoader, loadFashionMnist } from './data-loader.js';
export type { Batch, DataLoaderOptions, LastBatch, LoadFashionMnistOptions } from './data-loader.js';
export type { ArrayDataset } from './dataset.js';
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
  verifySha256,
} from './fashion-mnist.js';
export type { FashionMnistItem, FashionMnistOptions, IdxFileInfo, Transform } from './fashion-mnist.js';
export { MAX_IDX_BYTES, encodeIdx, gunzipIfCompressed, parseIdx, readImages, readLabels } from './idx.js';
export type { Idx, IdxImages } from './idx.js';
