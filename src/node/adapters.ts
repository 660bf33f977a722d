/**
 * `softmax/node`: the Node adapters, for code that builds on the library — bundles as directories,
 * the data store and downloader, images through sharp, charts as files.
 */
import './setup.js';

export { readBundle, writeBundle } from './bundle-files.js';
export { downloadDataset, mirrorsFrom } from './data/download.js';
export type { DownloadOptions, FileReport, ProgressSink } from './data/download.js';
export { envDataDir, loadSplits, searchPath, userCacheDir } from './data/store.js';
export type { Location, ResolveOptions } from './data/store.js';
export { readImageAsFashionMnist, toFashionMnist } from './image.js';
export { plotConfusion, plotCurves, showFashionMnist } from './render/charts.js';
export type { ChartFiles } from './render/render.js';
