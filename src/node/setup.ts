/**
 * Installs the Node platform, once, on import: the backends in `auto` order (tensorflow, blas, wasm,
 * then the core's cpu), bundles as directories, data sets from the search path or a download,
 * warnings as process warnings, and `setImmediate` between training batches.
 */
import { registerBackendProvider } from '../core/backend/registry.js';
import { wasmProvider } from '../core/backend/wasm.js';
import { setPlatform } from '../core/platform.js';
import { blasProvider, tensorflowProvider } from './backend/providers.js';
import { nodeBundleStore } from './bundle-files.js';
import { nodeDataStore } from './data/store.js';

for (const provider of [tensorflowProvider, blasProvider, wasmProvider])
  registerBackendProvider(provider, { before: 'cpu' });

setPlatform({
  name: 'Node',
  bundles: nodeBundleStore,
  data: nodeDataStore,
  warn: (message) => process.emitWarning(message, 'SoftmaxWarning'),
  yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
});
