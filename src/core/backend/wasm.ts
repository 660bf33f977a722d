/**
 * The `wasm` backend (@tensorflow/tfjs-backend-wasm, XNNPACK kernels) with this project's corrections
 * (wasm-fixes.ts). It runs wherever WebAssembly does; a platform entry registers the provider (in a
 * browser, after telling tfjs where the .wasm files are served).
 */
import { registerBatchArrays } from './batch-arrays.js';
import type { BackendProvider } from './registry.js';
import { fixWasmClipByValue, fixWasmMatMul, fixWasmOneHot } from './wasm-fixes.js';

export const wasmProvider: BackendProvider = {
  name: 'wasm',
  description: 'WebAssembly with XNNPACK kernels (@tensorflow/tfjs-backend-wasm)',
  async load() {
    await import('@tensorflow/tfjs-backend-wasm');
    fixWasmOneHot();
    fixWasmClipByValue();
    fixWasmMatMul();
    // wasm copies an array into its own memory when a tensor is made: the array is free at once. Its
    // division (XNNPACK, IEEE float32) is exact and faster than dividing each byte in JavaScript.
    registerBatchArrays('wasm', { adopt: () => null, divideOnBackend: true });
  },
};
