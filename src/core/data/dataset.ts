/**
 * What a `DataLoader` batches: a data set held as flat uint8 arrays, the way this project keeps data
 * in memory (STYLE §4.5) and builds each batch tensor on demand.
 */

/**
 * `count` examples of `featureSize` uint8 features each, row-major in `images`, and one label per
 * example in `labels`. Plays the part of gluon.data.ArrayDataset for image classification.
 */
export interface ArrayDataset {
  /** `count · featureSize` uint8 values; example `i` is `images.subarray(i·featureSize, (i+1)·featureSize)`. */
  readonly images: Uint8Array;
  /** `count` class indices. */
  readonly labels: Uint8Array;
  readonly count: number;
  /** Features per example (784 for 28 × 28 images). */
  readonly featureSize: number;
}
