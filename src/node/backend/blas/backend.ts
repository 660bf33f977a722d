/** The `blas` backend's class: tfjs's cpu backend plus reuse of float32 storage (see register.ts). */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { tf } from '../../../core/backend/tf.js';

/**
 * The cpu backend, plus reuse of float32 storage:
 * - `allocFloat32` gives this backend's own kernels an output array, recycled from a released tensor
 *   when one of that length is free (fresh arrays cost an allocation, zeroing, and garbage collection).
 * - `lend` takes arrays a caller lends as tensor storage (`Float32Pool`): the caller reuses such an
 *   array once `holds(dataId)` is false.
 * Either way an array may be reused, so its values leave the backend only as copies: `dataSync`/`data`
 * copy it, and a tensor made of (a view into) it (the cpu `Slice` returns views) gets a copy instead.
 */
export class MathBackendBlas extends MathBackendCPU {
  /** Buffers reachable only through this backend's tensors: read out as copies. */
  private readonly lentBuffers = new WeakSet<ArrayBufferLike>();
  /** Arrays from `allocFloat32`: recycled when their tensor's storage is released. */
  private readonly recyclable = new WeakSet<Float32Array>();
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;

  /** Keeps at most this many bytes of released arrays for reuse. */
  static readonly MAX_FREE_BYTES = 16 * 1024 * 1024;

  lend(values: Float32Array): void {
    this.lentBuffers.add(values.buffer);
  }

  /** Whether a tensor's storage is still alive (some tensor sharing it is not disposed). */
  holds(dataId: tf.DataId): boolean {
    return this.data.has(dataId);
  }

  /** An array for a kernel's output (stale contents: the kernel writes every element). */
  allocFloat32(length: number): Float32Array {
    const reused = this.free.get(length)?.pop();
    if (reused !== undefined) {
      this.freeBytes -= reused.byteLength;
      return reused;
    }
    const fresh = new Float32Array(length);
    this.lentBuffers.add(fresh.buffer);
    this.recyclable.add(fresh);
    return fresh;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (released && values instanceof Float32Array && this.recyclable.has(values)) this.recycle(values);
    return released;
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    return this.unlent(super.readSync(dataId));
  }

  override async read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    return this.unlent(await super.read(dataId));
  }

  override makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values?: tf.backend_util.BackendValues | string[],
  ): tf.TensorInfo {
    return super.makeTensorInfo(shape, dtype, values === undefined ? values : this.unlent(values));
  }

  /** Output arrays of this backend's own kernels: not copied (they are new, not yet any tensor's). */
  outputInfo(shape: number[], values: Float32Array): tf.TensorInfo {
    return { dataId: this.write(values, shape, 'float32'), shape, dtype: 'float32' };
  }

  override dispose(): void {
    this.free.clear();
    this.freeBytes = 0;
    super.dispose();
  }

  private recycle(values: Float32Array): void {
    if (this.freeBytes + values.byteLength > MathBackendBlas.MAX_FREE_BYTES) return;
    const list = this.free.get(values.length);
    if (list === undefined) this.free.set(values.length, [values]);
    else list.push(values);
    this.freeBytes += values.byteLength;
  }

  private unlent<T>(values: T): T {
    if (ArrayBuffer.isView(values) && this.lentBuffers.has(values.buffer))
      return (values as unknown as Float32Array).slice() as T;
    return values;
  }
}
