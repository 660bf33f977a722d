/** The one register list of this project's kernels (tfjs-backend-cpu style). */
import { tf } from '../tf.js';
import type { KernelImpl } from './impl.js';
import { JS_IMPL } from './impl.js';
import { SGD_UPDATE, sgdUpdateKernel } from './sgd-update.js';
import { SPARSE_SOFTMAX_CE, sparseSoftmaxCeKernel } from './sparse-softmax-ce.js';
import { SPARSE_SOFTMAX_CE_GRAD, sparseSoftmaxCeGradKernel } from './sparse-softmax-ce-grad.js';

const KERNELS: readonly (readonly [string, (impl: KernelImpl) => tf.KernelFunc])[] = [
  [SPARSE_SOFTMAX_CE, sparseSoftmaxCeKernel],
  [SPARSE_SOFTMAX_CE_GRAD, sparseSoftmaxCeGradKernel],
  [SGD_UPDATE, sgdUpdateKernel],
];

/** The names of this project's kernels. */
export const KERNEL_NAMES: readonly string[] = KERNELS.map(([name]) => name);

/**
 * Registers every kernel of the list for `backendName` (a backend whose storage is tfjs-backend-cpu's),
 * running `impl`'s loops (default: the JavaScript ones). Idempotent: a kernel already registered stays.
 */
export function registerKernels(backendName: string, impl: KernelImpl = JS_IMPL): void {
  for (const [kernelName, make] of KERNELS) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    tf.registerKernel({ kernelName, backendName, kernelFunc: make(impl) });
  }
}
