/**
 * What a backend does with the float32 arrays minibatches are built in, registered per backend by
 * whoever registers the backend. The data loader asks the registry for the active backend and never
 * for the backend's name:
 * - `adopt` says when an array given to `tf.tensor` may be written again: at once when the backend
 *   copied it (wasm), or once the tensor's storage is released (blas keeps the array as storage);
 * - `gatherRowsU8`, when present, assembles a batch natively (bit for bit the JavaScript loop);
 * - `divideOnBackend` has the backend do the division (wasm: faster than the JavaScript loop).
 * A backend with no entry keeps arrays this project cannot track: they are not reused.
 */
import type { tf } from './tf.js';

/** `out[i, :] = src[indices[start + i], :] / divisor` for `count` rows of `rowSize` values. */
export type GatherRowsU8 = (
  src: Uint8Array,
  rowSize: number,
  indices: Uint32Array,
  start: number,
  count: number,
  divisor: number,
  out: Float32Array,
) => void;

export interface BatchArrays {
  /**
   * Called right after `t` was made from `values`: null when the backend copied the array (free
   * now), else a function that tells whether `t`'s storage (shared by every tensor made of it) is alive.
   */
  adopt(values: Float32Array, t: tf.Tensor): (() => boolean) | null;
  gatherRowsU8?: GatherRowsU8;
  /**
   * The backend divides faster than JavaScript's loop, and exactly (IEEE float32 division): the loader
   * then copies the rows as bytes, converts them to float32 (a native typed-array copy) and divides on
   * the backend. The same bits as `gatherRowsU8` (tested).
   */
  divideOnBackend?: boolean;
}

const registry = new Map<string, BatchArrays>();

/** Registers (or replaces) what `backendName` does with batch arrays. */
export function registerBatchArrays(backendName: string, arrays: BatchArrays): void {
  registry.set(backendName, arrays);
}

/** The entry of `backendName`, if it has one. */
export function batchArraysFor(backendName: string): BatchArrays | undefined {
  return registry.get(backendName);
}
