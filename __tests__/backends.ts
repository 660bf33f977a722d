/**
 * Which backends a test can run on here, decided before the tests are defined, so a test that needs an
 * absent backend is skipped visibly (with the reason) instead of passing empty.
 */
import { tf } from '../src/core/backend/tf.js';
import { tryLoadNative } from '../src/node/backend/native.js';

/** Whether the native addon (the `blas` backend) is built. CI builds it: there it must load. */
export const blasBuilt: boolean = (() => {
  const ok = tryLoadNative() !== null;
  if (!ok && process.env['CI'])
    throw new Error('CI builds the native addon (npm install with libopenblas-dev): it must load');
  return ok;
})();

/** Why `name` cannot run here, or undefined when it can. */
export function unavailable(name: string): string | undefined {
  if (name === 'blas') return blasBuilt ? undefined : 'the native addon is not built';
  if (name === 'tensorflow') {
    try {
      require.resolve('@tensorflow/tfjs-node');
      return undefined;
    } catch {
      return '@tensorflow/tfjs-node is not installed';
    }
  }
  return undefined;
}

/** `describe(title on name)` for each backend that runs here; `describe.skip` with the reason for the others. */
export function describeOn(names: readonly string[], title: string, body: (backend: string) => void): void {
  for (const name of names) {
    const reason = unavailable(name);
    if (reason === undefined) describe(`${title} on ${name}`, () => body(name));
    else describe.skip(`${title} on ${name} (skipped: ${reason})`, () => body(name));
  }
}

/**
 * Runs `fn` with the kernels `names` unregistered for `backend` (so the composite runs), then registers the
 * same kernels again.
 */
export function withoutKernels<T>(backend: string, names: readonly string[], fn: () => T): T {
  const saved = names.map((name) => tf.getKernel(name, backend)).filter((k): k is tf.KernelConfig => k !== undefined);
  expect(saved).toHaveLength(names.length); // the fused kernels were registered: the comparison means something
  for (const k of saved) tf.unregisterKernel(k.kernelName, backend);
  try {
    return fn();
  } finally {
    for (const k of saved) tf.registerKernel(k);
  }
}
