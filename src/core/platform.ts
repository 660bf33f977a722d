/**
 * What the core needs from the platform it runs on, and cannot do itself without tying it to one:
 * storing bundles (saved models, trainer states) by path, reading data sets, and reporting warnings.
 * A platform entry (the Node entry; later the browser's) installs its adapters with `setPlatform`;
 * the core calls them through `platform()` and never imports them.
 */
import { SoftmaxError } from './errors.js';
import type { Logger } from './logger.js';
import type { Manifest, NamedArray } from './io/bundle.js';
import type { ArrayDataset } from './data/dataset.js';
import type { DatasetInfo } from './data/datasets.js';

/** Saves and loads bundles (`io/bundle.ts`) at a path the platform understands (a directory in Node). */
export interface BundleStore {
  save<M extends object>(path: string, kind: string, meta: M, arrays: readonly NamedArray[]): Promise<Manifest<M>>;
  load<M extends object>(
    path: string,
    kind: string,
  ): Promise<{ manifest: Manifest<M>; arrays: Map<string, NamedArray> }>;
}

/** Where a data set was found, as a data store reports it. */
export interface DataSource {
  /** `data-dir` (explicit), `repo`, `cache`, `system`, `download`, or a platform's own kind. */
  kind: string;
  dir: string;
}

export interface LoadedSplits {
  train: ArrayDataset;
  test: ArrayDataset;
  source: DataSource;
}

/** What a caller may ask of a data store; a platform's store may take more (see its options type). */
export interface DataStoreOptions {
  /** Where the files are (an explicit directory: used strictly); default: the platform's search. */
  root?: string | undefined;
  /** Check each file against the data-set table (default true). */
  verify?: boolean;
  logger?: Logger;
}

/** Finds (or fetches) a data set and reads it, verified. */
export interface DataStore {
  loadSplits(dataset: DatasetInfo, options?: DataStoreOptions): Promise<LoadedSplits>;
}

export interface Platform {
  readonly name: string;
  bundles?: BundleStore;
  data?: DataStore;
  /** Reports a warning (Gluon's `warnings.warn`); default `console.warn`. */
  warn?: (message: string) => void;
  /** Lets pending events (a signal, a timer) run; default a zero timeout. Node's is `setImmediate` (no 1 ms clamp). */
  yieldToEventLoop?: () => Promise<void>;
}

let current: Platform = { name: 'core' };

/** Installs a platform's adapters (a platform entry does this once, on import). */
export function setPlatform(p: Platform): void {
  current = p;
}

export function platform(): Platform {
  return current;
}

/** The platform's `what` adapter, or a `SoftmaxError` saying that this platform has none. */
export function adapter<K extends 'bundles' | 'data'>(what: K, use: string): NonNullable<Platform[K]> {
  const a = current[what];
  if (a === undefined) {
    throw new SoftmaxError(
      `${use} needs a platform that provides ${what === 'bundles' ? 'file storage' : 'data sets'}, ` +
        `and ${current.name} provides none: ` +
        "import the package through its platform entry ('softmax' in Node).",
    );
  }
  return a as NonNullable<Platform[K]>;
}

/** Reports a warning through the platform. */
export function warn(message: string): void {
  (current.warn ?? ((m: string) => console.warn(m)))(message);
}

/** Lets the event loop run pending events once (between training batches, so a stop request is seen). */
export function yieldToEventLoop(): Promise<void> {
  return current.yieldToEventLoop?.() ?? new Promise((resolve) => setTimeout(resolve, 0));
}
