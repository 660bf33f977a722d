/**
 * Recording and training modes, mirroring mxnet.autograd's `is_recording`, `is_training`, `train_mode`
 * and `predict_mode` (global state, as in MXNet; here at the core's root because nn and autograd both
 * read it). `record` turns recording on and, by default, training mode with it;
 * layers such as `Dropout` act only in training mode, so they are identities outside `record` and in
 * `predictMode` (evaluation) inside it.
 */

let recording = false;
let training = false;

/** True while `autograd.record` runs its function. Mirrors autograd.is_recording. */
export function isRecording(): boolean {
  return recording;
}

/** True in training mode (inside `record` by default, or `trainMode`). Mirrors autograd.is_training. */
export function isTraining(): boolean {
  return training;
}

/** Runs `fn` with the modes set, restoring the previous modes afterwards (also when `fn` throws). */
export function withModes<T>(modes: { recording?: boolean; training?: boolean }, fn: () => T): T {
  const saved = { recording, training };
  recording = modes.recording ?? recording;
  training = modes.training ?? training;
  try {
    return fn();
  } finally {
    recording = saved.recording;
    training = saved.training;
  }
}

/** Runs `fn` in training mode (Dropout drops). Mirrors `with autograd.train_mode():`. */
export function trainMode<T>(fn: () => T): T {
  return withModes({ training: true }, fn);
}

/** Runs `fn` in prediction mode (Dropout passes through), e.g. inside `record`. Mirrors `with autograd.predict_mode():`. */
export function predictMode<T>(fn: () => T): T {
  return withModes({ training: false }, fn);
}
