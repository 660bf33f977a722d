/**
 * `softmax/core`: the runtime-neutral core, for a platform of your own. The public API (`api.ts`)
 * plus what a platform entry needs: `setPlatform` for its adapters (file storage, data sets, warnings)
 * and the core's backend providers to register (cpu is registered already; wasm runs anywhere
 * WebAssembly does). Runs wherever TensorFlow.js does; call `await initBackend()` before tensor work.
 */
export * from './api.js';
export { cpuProvider } from './backend/registry.js';
export { wasmProvider } from './backend/wasm.js';
export { silentLogger } from './logger.js';
export { platform, setPlatform } from './platform.js';
export type { BundleStore, DataSource, DataStore, DataStoreOptions, LoadedSplits, Platform } from './platform.js';
