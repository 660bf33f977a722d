/**
 * Recording for automatic differentiation, mirroring `with autograd.record(): ...; l.backward()`.
 * TF.js differentiates closures, so the forward and reverse passes run together inside `record(fn)`;
 * `backward()` then publishes the gradients to each Parameter's `grad`.
 */
import { tf } from '../backend/tf.js';
import { DisposedError, SoftmaxError, assert } from '../errors.js';
import { liveParameters } from '../nn/parameter.js';
import type { Parameter } from '../nn/parameter.js';
import { withModes } from '../mode.js';

/** What the recorded function returns: the per-example loss `l` and any other outputs (e.g. `yHat`). */
export type RecordOutputs = { l: tf.Tensor } & Record<string, tf.Tensor>;

/** The outputs of a recording plus the gradient controls. The recording owns the outputs. */
export type Recording<T extends RecordOutputs> = T & {
  /** Publishes d(sum of l)/dθ to every parameter `l` depends on (overwriting `grad`). Once per recording. */
  backward(): void;
  /** Frees `l`, the other outputs, and any gradients not published. */
  dispose(): void;
};

/** Options of `record`. */
export interface RecordOptions {
  /** Training mode while recording (default true: Dropout drops). Mirrors record(train_mode=True). */
  trainMode?: boolean;
}

/** Deferred parameters a dry run did not reach (another network's), so later records skip the dry run. */
const notReached = new WeakSet<Parameter>();

/**
 * Runs `fn` under a gradient tape. Output: `fn`'s outputs (owned by the recording) with `backward()`
 * and `dispose()`. The gradient of a vector loss is that of its sum, as in MXNet.
 * `fn` runs in training mode unless `trainMode: false` (then Dropout passes through), and
 * `isRecording()` is true while it runs. Parameters whose initialization is deferred are completed by a
 * first untaped forward pass, in prediction mode so it draws no dropout mask.
 */
export function record<T extends RecordOutputs>(fn: () => T, options: RecordOptions = {}): Recording<T> {
  const training = options.trainMode ?? true;
  let live = liveParameters();
  const pending = live.filter((p) => p.deferred && !notReached.has(p));
  if (pending.length > 0) {
    // Deferred init creates variables during the forward; the tape needs them before it starts.
    tf.tidy(() => {
      withModes({ recording: false, training: false }, fn);
    });
    // Parameters still deferred belong to blocks `fn` does not use: do not dry-run for them again.
    for (const p of pending) if (p.deferred) notReached.add(p);
    live = liveParameters(); // the dry run may have made parameters too
  }
  const stillDeferred = live.filter((p) => p.deferred);
  const params = live.filter((p) => p.initialized && p.gradReq === 'write');
  let outputs: T | undefined;
  const forward = (): tf.Tensor => {
    const out = withModes({ recording: true, training }, fn);
    assert(
      out?.l instanceof tf.Tensor,
      () => 'autograd.record: the function must return { l: lossTensor, ... }.',
      SoftmaxError,
    );
    for (const [key, t] of Object.entries(out)) if (key !== 'l' && t instanceof tf.Tensor) tf.keep(t);
    outputs = out;
    return out.l;
  };
  let grads: (tf.Tensor | undefined)[] = [];
  if (params.length > 0) {
    const result = tf.engine().gradients(
      forward,
      params.map((p) => p.data()),
      undefined,
      true,
    );
    grads = result.grads;
  } else {
    tf.keep(tf.tidy(forward));
  }
  const recorded = outputs as T;
  let published = false;
  let disposed = false;
  const extra = {
    backward(): void {
      assert(
        !disposed,
        () => 'backward() after dispose(): this recording was disposed; record again for new gradients.',
        DisposedError,
      );
      assert(
        !published,
        () => 'backward() was already called on this recording; record again for new gradients.',
        SoftmaxError,
      );
      published = true;
      params.forEach((p, i) => {
        const g = grads[i];
        if (g !== undefined) p.setGrad(g);
      });
    },
    dispose(): void {
      disposed = true;
      const owned = Object.values(recorded).filter((t): t is tf.Tensor => t instanceof tf.Tensor);
      tf.dispose(owned);
      if (!published) tf.dispose(grads.filter((g): g is tf.Tensor => g !== undefined));
      published = true;
    },
  };
  const recording = Object.assign({}, recorded, extra) as Recording<T>;
  if (stillDeferred.some((p) => p.initialized)) {
    // The taped pass completed a parameter an earlier dry run had not reached (so none ran now): it
    // was created after the tape started and got no gradient. Record again now that it exists.
    recording.dispose();
    return record(fn, options);
  }
  return recording;
}
