/** The backends Node adds in front of the core's `cpu`: tensorflow (tfjs-node, optional), blas (our addon), wasm. */
import type { BackendProvider } from '../../core/backend/registry.js';
import { registerBlasBackend } from './blas/register.js';

export const tensorflowProvider: BackendProvider = {
  name: 'tensorflow',
  description: "TensorFlow's C++ CPU kernels (optional dependency @tensorflow/tfjs-node)",
  load() {
    // Quiet TensorFlow's C++ start-up log (CPU feature lines) unless the user asked for it.
    process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  },
};

export const blasProvider: BackendProvider = {
  name: 'blas',
  description: 'cpu kernels with matrix products in OpenBLAS (optional native addon, built at install)',
  load() {
    registerBlasBackend();
  },
};
